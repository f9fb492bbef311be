/**
 * The node agents a platform on embedded defaults runs in its own process: real GPUs when
 * `nvidia-smi` answers (one node), else simulated nodes. They speak the same REST protocol as
 * remote agents (over loopback, with an operator token limited to `nodes:agent`), so the embedded
 * path exercises exactly what production does; the platform only adds a nudge, so an allocation
 * placed on a local node starts without waiting for the next heartbeat.
 */
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { IssueTokenInput, IssuedToken } from '../auth/tokens.js';
import type { LocalNodeConfig } from '../config-compute.js';
import type { Tables } from '../db/schema.js';
import { ensureUser } from '../identity/store.js';
import type { Logger } from '../logger.js';
import { detectNvidiaInventory, httpAgentTransport, NodeAgent, simulatedInventory } from '@gpuaas/node-agent';
import type { NodeInventory } from '@gpuaas/node-agent';
import type { TokenProvider } from '@gpuaas/sdk';
import { AGENT_EMAIL } from './credentials.js';
import { runtimeEgressAllowList } from './runtime-egress.js';
import type { AllocationService } from '../allocations/service.js';

/** The identity local agents act as (remote ones too): an operator limited to `nodes:agent`. */
export const LOCAL_AGENT_EMAIL = AGENT_EMAIL;

export interface LocalNodes {
  agents: NodeAgent[];
  stop(): Promise<void>;
}

export interface LocalNodeDeps {
  config: LocalNodeConfig;
  dataDir: string;
  baseUrl: string;
  db: Kysely<Tables>;
  compute: AllocationService;
  issueToken: (input: IssueTokenInput) => Promise<IssuedToken>;
  logger: Logger;
  heartbeatIntervalMs: number;
  /** The issuer the runtimes get tokens from (may differ from baseUrl). */
  issuer: string;
  /** The app trust policy in force (its registries are reachable from sandboxes). */
  trustPolicy: () => string | undefined;
}

export async function startLocalNodes(deps: LocalNodeDeps): Promise<LocalNodes> {
  const { config, logger } = deps;
  const nodes = await localInventories(config, logger);
  const user = await ensureUser(deps.db, LOCAL_AGENT_EMAIL, { operator: true });
  let cached: { token: string; expiresAt: number } | undefined;
  // Minted in-process; a new one when the cached one nears its end or the platform calls it expired.
  const tokenProvider: TokenProvider = {
    source: 'token',
    async getToken({ forceRefresh = false } = {}) {
      if (forceRefresh || cached === undefined || cached.expiresAt - Date.now() < 60_000) {
        const issued = await deps.issueToken({ sub: user.id, operator: true, scopes: ['nodes:agent'] });
        cached = { token: issued.token, expiresAt: issued.expiresAt * 1000 };
      }
      return cached.token;
    },
  };
  const transport = httpAgentTransport({ baseUrl: deps.baseUrl, tokenProvider });
  // Asked on every connection a runtime opens: the trust policy is parsed again only when it changed.
  let egressFor: { policy: string | undefined; list: string[] } | undefined;
  const egress = (): string[] => {
    const policy = deps.trustPolicy();
    if (egressFor === undefined || egressFor.policy !== policy) {
      const list = runtimeEgressAllowList({
        platformUrls: [deps.baseUrl, deps.issuer],
        trustPolicy: policy,
        extra: config.runtimeEgress,
      });
      egressFor = { policy, list };
    }
    return egressFor.list;
  };
  const agents: NodeAgent[] = [];
  const unregister: (() => void)[] = [];
  for (const node of nodes) {
    const agent = new NodeAgent({
      name: node.name,
      inventory: node.inventory,
      transport,
      // Each node has its own allocations folder; all of the platform's data stays hidden.
      dataDir: join(deps.dataDir, 'nodes', node.name),
      hide: [deps.dataDir],
      sandbox: config.sandbox,
      limits: config.limits,
      egress,
      heartbeatIntervalMs: deps.heartbeatIntervalMs,
      logger: logger.child({ node: node.name }),
    });
    const registered = await agent.start();
    unregister.push(deps.compute.registerNudger(registered.id, () => void agent.nudge()));
    agents.push(agent);
  }
  logger.info(
    {
      nodes: nodes.map((n) => n.name),
      gpus: nodes.reduce((a, n) => a + n.inventory.gpus.length, 0),
      source: nodes[0]?.inventory.source,
    },
    'local node agents started',
  );
  return {
    agents,
    async stop() {
      for (const off of unregister) off();
      await Promise.all(agents.map((a) => a.stop()));
    },
  };
}

async function localInventories(
  config: LocalNodeConfig,
  logger: Logger,
): Promise<{ name: string; inventory: NodeInventory }[]> {
  if (config.gpus !== 'simulated') {
    const real = await detectNvidiaInventory({ name: config.name });
    if (real !== undefined) return [{ name: config.name, inventory: real }];
    if (config.gpus === 'nvidia') throw new Error('localNode.gpus is "nvidia" but nvidia-smi was not found');
    logger.info('nvidia-smi not found: the local node agents simulate their GPUs');
  }
  const sim = config.simulated;
  return simulatedInventory({
    nodes: sim.nodes,
    gpusPerNode: sim.gpusPerNode,
    model: sim.model,
    memoryMib: sim.memoryMib,
    nvlinkDomainSize: sim.nvlinkDomainSize,
    names: Array.from({ length: sim.nodes }, (_, i) =>
      sim.nodes === 1 ? config.name : `${config.name}-${i + 1}`,
    ),
  });
}
