/**
 * The node agent's test doubles, shared by its tests: an in-memory platform (FakePlatform) that
 * records reports and answers with assignments, and a stand-in runtime (FAKE_RUNTIME).
 */
import { connect } from 'node:net';
import { simulatedInventory } from './inventory.js';
import type {
  AgentTransport,
  AllocationReport,
  Assignment,
  HeartbeatBody,
  HeartbeatResponse,
  RegisterNodeBody,
} from './protocol.js';
import type { RuntimeCommandContext } from './runtime-launch.js';
import type { AgentLogger } from './sandbox.js';
const [NODE] = simulatedInventory({ names: ['agent-test'], gpusPerNode: 4, nvlinkDomainSize: 2 });
export const INVENTORY = NODE!.inventory;
export const silent: AgentLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * A stand-in runtime: listens on the socket, prints the listening line and answers each connection
 * with what it sees. Modes: ok, crash (exit 3 before listening), silent (never says it listens),
 * slow-stop (takes 1.5 s to stop after SIGTERM, like an app with a grace period).
 */
export const FAKE_RUNTIME = `
const net = require('node:net');
const [socket, mode, secretFile] = process.argv.slice(1);
const secret = require('node:fs').readFileSync(secretFile, 'utf8');
if (mode === 'crash') { console.error('boom: the runtime cannot start'); process.exit(3); }
const server = net.createServer((c) => {
  c.on('data', (d) => { if (String(d).startsWith('die')) process.exit(4); });
  c.write(JSON.stringify({ secret, envSecret: process.env.GPUAAS_RUNTIME_SECRET, cvd: process.env.CUDA_VISIBLE_DEVICES, home: process.env.HOME, extra: process.env.EXTRA }) + '\\n');
});
server.listen(socket, () => { if (mode !== 'silent') console.log(JSON.stringify({ event: 'listening', socket })); });
process.on('SIGTERM', () => setTimeout(() => server.close(() => process.exit(0)), mode === 'slow-stop' ? 1500 : 0));
`;

type Waiter = { match: (r: AllocationReport) => boolean; resolve: (r: AllocationReport) => void };

/** The platform side, in memory: records what the agent reports, answers with `assignments`. */
/** Starts FAKE_RUNTIME for each allocation, in the mode `modes` names for it ('ok' by default). */
export function fakeRuntimeCommand(
  modes: ReadonlyMap<string, string>,
): (ctx: RuntimeCommandContext) => string[] {
  return (ctx) => [
    process.execPath,
    '-e',
    FAKE_RUNTIME,
    ctx.socketPath,
    modes.get(ctx.allocationId) ?? 'ok',
    ctx.secretFile,
  ];
}

export class FakePlatform implements AgentTransport {
  registrations: RegisterNodeBody[] = [];
  heartbeats: HeartbeatBody[] = [];
  assignments = new Map<string, Assignment>();
  intervalMs = 60_000;
  failNextHeartbeat: Error | undefined;
  private waiters: Waiter[] = [];
  private beatWaiters: (() => void)[] = [];

  register(body: RegisterNodeBody): Promise<{ id: string; name: string }> {
    this.registrations.push(body);
    return Promise.resolve({ id: `node-${this.registrations.length}`, name: body.name });
  }

  heartbeat(_nodeId: string, body: HeartbeatBody): Promise<HeartbeatResponse> {
    const failure = this.failNextHeartbeat;
    this.failNextHeartbeat = undefined;
    if (failure !== undefined) return Promise.reject(failure);
    this.heartbeats.push(structuredClone(body));
    for (const report of body.allocations) {
      this.waiters = this.waiters.filter((w) => (w.match(report) ? (w.resolve(report), false) : true));
    }
    for (const report of body.allocations) {
      // Like the platform: once torn down, an allocation wanted released is no longer listed.
      if (report.state === 'released' && this.assignments.get(report.id)?.desired_state === 'released') {
        this.assignments.delete(report.id);
      }
    }
    for (const w of this.beatWaiters.splice(0)) w();
    return Promise.resolve({
      heartbeat_interval_ms: this.intervalMs,
      assignments: [...this.assignments.values()],
    });
  }

  want(
    id: string,
    gpus: number[],
    desired: 'running' | 'released' = 'running',
    env?: Record<string, string>,
  ): void {
    const list = gpus.map((i) => ({
      index: i,
      uuid: INVENTORY.gpus[i]?.uuid ?? null,
      model: INVENTORY.gpus[i]?.model ?? 'x',
    }));
    this.assignments.set(id, {
      allocation_id: id,
      project_id: 'p1',
      desired_state: desired,
      gpus: list,
      ...(env ? { env } : {}),
    });
  }

  /** Resolves when a heartbeat reports `id` in `state`. */
  reported(id: string, state: AllocationReport['state'], timeoutMs = 15_000): Promise<AllocationReport> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no heartbeat reported ${id} ${state}; last: ${JSON.stringify(this.heartbeats.at(-1))}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        match: (r) => r.id === id && r.state === state,
        resolve: (r) => (clearTimeout(timer), resolve(r)),
      });
    });
  }

  nextHeartbeat(): Promise<void> {
    return new Promise((resolve) => this.beatWaiters.push(resolve));
  }

  reportsOf(id: string): AllocationReport[] {
    return this.heartbeats.flatMap((h) => h.allocations.filter((a) => a.id === id));
  }
}

export function ask(socketPath: string, line?: string): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    socket.once('error', reject);
    socket.once('data', (data) => {
      resolve(JSON.parse(data.toString()) as Record<string, string>);
      if (line === undefined) socket.end();
      else socket.end(line);
    });
  });
}

export const ID = (n: number): string => `0190b8a2-0000-7000-8000-${String(n).padStart(12, '0')}`;
