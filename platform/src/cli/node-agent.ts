/**
 * `gpuaas-platform node-agent …`: the node agent (`@gpuaas/node-agent`, the same program as
 * `gpuaas-node-agent`) from the platform's own package, for a GPU machine that joins a platform
 * running elsewhere:
 *
 *   gpuaas-platform node-agent --platform-url https://gpu.example.com --credential-file /etc/gpuaas/node.credential
 *
 * Its options and exit statuses are the agent's; this command only hands its arguments over.
 */
import type { Command } from 'commander';
import { main as agentMain } from '@gpuaas/node-agent';
import type { PlatformCliIo } from './common.js';

export const NODE_AGENT_COMMAND = 'node-agent';

/** Listed in `gpuaas-platform --help`; `runNodeAgent` runs it (its options are the agent's own). */
export function registerNodeAgent(program: Command): void {
  program
    .command(NODE_AGENT_COMMAND)
    .description(
      "Run a node agent on this machine against a platform (--platform-url URL --credential-file F; see 'node-agent --help')",
    )
    .helpOption(false)
    .allowUnknownOption();
}

/** Runs the agent with the arguments after `node-agent`; resolves with its exit status. */
export function runNodeAgent(args: readonly string[], io: PlatformCliIo): Promise<number> {
  return agentMain(
    ['node', NODE_AGENT_COMMAND, ...args],
    {
      stdout: io.stdout,
      stderr: io.stderr,
      env: io.env,
      ...(io.signal === undefined ? {} : { signal: io.signal }),
    },
    `gpuaas-platform ${NODE_AGENT_COMMAND}`,
  );
}
