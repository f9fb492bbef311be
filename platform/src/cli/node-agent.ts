/**
 * `gpuaas-platform node-agent`: a node agent on a GPU machine, registering with a platform over
 * the REST protocol (docs/allocations.md). It authenticates with an operator token limited to
 * `nodes:agent`, read from a file on every request (so it can be rotated in place) or from
 * GPUAAS_TOKEN.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Command } from 'commander';
import pino from 'pino';
import { PlatformError } from '../errors.js';
import { NodeAgent } from '../nodes/agent/agent.js';
import { detectNvidiaInventory, simulatedInventory } from '../nodes/agent/inventory.js';
import { httpAgentTransport } from '../nodes/agent/protocol.js';
import type { CliContext } from './common.js';
import { parseSimulation, sandboxLimitsOption } from './serve.js';
import { runtimeEgressAllowList } from '../compute/runtime-egress.js';

interface AgentOptions {
  apiUrl: string;
  name: string;
  region?: string;
  tokenFile?: string;
  dataDir: string;
  gpus: string;
  simulate: string;
  sandbox: 'auto' | 'bubblewrap' | 'none';
  sandboxLimits?: string;
  runtimeEgress: string[];
}

export function registerNodeAgent(program: Command, { io }: CliContext): void {
  program
    .command('node-agent')
    .description("Run a node agent: register this machine's GPUs with a platform and host its allocations")
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
      'what each sandbox may use: pids=N,memory=SIZE,cpus=N,tmp=SIZE,home=SIZE (per GPU but pids)',
    )
    .option(
      '--runtime-egress <host:port>',
      'a registry (or other destination) runtimes may reach besides the platform (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .action(async (options: AgentOptions) => {
      const limits = sandboxLimitsOption(options.sandboxLimits);
      // Sandboxes have no network: their runtimes reach the platform and these, nothing else.
      const egress = runtimeEgressAllowList({
        platformUrls: [options.apiUrl],
        trustPolicy: undefined,
        extra: options.runtimeEgress,
      });
      const token = async () => {
        const value =
          options.tokenFile !== undefined
            ? (await readFile(options.tokenFile, 'utf8')).trim()
            : io.env.GPUAAS_TOKEN;
        if (value === undefined || value === '') {
          throw new PlatformError('CONFIG_INVALID', 'no agent token: pass --token-file or set GPUAAS_TOKEN');
        }
        return value;
      };
      await token();
      let inventory =
        options.gpus === 'simulated' ? undefined : await detectNvidiaInventory({ name: options.name });
      if (inventory === undefined) {
        if (options.gpus === 'nvidia')
          throw new PlatformError('CONFIG_INVALID', '--gpus nvidia: nvidia-smi was not found');
        const sim = parseSimulation(options.simulate);
        inventory = simulatedInventory({ ...sim, nodes: 1, names: [options.name] })[0]?.inventory;
      }
      if (inventory === undefined) throw new PlatformError('CONFIG_INVALID', 'no GPU inventory');
      const agent = new NodeAgent({
        name: options.name,
        ...(options.region === undefined ? {} : { region: options.region }),
        inventory,
        transport: httpAgentTransport({ baseUrl: options.apiUrl, token }),
        dataDir: options.dataDir,
        sandbox: options.sandbox,
        limits,
        egress: () => egress,
        logger: pino({ base: { service: 'gpuaas-node-agent', node: options.name } }, pino.destination(2)),
      });
      // Listening first: a signal that arrives while the agent registers must not be lost.
      const stopped = new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          resolve();
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        io.signal?.addEventListener('abort', stop);
        if (io.signal?.aborted === true) stop();
      });
      const node = await Promise.race([agent.start(), stopped.then(() => undefined)]);
      if (node !== undefined) {
        io.stdout.write(
          `gpuaas node agent: node ${node.id} (${options.name}) registered with ${options.apiUrl}\n`,
        );
        await stopped;
      }
      await agent.stop();
    });
}
