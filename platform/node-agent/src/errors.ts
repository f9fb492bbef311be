/**
 * One error base for the node agent and one catalog of its codes. The agent's own failures
 * (configuration, nvidia-smi, sandboxes) are NodeAgentErrors; what the platform refuses arrives as
 * the SDK's `ApiError` (the platform's code, status and correlation id) and an unreachable platform
 * as `SdkError` API_UNREACHABLE, both from the request sender. docs/errors.md lists every code
 * (the "node-agent" table) and a test keeps the two in step.
 */

import { EXIT_CODES } from '@gpuaas/sdk';
import type { ExitCode } from '@gpuaas/sdk';

interface CatalogEntry {
  /** Exit status of `gpuaas-node-agent` when the error ends it (the SDK's one table). */
  exit: ExitCode;
  meaning: string;
}

export const NODE_AGENT_ERRORS = {
  CONFIG_INVALID: {
    exit: EXIT_CODES.USAGE,
    meaning:
      'The agent was started with a bad option (no credential or token, no or a bad `--platform-url`, an `--advertise-address` or `--runtime-listen` it cannot listen on, `--simulate`, `--sandbox-limits`, `--sandbox bubblewrap` without bwrap, `--gpus nvidia` without nvidia-smi), or the @gpuaas/runtime package it starts cannot be found.',
  },
  NVIDIA_SMI_FAILED: {
    exit: EXIT_CODES.USAGE,
    meaning:
      'nvidia-smi is installed but failed or printed output the agent cannot read: a GPU node with a broken driver does not register as a node without GPUs.',
  },
  SANDBOX_FAILED: {
    exit: EXIT_CODES.INTERNAL,
    meaning: "An allocation's sandbox process could not be started; the allocation is reported failed.",
  },
  ANSWER_INVALID: {
    exit: EXIT_CODES.INTERNAL,
    meaning:
      'The platform (or a proxy in front of it) answered a registration or heartbeat with a 2xx but without the JSON body the contract promises.',
  },
  STOPPED: {
    exit: EXIT_CODES.INTERNAL,
    meaning: 'The agent was stopped before it could register with the platform.',
  },
} as const satisfies Record<string, CatalogEntry>;

export type NodeAgentErrorCode = keyof typeof NODE_AGENT_ERRORS;

export class NodeAgentError<Code extends NodeAgentErrorCode = NodeAgentErrorCode> extends Error {
  override readonly name: string = 'NodeAgentError';
  readonly code: Code;

  constructor(code: Code, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

export function isNodeAgentError(error: unknown): error is NodeAgentError {
  return error instanceof NodeAgentError;
}
