/**
 * A node agent without sandboxes, for tests: it registers an inventory over the REST API, then
 * heartbeats on demand or on an interval, reporting every assignment it is given as `running`
 * (with the endpoint a test chooses) and every teardown as `released`. The real agent is
 * `@gpuaas/node-agent` (platform/node-agent/); this one exercises the platform's side of the
 * protocol quickly.
 */
import type { components } from '@gpuaas/platform-contract';

export interface FakeNodeOptions {
  /** The platform's base URL. */
  url: string;
  /** An operator token. */
  token: string;
  name: string;
  gpus?: number;
  model?: string;
  memoryMib?: number;
  /** GPUs per NVLink domain (default: all on the node). */
  nvlinkDomainSize?: number;
  /** What to report for a new assignment (default `running`); `silent` reports nothing. */
  behaviour?: 'running' | 'provisioning' | 'failed' | 'silent';
  /** Endpoint reported with `running` (default `unix:/nonexistent/runtime.sock`). */
  endpoint?: string;
  /** Secret reported with `running`, which the platform presents to the runtime. */
  runtimeSecret?: string;
}

// The protocol's shapes are the contract's, as in the real agent (platform/node-agent/src/protocol.ts).
type Assignment = components['schemas']['Assignment'];
type HeartbeatReply = components['schemas']['HeartbeatReply'];
type RegisteredNode = components['schemas']['Node'];

export interface FakeNode {
  id: string;
  /** One heartbeat: reports, then applies the answer (so the next heartbeat reports the result). */
  beat(): Promise<Assignment[]>;
  /** Heartbeats until `done()` holds or the timeout passes. */
  beatUntil(done: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
  /** Heartbeats every `ms` until stopped. */
  run(ms?: number): () => Promise<void>;
  /** Allocations the fake currently "runs". */
  running: Set<string>;
  /** When set, the next new assignment is reported `failed` with this reason (then it is cleared). */
  failNext: string | undefined;
}

export async function startFakeNode(options: FakeNodeOptions): Promise<FakeNode> {
  const count = options.gpus ?? 8;
  const domain = options.nvlinkDomainSize ?? count;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${options.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST ${path} → ${res.status}: ${text}`);
    return JSON.parse(text) as unknown;
  };
  const node = (await post('/v1/nodes', {
    name: options.name,
    agent_version: 'fake',
    inventory: {
      gpus: Array.from({ length: count }, (_, index) => ({
        index,
        uuid: `GPU-fake-${options.name}-${index}`,
        model: options.model ?? 'NVIDIA H100 80GB HBM3',
        memory_mib: options.memoryMib ?? 81_559,
        nvlink_domain: `${options.name}-nvl${Math.floor(index / domain)}`,
      })),
    },
  })) as RegisteredNode;
  const running = new Set<string>();
  const torn = new Set<string>();
  const failed = new Map<string, string>();
  const reported = new Set<string>();
  const behaviour = options.behaviour ?? 'running';

  const beat = async () => {
    const reports = [
      ...[...running].map((id) => {
        const reason = failed.get(id) ?? (behaviour === 'failed' ? 'fake failure' : undefined);
        if (reason !== undefined) return { id, state: 'failed', reason };
        // Like a real agent: one heartbeat says the sandbox is starting, the next that it runs.
        if (behaviour === 'running' && !reported.has(id)) {
          reported.add(id);
          return { id, state: 'provisioning' };
        }
        return {
          id,
          state: behaviour === 'silent' ? 'provisioning' : behaviour,
          ...(behaviour === 'running'
            ? {
                endpoint: options.endpoint ?? 'unix:/nonexistent/runtime.sock',
                runtime_secret: options.runtimeSecret ?? 'fake-runtime-secret-0123456789',
              }
            : {}),
        };
      }),
      ...[...torn].map((id) => ({ id, state: 'released' })),
    ].filter(() => behaviour !== 'silent');
    torn.clear();
    const reply = (await post(`/v1/nodes/${node.id}/heartbeat`, { allocations: reports })) as HeartbeatReply;
    for (const a of reply.assignments) {
      if (a.desired_state === 'running') {
        if (!running.has(a.allocation_id) && fake.failNext !== undefined) {
          failed.set(a.allocation_id, fake.failNext);
          fake.failNext = undefined;
        }
        running.add(a.allocation_id);
      } else {
        running.delete(a.allocation_id);
        torn.add(a.allocation_id);
      }
    }
    return reply.assignments;
  };

  const fake: FakeNode = {
    id: node.id,
    running,
    failNext: undefined,
    beat,
    async beatUntil(done, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(await done())) {
        if (Date.now() > deadline)
          throw new Error(`fake node ${options.name}: condition not met in ${timeoutMs} ms`);
        await beat();
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    run(ms = 100) {
      let stopped = false;
      const loop = (async () => {
        while (!stopped) {
          await beat().catch(() => undefined);
          await new Promise((r) => setTimeout(r, ms));
        }
      })();
      return async () => {
        stopped = true;
        await loop;
      };
    },
  };
  return fake;
}
