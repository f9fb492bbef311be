/**
 * `gpuaas-node-agent`: the node agent on a GPU machine, registering with a platform over the REST
 * protocol (docs/allocations.md) and hosting the allocations placed on it. It authenticates with
 * an operator token limited to `nodes:agent`, read from a file on every request (so it can be
 * rotated in place) or from GPUAAS_TOKEN. One top-level catch turns errors into
 * `error[CODE]: message` and the exit status every GPUaaS program uses (`EXIT_CODES` of the SDK:
 * 2 usage or configuration, 1 refused by the platform, 3 authentication, 5 unreachable, 70 internal).
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import pino from 'pino';
import { EXIT_CODES, exitCodeFor, isApiError, isSdkError } from '@gpuaas/sdk';
import type { TokenProvider } from '@gpuaas/sdk';
import { NodeAgent } from '../agent.js';
import { egressTargets } from '../egress.js';
import { NODE_AGENT_ERRORS, NodeAgentError, isNodeAgentError } from '../errors.js';
import { detectNvidiaInventory, parseSimulationSpec, simulatedInventory } from '../inventory.js';
import type { NodeInventory, SimulationSpec } from '../inventory.js';
import { httpAgentTransport } from '../protocol.js';
import { parseSandboxLimits } from '../sandbox-limits.js';
import type { SandboxLimitsConfig } from '../sandbox-limits.js';
import { AGENT_VERSION } from '../version.js';

export interface AgentCliIo {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** Stops the agent (tests); the real process stops on SIGTERM/SIGINT. */
  signal?: AbortSignal;
}

interface AgentOptions {
  apiUrl: string;
  name: string;
  region?: string;
  tokenFile?: string;
  dataDir: string;
  gpus: 'auto' | 'nvidia' | 'simulated';
  simulate: string;
  sandbox: 'auto' | 'bubblewrap' | 'none';
  sandboxLimits?: string;
  runtimeEgress: string[];
}

function defaultIo(): AgentCliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** The agent token, read again on every request so that a rotated file takes effect at once. */
function agentTokenProvider(tokenFile: string | undefined, env: NodeJS.ProcessEnv): TokenProvider {
  return {
    source: tokenFile === undefined ? 'GPUAAS_TOKEN' : 'token',
    async getToken() {
      const value = tokenFile !== undefined ? (await readFile(tokenFile, 'utf8')).trim() : env.GPUAAS_TOKEN;
      if (value === undefined || value === '') {
        throw new NodeAgentError('CONFIG_INVALID', 'no agent token: pass --token-file or set GPUAAS_TOKEN');
      }
      return value;
    },
  };
}

function configError(option: string, error: unknown): NodeAgentError {
  return new NodeAgentError('CONFIG_INVALID', `${option} ${(error as Error).message}`, { cause: error });
}

function sandboxLimitsOption(text: string | undefined): Partial<SandboxLimitsConfig> {
  if (text === undefined) return {};
  try {
    return parseSandboxLimits(text);
  } catch (error) {
    throw configError('--sandbox-limits:', error);
  }
}

function simulationOption(text: string): SimulationSpec {
  try {
    return parseSimulationSpec(text);
  } catch (error) {
    throw configError('--simulate', error);
  }
}

async function nodeInventory(options: AgentOptions): Promise<NodeInventory> {
  const real = options.gpus === 'simulated' ? undefined : await detectNvidiaInventory({ name: options.name });
  if (real !== undefined) return real;
  if (options.gpus === 'nvidia')
    throw new NodeAgentError('CONFIG_INVALID', '--gpus nvidia: nvidia-smi was not found');
  // One agent is one node: only the GPU count and model of the spec apply.
  const [node] = simulatedInventory({
    ...simulationOption(options.simulate),
    nodes: 1,
    names: [options.name],
  });
  if (node === undefined) throw new NodeAgentError('CONFIG_INVALID', 'no GPU inventory');
  return node.inventory;
}

/** Resolves on SIGTERM, SIGINT or the io's abort signal, whichever comes first. */
function stopRequested(io: AgentCliIo): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      io.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    io.signal?.addEventListener('abort', stop);
    if (io.signal?.aborted === true) stop();
  });
}

async function runAgent(options: AgentOptions, io: AgentCliIo): Promise<void> {
  if (!['auto', 'nvidia', 'simulated'].includes(options.gpus)) {
    throw new NodeAgentError(
      'CONFIG_INVALID',
      `--gpus must be auto, nvidia or simulated (got "${options.gpus}")`,
    );
  }
  if (!['auto', 'bubblewrap', 'none'].includes(options.sandbox)) {
    throw new NodeAgentError(
      'CONFIG_INVALID',
      `--sandbox must be auto, bubblewrap or none (got "${options.sandbox}")`,
    );
  }
  const limits = sandboxLimitsOption(options.sandboxLimits);
  // Sandboxes have no network: their runtimes reach the platform and these, nothing else.
  const egress = egressTargets([options.apiUrl, ...options.runtimeEgress]);
  const tokenProvider = agentTokenProvider(options.tokenFile, io.env);
  await tokenProvider.getToken();
  const inventory = await nodeInventory(options);
  const agent = new NodeAgent({
    name: options.name,
    ...(options.region === undefined ? {} : { region: options.region }),
    inventory,
    transport: httpAgentTransport({ baseUrl: options.apiUrl, tokenProvider }),
    dataDir: options.dataDir,
    sandbox: options.sandbox,
    limits,
    egress: () => egress,
    logger: pino({ base: { service: 'gpuaas-node-agent', node: options.name } }, pino.destination(2)),
  });
  // Listening first: a signal that arrives while the agent registers must not be lost.
  const stopped = stopRequested(io);
  const node = await Promise.race([agent.start(), stopped.then(() => undefined)]);
  if (node !== undefined) {
    io.stdout.write(
      `gpuaas node agent: node ${node.id} (${options.name}) registered with ${options.apiUrl}\n`,
    );
    await stopped;
  }
  await agent.stop();
}

function program(io: AgentCliIo): Command {
  return new Command('gpuaas-node-agent')
    .description("Run a node agent: register this machine's GPUs with a platform and host its allocations")
    .version(AGENT_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .exitOverride()
    .requiredOption('--api-url <url>', 'the platform, e.g. https://gpuaas.example.com')
    .option(
      '--name <name>',
      'node name (default: the host name)',
      hostname()
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '-'),
    )
    .option('--region <region>', 'region the node is in')
    .option('--token-file <file>', 'file holding the agent token (default: env GPUAAS_TOKEN)')
    .option('--data-dir <dir>', "folder for the allocations' sandboxes", './.gpuaas-node')
    .option('--gpus <source>', 'auto (nvidia-smi if present), nvidia or simulated', 'auto')
    .option('--simulate <1xG[:model]>', 'simulated GPUs when there are none (one node of G GPUs)', '1x8')
    .option('--sandbox <mode>', 'auto (bubblewrap when installed), bubblewrap or none', 'auto')
    .option(
      '--sandbox-limits <spec>',
      'what each sandbox may use: pids=N,memory=SIZE,cpus=N,tmp=SIZE,home=SIZE (per GPU but pids; docs/security.md)',
    )
    .option(
      '--runtime-egress <host:port>',
      'a registry (or other destination) runtimes may reach besides the platform (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .action((options: AgentOptions) => runAgent(options, io));
}

/** The error's code, for the one line the program prints about it. */
function codeOf(error: unknown): string {
  return isNodeAgentError(error) || isApiError(error) || isSdkError(error) ? error.code : 'INTERNAL';
}

/**
 * Runs the agent until it is stopped; resolves with the exit status.
 *
 * @example
 * process.exitCode = await main(process.argv);
 */
export async function main(argv: readonly string[], io: AgentCliIo = defaultIo()): Promise<number> {
  const command = program(io);
  try {
    await command.parseAsync([...argv]);
    return EXIT_CODES.OK;
  } catch (error) {
    // Commander has printed its own message (or the help) already.
    if (!(error instanceof CommanderError)) {
      io.stderr.write(`error[${codeOf(error)}]: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    // The statuses of every GPUaaS program (docs/cli.md); the agent's own codes carry theirs.
    return isNodeAgentError(error) ? NODE_AGENT_ERRORS[error.code].exit : exitCodeFor(error);
  }
}
