/**
 * `gpuaas-node-agent`: the node agent on a GPU machine, registering with a platform over the REST
 * protocol (docs/allocations.md) and hosting the allocations placed on it. It authenticates with
 * an operator token limited to `nodes:agent`, read from a file on every request (so it can be
 * rotated in place) or from GPUAAS_TOKEN. One top-level catch turns errors into
 * `error[CODE]: message` and the exit status every GPUaaS program uses (`EXIT_CODES` of the SDK:
 * 2 usage or configuration, 1 refused by the platform, 3 authentication, 5 unreachable, 70 internal).
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
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
import { failoverTransport, httpAgentTransport } from '../protocol.js';
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
  /** `--platform-url` (repeatable: instances to fail over between) and its older name `--api-url`. */
  platformUrl: string[];
  apiUrl?: string;
  name: string;
  region?: string;
  tokenFile?: string;
  credentialFile?: string;
  advertiseAddress?: string;
  runtimeListen?: string;
  maxBackoff: string;
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

/** Every platform URL given, checked: at least one, each http(s). */
function platformUrls(options: AgentOptions): string[] {
  const urls = [...options.platformUrl, ...(options.apiUrl === undefined ? [] : [options.apiUrl])];
  if (urls.length === 0) {
    throw new NodeAgentError('CONFIG_INVALID', 'give the platform with --platform-url URL (repeatable)');
  }
  for (const url of urls) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || !['http:', 'https:'].includes(parsed.protocol)) {
      throw new NodeAgentError('CONFIG_INVALID', `--platform-url must be an http(s) URL (got "${url}")`);
    }
  }
  return urls;
}

/** Fails at start, not at the first allocation, when the runtimes' address cannot be listened on. */
async function checkListenable(host: string, option: string): Promise<void> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port: 0 }, resolve);
    });
  } catch (error) {
    throw new NodeAgentError(
      'CONFIG_INVALID',
      `${option} ${host}: cannot listen there (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ` +
        'give an address of this machine, or --runtime-listen with one (0.0.0.0 for all) when the advertised one is not (NAT)',
      { cause: error },
    );
  } finally {
    server.close();
  }
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
  if (options.tokenFile !== undefined && options.credentialFile !== undefined) {
    throw new NodeAgentError('CONFIG_INVALID', 'give --credential-file or --token-file, not both');
  }
  if (options.runtimeListen !== undefined && options.advertiseAddress === undefined) {
    throw new NodeAgentError('CONFIG_INVALID', '--runtime-listen needs --advertise-address');
  }
  const urls = platformUrls(options);
  const maxBackoffSeconds = Number(options.maxBackoff);
  if (!Number.isInteger(maxBackoffSeconds) || maxBackoffSeconds < 1 || maxBackoffSeconds > 3600) {
    throw new NodeAgentError(
      'CONFIG_INVALID',
      `--max-backoff must be a whole number of seconds from 1 to 3600 (got "${options.maxBackoff}")`,
    );
  }
  const limits = sandboxLimitsOption(options.sandboxLimits);
  // Sandboxes have no network: their runtimes reach the platform and these, nothing else.
  const egress = egressTargets([...urls, ...options.runtimeEgress]);
  if (options.advertiseAddress !== undefined) {
    await checkListenable(
      options.runtimeListen ?? options.advertiseAddress,
      options.runtimeListen === undefined ? '--advertise-address' : '--runtime-listen',
    );
  }
  const tokenProvider = agentTokenProvider(options.credentialFile ?? options.tokenFile, io.env);
  await tokenProvider.getToken();
  const inventory = await nodeInventory(options);
  const logger = pino({ base: { service: 'gpuaas-node-agent', node: options.name } }, pino.destination(2));
  // Short attempts and few retries per instance: the loop's own backoff outlasts a long outage,
  // and a cut connection must not hold a heartbeat for a minute once the network is back.
  const transport = failoverTransport(
    urls.map((baseUrl) =>
      httpAgentTransport({ baseUrl, tokenProvider, timeoutMs: 10_000, retry: { maxRetries: 2 } }),
    ),
    (from, to, error) =>
      logger.warn(
        { err: error, from: urls[from], to: urls[to] },
        'platform instance unreachable: trying the next',
      ),
  );
  const agent = new NodeAgent({
    name: options.name,
    ...(options.region === undefined ? {} : { region: options.region }),
    inventory,
    transport,
    dataDir: options.dataDir,
    sandbox: options.sandbox,
    limits,
    egress: () => egress,
    maxBackoffMs: maxBackoffSeconds * 1000,
    ...(options.advertiseAddress === undefined
      ? {}
      : {
          runtimeAddress: {
            advertise: options.advertiseAddress,
            ...(options.runtimeListen === undefined ? {} : { listen: options.runtimeListen }),
          },
        }),
    logger,
  });
  // Listening first: a signal that arrives while the agent registers must not be lost.
  const stopped = stopRequested(io);
  const node = await Promise.race([agent.start(), stopped.then(() => undefined)]);
  if (node !== undefined) {
    io.stdout.write(
      `gpuaas node agent: node ${node.id} (${options.name}) registered with ${urls.join(', ')}\n`,
    );
    await stopped;
  }
  await agent.stop();
}

function program(io: AgentCliIo, name: string): Command {
  return new Command(name)
    .description("Run a node agent: register this machine's GPUs with a platform and host its allocations")
    .version(AGENT_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .exitOverride()
    .option(
      '--platform-url <url>',
      'a platform instance, e.g. https://gpuaas.example.com (repeatable: the agent fails over between them)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--api-url <url>', 'the older name of --platform-url')
    .option(
      '--name <name>',
      'node name (default: the host name)',
      hostname()
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '-'),
    )
    .option('--region <region>', 'region the node is in')
    .option(
      '--credential-file <file>',
      "file holding the node's credential (gpuaas-platform node-credentials issue), read on every request",
    )
    .option('--token-file <file>', 'file holding an agent token instead (default: env GPUAAS_TOKEN)')
    .option(
      '--advertise-address <host>',
      'serve each runtime over TLS on a TCP port of this address, so every platform instance reaches it (a remote node; the certificate is kept in --data-dir)',
    )
    .option('--runtime-listen <address>', 'bind those ports here instead (e.g. 0.0.0.0 behind NAT)')
    .option(
      '--max-backoff <seconds>',
      'longest wait between heartbeats while the platform cannot be reached',
      '30',
    )
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
export async function main(
  argv: readonly string[],
  io: AgentCliIo = defaultIo(),
  name = 'gpuaas-node-agent',
): Promise<number> {
  const command = program(io, name);
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
