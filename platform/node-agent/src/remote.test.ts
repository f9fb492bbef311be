/**
 * What a remote node needs beyond a local one: runtimes served on a TCP address every platform
 * instance can reach (and nothing left listening after release), heartbeats that back off while
 * the platform is unreachable and report everything again when it answers, GPUs handed to a new
 * allocation only once the sandbox that used them is gone, and failover between instances.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, SdkError } from '@gpuaas/sdk';
import { NodeAgent } from './agent.js';
import type { NodeAgentOptions } from './agent.js';
import { FakePlatform, ID, fakeRuntimeCommand, INVENTORY, silent } from './agent.test.util.js';
import { failoverTransport } from './protocol.js';
import type { AgentTransport, HeartbeatBody, HeartbeatResponse } from './protocol.js';

/**
 * The first line a TCP endpoint (`https://host:port`) answers with over TLS: the fake runtime's
 * JSON, with the SHA-256 of the certificate the endpoint presented.
 */
function askTcp(endpoint: string): Promise<Record<string, string>> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ port: Number(url.port), host: url.hostname, rejectUnauthorized: false });
    socket.once('error', reject);
    socket.once('data', (data: Buffer) => {
      const fingerprint = socket.getPeerCertificate().fingerprint256.replaceAll(':', '').toLowerCase();
      resolve({ ...(JSON.parse(data.toString()) as Record<string, string>), fingerprint });
      socket.end();
    });
  });
}

function refused(endpoint: string): Promise<string> {
  const url = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
  });
}

describe('a remote node agent', () => {
  let dataDir: string;
  let platform: FakePlatform;
  const agents: NodeAgent[] = [];
  const modes = new Map<string, string>();

  function agent(overrides: Partial<NodeAgentOptions> = {}): NodeAgent {
    const a = new NodeAgent({
      name: 'remote-test',
      inventory: INVENTORY,
      transport: platform,
      dataDir,
      sandbox: 'none',
      logger: silent,
      heartbeatIntervalMs: 60_000,
      provisionTimeoutMs: 10_000,
      teardownGraceMs: 3000,
      runtimeAddress: { advertise: '127.0.0.1' },
      runtimeCommand: fakeRuntimeCommand(modes),
      ...overrides,
    });
    agents.push(a);
    return a;
  }

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gpuaas-remote-'));
    platform = new FakePlatform();
    modes.clear();
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.stop()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reports a TLS endpoint that reaches the runtime with the registered certificate, and closes it on release', async () => {
    platform.want(ID(1), [0]);
    const running = platform.reported(ID(1), 'running');
    const a = agent();
    await a.start();
    const report = await running;
    expect(report.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    // Byte for byte to the runtime's socket: it sees the connection and answers with its secret,
    // over TLS with the certificate whose SHA-256 the node registered.
    const registered = platform.registrations[0]!.runtime_certificate_sha256;
    expect(registered).toMatch(/^[0-9a-f]{64}$/);
    const answer = await askTcp(report.endpoint!);
    expect(answer.secret).toBe(report.runtime_secret);
    expect(answer.fingerprint).toBe(registered);
    // The key stays the node's: only its owner reads it.
    expect((await stat(join(dataDir, 'runtime-tls.key'))).mode & 0o777).toBe(0o600);

    platform.want(ID(1), [0], 'released');
    const released = platform.reported(ID(1), 'released');
    await a.nudge();
    await released;
    expect(await refused(report.endpoint!)).toBe('ECONNREFUSED');
  });

  it('keeps its certificate across restarts and makes a new one when it is removed (rotation)', async () => {
    const first = agent();
    await first.start();
    await first.stop();
    const second = agent();
    await second.start();
    const [a, b] = platform.registrations.map((r) => r.runtime_certificate_sha256);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
    await second.stop();
    await rm(join(dataDir, 'runtime-tls.key'));
    const third = agent();
    await third.start();
    const c = platform.registrations[2]!.runtime_certificate_sha256;
    expect(c).toMatch(/^[0-9a-f]{64}$/);
    expect(c).not.toBe(a);
  });

  it('registers no certificate as a local node', async () => {
    const a = agent({ runtimeAddress: undefined });
    await a.start();
    expect(platform.registrations[0]!.runtime_certificate_sha256).toBeUndefined();
  });

  it('starts an allocation on a GPU only once the sandbox that used it is torn down', async () => {
    modes.set(ID(1), 'slow-stop');
    platform.want(ID(1), [0, 1]);
    const first = platform.reported(ID(1), 'running');
    const a = agent();
    await a.start();
    await first;
    // The platform ended ID(1) (e.g. while the node was cut off) and gave GPU 1 to ID(2) at once.
    platform.want(ID(1), [0, 1], 'released');
    platform.want(ID(2), [1, 2]);
    const released = platform.reported(ID(1), 'released');
    const second = platform.reported(ID(2), 'running');
    await a.nudge();
    await Promise.all([released, second]);
    const beats = platform.heartbeats;
    const releasedAt = beats.findIndex((h) =>
      h.allocations.some((r) => r.id === ID(1) && r.state === 'released'),
    );
    const runningAt = beats.findIndex((h) =>
      h.allocations.some((r) => r.id === ID(2) && r.state === 'running'),
    );
    // Reported in order: ID(1)'s runtime had stopped (1.5 s after SIGTERM) before ID(2)'s started.
    expect(releasedAt).toBeGreaterThanOrEqual(0);
    expect(runningAt).toBeGreaterThanOrEqual(releasedAt);
  });

  it('backs off while the platform is unreachable, keeps its allocations, and reports them when it answers', async () => {
    platform.intervalMs = 100;
    platform.want(ID(3), [3]);
    const running = platform.reported(ID(3), 'running');
    const a = agent();
    await a.start();
    const report = await running;

    // Cut: every heartbeat fails as an unreachable platform does.
    const attempts: number[] = [];
    const answer = platform.heartbeat.bind(platform);
    let down = true;
    platform.heartbeat = (nodeId: string, body: HeartbeatBody): Promise<HeartbeatResponse> => {
      if (!down) return answer(nodeId, body);
      attempts.push(Date.now());
      return Promise.reject(new SdkError('API_UNREACHABLE', 'connect ENETUNREACH'));
    };
    await expect.poll(() => attempts.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(5);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    // Each wait is at least half of 100 ms × 2^failures (the jitter takes at most half off).
    gaps
      .slice(0, 4)
      .forEach((gap, i) => expect(gap, `gap ${i}`).toBeGreaterThanOrEqual((100 * 2 ** (i + 1)) / 2 - 5));
    // Nothing is torn down while the platform cannot be asked.
    expect((await askTcp(report.endpoint!)).secret).toBe(report.runtime_secret);

    const before = platform.heartbeats.length;
    down = false;
    await expect.poll(() => platform.heartbeats.length, { timeout: 20_000 }).toBeGreaterThan(before);
    expect(platform.heartbeats[before]!.allocations).toContainEqual(
      expect.objectContaining({ id: ID(3), state: 'running', endpoint: report.endpoint }),
    );
  });
});

describe('failoverTransport', () => {
  const reply: HeartbeatResponse = { heartbeat_interval_ms: 1000, assignments: [] };
  function instance(behaviour: () => Promise<HeartbeatResponse>) {
    const calls: string[] = [];
    const transport: AgentTransport = {
      register: (body) => Promise.resolve({ id: 'n1', name: body.name }),
      heartbeat: (nodeId) => {
        calls.push(nodeId);
        return behaviour();
      },
    };
    return { transport, calls };
  }
  const down = () => Promise.reject(new SdkError('API_UNREACHABLE', 'connect ECONNREFUSED'));

  it('moves to the next instance when one is down, and stays there', async () => {
    const a = instance(down);
    const b = instance(() => Promise.resolve(reply));
    const moves: [number, number][] = [];
    const t = failoverTransport([a.transport, b.transport], (from, to) => moves.push([from, to]));
    expect(await t.heartbeat('n1', { allocations: [] })).toEqual(reply);
    expect(await t.heartbeat('n1', { allocations: [] })).toEqual(reply);
    expect([a.calls.length, b.calls.length]).toEqual([1, 2]);
    expect(moves).toEqual([[0, 1]]);
  });

  it('passes a refusal through without trying another instance, and the last error when all are down', async () => {
    const refusal = new ApiError({ code: 'TOKEN_INVALID', status: 401, title: 'no', request: 'POST' });
    const a = instance(() => Promise.reject(refusal));
    const b = instance(() => Promise.resolve(reply));
    await expect(
      failoverTransport([a.transport, b.transport]).heartbeat('n1', { allocations: [] }),
    ).rejects.toBe(refusal);
    expect(b.calls).toEqual([]);
    const all = failoverTransport([instance(down).transport, instance(down).transport]);
    await expect(all.heartbeat('n1', { allocations: [] })).rejects.toMatchObject({ code: 'API_UNREACHABLE' });
  });
});
