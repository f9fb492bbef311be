import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ApiError } from '@gpuaas/sdk';
import { NodeAgent } from './agent.js';
import type { NodeAgentOptions } from './agent.js';
import { runtimeEntry, runtimePackageDir } from './runtime-launch.js';
import { allocationLayout } from './sandbox.js';
import { FakePlatform, ID, fakeRuntimeCommand, INVENTORY, ask, silent } from './agent.test.util.js';

describe('NodeAgent', () => {
  let dataDir: string;
  let platform: FakePlatform;
  const agents: NodeAgent[] = [];
  const modes = new Map<string, string>();

  function agent(overrides: Partial<NodeAgentOptions> = {}): NodeAgent {
    const a = new NodeAgent({
      name: 'agent-test',
      region: 'local',
      inventory: INVENTORY,
      transport: platform,
      dataDir,
      sandbox: 'auto',
      logger: silent,
      heartbeatIntervalMs: 60_000,
      provisionTimeoutMs: 10_000,
      teardownGraceMs: 2000,
      runtimeCommand: fakeRuntimeCommand(modes),
      ...overrides,
    });
    agents.push(a);
    return a;
  }

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gpuaas-agent-'));
    platform = new FakePlatform();
    modes.clear();
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.stop()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('registers its inventory and heartbeats', async () => {
    const node = await agent().start();
    expect(node.id).toBe('node-1');
    expect(platform.registrations[0]).toMatchObject({
      name: 'agent-test',
      region: 'local',
      agent_version: expect.any(String),
    });
    expect(platform.registrations[0]!.inventory.gpus[2]).toEqual({
      index: 2,
      uuid: INVENTORY.gpus[2]!.uuid,
      model: 'NVIDIA H100 80GB HBM3',
      memory_mib: 81559,
      nvlink_domain: 'agent-test-nvl1',
    });
    expect(platform.heartbeats).toEqual([{ allocations: [] }]);
  });

  it('fails the start at once when the platform refuses the registration', async () => {
    platform.register = () =>
      Promise.reject(
        new ApiError({
          code: 'INSUFFICIENT_SCOPE',
          status: 403,
          title: 'needs nodes:agent',
          request: 'POST /v1/nodes',
        }),
      );
    await expect(agent().start()).rejects.toMatchObject({ code: 'INSUFFICIENT_SCOPE' });
  });

  it('provisions an assignment: provisioning, then running with the endpoint and runtime secret', async () => {
    platform.want(ID(1), [1, 2], 'running', { EXTRA: 'from-the-platform' });
    const running = platform.reported(ID(1), 'running');
    await agent().start();
    const report = await running;
    expect(platform.reportsOf(ID(1))[0]).toEqual({ id: ID(1), state: 'provisioning' });
    const layout = allocationLayout(dataDir, ID(1));
    expect(report.endpoint).toBe(`unix:${layout.socket}`);
    expect(report.runtime_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const seen = await ask(layout.socket);
    expect(seen.secret).toBe(report.runtime_secret);
    // The secret travels in a file only the runtime may read, never in the environment.
    expect(seen.envSecret).toBeUndefined();
    expect(seen.cvd).toBe(`${INVENTORY.gpus[1]!.uuid},${INVENTORY.gpus[2]!.uuid}`);
    expect(seen.extra).toBe('from-the-platform');
    // As root the home is a file system of its own (an image in the data folder) mounted in the view.
    const root = process.getuid?.() === 0;
    expect((await stat(root ? layout.viewHome : layout.home)).isDirectory()).toBe(true);
    if (root) expect((await stat(layout.homeImage)).isFile()).toBe(true);
  });

  it('tears down on desired released and on disappearance, reporting released exactly once', async () => {
    platform.want(ID(1), [0]);
    platform.want(ID(2), [1]);
    const up = Promise.all([platform.reported(ID(1), 'running'), platform.reported(ID(2), 'running')]);
    const a = agent();
    await a.start();
    await up;
    platform.want(ID(1), [0], 'released');
    platform.assignments.delete(ID(2));
    const gone = Promise.all([platform.reported(ID(1), 'released'), platform.reported(ID(2), 'released')]);
    await a.nudge();
    await gone;
    expect(existsSync(allocationLayout(dataDir, ID(1)).dir)).toBe(false);
    expect(existsSync(allocationLayout(dataDir, ID(2)).dir)).toBe(false);
    await a.nudge();
    await a.nudge();
    expect(platform.reportsOf(ID(1)).filter((r) => r.state === 'released')).toHaveLength(1);
    expect(platform.heartbeats.at(-1)).toEqual({ allocations: [] });
  });

  it('reports failed with the reason when the runtime exits before it is ready', async () => {
    modes.set(ID(3), 'crash');
    platform.want(ID(3), [0]);
    const failed = platform.reported(ID(3), 'failed');
    await agent().start();
    expect((await failed).reason).toMatch(
      /exited before it was ready \(exit code 3\): boom: the runtime cannot start/,
    );
  });

  it('reports failed when the runtime never says it listens', async () => {
    modes.set(ID(4), 'silent');
    platform.want(ID(4), [0]);
    const failed = platform.reported(ID(4), 'failed');
    await agent({ provisionTimeoutMs: 300 }).start();
    expect((await failed).reason).toMatch(/did not report listening within 300 ms/);
  });

  it('reports failed when a running runtime exits, and cleans up once released', async () => {
    platform.want(ID(5), [3]);
    const running = platform.reported(ID(5), 'running');
    const a = agent();
    await a.start();
    await running;
    const failed = platform.reported(ID(5), 'failed');
    await ask(allocationLayout(dataDir, ID(5)).socket, 'die');
    expect((await failed).reason).toMatch(/exited unexpectedly \(exit code 4\)/);
    const released = platform.reported(ID(5), 'released');
    platform.want(ID(5), [3], 'released');
    await a.nudge();
    await released;
  });

  it('answers released for an allocation it no longer has that the platform wants released', async () => {
    platform.want(ID(11), [0], 'released');
    const released = platform.reported(ID(11), 'released');
    const a = agent();
    await a.start();
    await a.nudge();
    await released;
    expect(platform.reportsOf(ID(11))).toEqual([{ id: ID(11), state: 'released' }]);
  });

  it('refuses GPUs this node does not have', async () => {
    platform.assignments.set(ID(6), {
      allocation_id: ID(6),
      project_id: 'p1',
      desired_state: 'running',
      gpus: [{ index: 9, uuid: 'GPU-elsewhere', model: 'x' }],
    });
    const failed = platform.reported(ID(6), 'failed');
    await agent().start();
    expect((await failed).reason).toMatch(/GPU 9 \(GPU-elsewhere\) is not on this node/);
  });

  it('follows the platform’s heartbeat interval and registers again when the node is gone', async () => {
    const a = agent();
    await a.start();
    platform.intervalMs = 100;
    platform.failNextHeartbeat = new ApiError({
      code: 'NOT_FOUND',
      status: 404,
      title: 'no such node',
      request: 'POST /v1/nodes/node-1/heartbeat',
    });
    await a.nudge();
    expect(platform.registrations).toHaveLength(2);
    const before = platform.heartbeats.length;
    await platform.nextHeartbeat();
    await platform.nextHeartbeat();
    expect(platform.heartbeats.length).toBeGreaterThanOrEqual(before + 2);
  });

  it('survives a restart: brings back what is still wanted (home kept) and deletes the rest', async () => {
    platform.want(ID(7), [0]);
    platform.want(ID(8), [1]);
    const up = Promise.all([platform.reported(ID(7), 'running'), platform.reported(ID(8), 'running')]);
    const first = agent();
    await first.start();
    await up;
    await first.stop({ release: false });
    const kept = allocationLayout(dataDir, ID(7));
    // A root agent mounts the home (its own file system) in the allocation's view.
    const home = first.sandboxMode === 'bubblewrap' && process.getuid?.() === 0 ? kept.viewHome : kept.home;
    await writeFile(join(home, 'notebook.ipynb'), '{}');

    // A process the crashed agent left behind (mode 'none' runtimes outlive their agent).
    const orphan = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    const orphanExit = new Promise((resolve) => orphan.once('exit', (_code, signal) => resolve(signal)));
    const stat = await readFile(`/proc/${orphan.pid}/stat`, 'utf8');
    const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    const stale = allocationLayout(dataDir, ID(8));
    await writeFile(stale.record, JSON.stringify({ pid: orphan.pid, start_time: startTime, mode: 'none' }));

    platform.assignments.delete(ID(8));
    const back = platform.reported(ID(7), 'running');
    const released = platform.reported(ID(8), 'released');
    const second = agent();
    await second.start();
    const report = await back;
    await released;
    expect(await orphanExit).toBe('SIGKILL');
    expect(await readFile(join(home, 'notebook.ipynb'), 'utf8')).toBe('{}');
    expect((await ask(kept.socket)).secret).toBe(report.runtime_secret);
    expect(existsSync(stale.dir)).toBe(false);
    // The leftover was not reported until the platform had said what it wants.
    expect(platform.heartbeats.at(-3)?.allocations.map((r) => r.id) ?? []).not.toContain(ID(8));
  });

  it('stop() tears everything down and tells the platform', async () => {
    platform.want(ID(9), [2]);
    const running = platform.reported(ID(9), 'running');
    const a = agent();
    await a.start();
    await running;
    await a.stop();
    expect(platform.heartbeats.at(-1)).toEqual({ allocations: [{ id: ID(9), state: 'released' }] });
    expect(existsSync(allocationLayout(dataDir, ID(9)).dir)).toBe(false);
  });

  const realRuntime =
    existsSync(runtimeEntry()) && existsSync(join(runtimePackageDir(), 'dist', 'cli', 'main.js'));
  it.skipIf(!realRuntime)(
    'runs the real gpuaas-runtime, which answers /v1/health with the secret',
    async () => {
      platform.want(ID(10), [0]);
      const running = platform.reported(ID(10), 'running');
      const a = agent({ runtimeCommand: undefined, provisionTimeoutMs: 20_000 });
      await a.start();
      const report = await running;
      const socketPath = report.endpoint!.replace(/^unix:/, '');
      const health = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
        const req = request(
          { socketPath, path: '/v1/health', headers: { authorization: `Bearer ${report.runtime_secret}` } },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode, body }));
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(health.status).toBe(200);
      expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', allocation_id: ID(10) });

      // A terminal in the allocation sees exactly its GPU.
      const command = encodeURIComponent(
        JSON.stringify([
          'sh',
          '-c',
          'nvidia-smi -L; echo "cvd=$CUDA_VISIBLE_DEVICES secret=${GPUAAS_RUNTIME_SECRET:-none}"',
        ]),
      );
      const ws = new WebSocket(
        `ws+unix:${socketPath}:/v1/terminal?cols=200&rows=20&command=${command}`,
        ['gpuaas.terminal.v1'],
        {
          headers: { authorization: `Bearer ${report.runtime_secret}` },
        },
      );
      let screen = '';
      const exit = await new Promise<unknown>((resolve, reject) => {
        ws.on('message', (data: Buffer, binary: boolean) => {
          if (binary) screen += data.toString();
          else if ((JSON.parse(data.toString()) as { type: string }).type === 'exit')
            resolve(JSON.parse(data.toString()));
        });
        ws.on('error', reject);
      });
      ws.close();
      expect(exit).toMatchObject({ type: 'exit', code: 0 });
      const uuid = INVENTORY.gpus[0]!.uuid!;
      expect(screen).toContain(`GPU 0: NVIDIA H100 80GB HBM3 (UUID: ${uuid})`);
      expect(screen).not.toContain('GPU 1:');
      expect(screen).toContain(`cvd=${uuid} secret=none`);
    },
  );
});
