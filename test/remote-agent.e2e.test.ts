/**
 * Remote node agents (issue 19): two platform instances on one PostgreSQL database, and a node
 * agent in a network namespace of its own (a machine apart: it reaches the instances over a veth
 * pair only), started as `gpuaas-platform node-agent` with a node credential issued by
 * `gpuaas-platform node-credentials issue`. An allocation created through instance A runs on the
 * remote node, and `gpuaas exec`, the terminal and the release work through instance B, reaching
 * the runtime at the TCP address the agent advertises, over TLS pinned to the certificate the
 * agent registered. The network is then cut: the node becomes
 * unreachable and its allocation is marked, a release waits, a new request is not placed on it;
 * once restored, the agent tears down what ended before the new allocation gets its GPUs, so no
 * GPU is ever given twice. Finally instance A restarts and the allocation on the node lives on.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlatform } from '@gpuaas/platform';
import type { Platform, PlatformOptions } from '@gpuaas/platform';
import { createTestStore, freePort, requirePostgres } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createNetworkNamespace, netnsUnavailable } from './support/netns.js';
import type { NetworkNamespace } from './support/netns.js';
import { gpuaasBin, platformBin, run, startProcess, until } from './support/processes.js';
import type { StartedProcess } from './support/processes.js';

const postgres = await requirePostgres('remote node agents');
const noNetns = await netnsUnavailable();
if (noNetns !== undefined) console.warn(`remote node agents: skipped (${noNetns})`);
const SECRET = Buffer.alloc(32, 23).toString('base64url');
const NODE = 'remote-1';

interface AllocationView {
  id: string;
  state: string;
  node_status: string | null;
  gpus: { index: number }[];
  transitions?: { to: string; at: string }[];
}

describe.skipIf(!postgres || noNetns !== undefined)('a remote node agent and two instances', () => {
  let store: TestStore;
  let netns: NetworkNamespace;
  let a: Platform;
  let b: Platform;
  let urlA: string;
  let urlB: string;
  let options: PlatformOptions;
  let agent: StartedProcess | undefined;
  let dir: string;
  let owner: string;
  let operator: string;
  let projectId: string;
  let first: string;

  const cliEnv = { ...process.env, CI: '', GPUAAS_SECRET_KEY: SECRET };
  const cliStore = () => [
    '--database-url',
    store.databaseUrl!,
    '--data-dir',
    join(dir, 'cli'),
    '--public-url',
    options.publicUrl!,
  ];
  const release = async (url: string, id: string) => {
    const res = await call(url, `/v1/allocations/${id}/release`, { method: 'POST' });
    expect(res.status, res.text).toBeLessThan(300);
  };
  const call = async <T>(url: string, path: string, init: { method?: string; json?: unknown } = {}) => {
    const res = await fetch(`${url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${path.startsWith('/v1/nodes') ? operator : owner}`,
        ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as T, text };
  };
  const allocation = async (url: string, id: string) =>
    (await call<AllocationView>(url, `/v1/allocations/${id}`)).body;
  /** `until`, whose failure carries the end of the agent's log (what it saw of the platform). */
  const waitFor = async (probe: () => Promise<true | undefined>, what: string, timeoutMs = 60_000) => {
    try {
      await until(probe, { timeoutMs, intervalMs: 200, what });
    } catch (error) {
      throw new Error(
        `${(error as Error).message}; the agent's log ends:\n${agent?.stderr().slice(-4000) ?? ''}`,
        { cause: error },
      );
    }
  };
  const inState = (url: string, id: string, state: string, timeoutMs = 60_000) =>
    waitFor(
      async () => ((await allocation(url, id)).state === state ? true : undefined),
      `allocation ${id} ${state}`,
      timeoutMs,
    );
  const nodeStatus = async (url: string) => {
    const { body } = await call<{
      items: {
        name: string;
        status: string;
        runtime_certificate_sha256: string | null;
        gpus: { allocation_id: string | null }[];
      }[];
    }>(url, '/v1/nodes');
    return body.items.find((n) => n.name === NODE);
  };
  const create = async (url: string, count: number) => {
    const res = await call<{ id: string }>(url, '/v1/allocations', {
      method: 'POST',
      json: { project_id: projectId, gpus: { count } },
    });
    expect(res.status, res.text).toBe(201);
    return res.body.id;
  };
  const exec = (url: string, id: string, ...command: string[]) =>
    run(gpuaasBin, ['exec', id, '--', ...command], {
      PATH: process.env.PATH,
      CI: 'true',
      GPUAAS_API_URL: url,
      GPUAAS_TOKEN: owner,
      XDG_CONFIG_HOME: join(dir, 'cli-config'),
    });

  beforeAll(async () => {
    store = await createTestStore('postgres');
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-remote-e2e-'));
    netns = await createNetworkNamespace();
    const portB = await freePort();
    // The public URL (token issuer, terminal URLs) is B's: exec and terminals go through B.
    options = {
      databaseUrl: store.databaseUrl,
      publicUrl: `http://${netns.hostIp}:${portB}`,
      secretKey: SECRET,
      log: { level: 'silent' },
      defaultMetrics: false,
      localNode: false,
      rateLimit: { enabled: false },
      compute: { heartbeatIntervalMs: 500, nodeUnreachableSeconds: 3, reconcileIntervalMs: 250 },
      leases: { ttlMs: 3000 },
    };
    for (const d of ['a', 'b', 'cli']) await mkdir(join(dir, d));
    a = await createPlatform({ ...options, dataDir: join(dir, 'a') });
    urlA = (await a.listen({ host: netns.hostIp, port: 0 })).url;
    b = await createPlatform({ ...options, dataDir: join(dir, 'b') });
    urlB = (await b.listen({ host: netns.hostIp, port: portB })).url;

    const token = async (args: string[]) => {
      const result = await run(platformBin, ['token', ...cliStore(), '--json', ...args], cliEnv);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as { access_token: string; project_id: string | null };
    };
    operator = (await token(['--user', 'ops@example.com', '--operator'])).access_token;
    const tenant = await token(['--user', 'tenant@example.com', '--project', 'remote']);
    owner = tenant.access_token;
    projectId = tenant.project_id!;
  }, 120_000);

  afterAll(async () => {
    await agent?.stop('SIGKILL');
    await a?.close({ graceMs: 200 });
    await b?.close({ graceMs: 200 });
    await netns?.destroy();
    await store?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('joins with a credential issued by the CLI, from its own network, through both instances', async () => {
    const issued = await run(
      platformBin,
      [
        'node-credentials',
        'issue',
        '--node',
        NODE,
        '--database-url',
        store.databaseUrl!,
        '--data-dir',
        join(dir, 'cli'),
      ],
      cliEnv,
    );
    expect(issued.code, issued.stderr).toBe(0);
    expect(issued.stdout.trim()).toMatch(/^gpn_[0-9a-f-]{36}_[A-Za-z0-9_-]{43}$/);
    const credentialFile = join(dir, 'node.credential');
    await writeFile(credentialFile, issued.stdout, { mode: 0o600 });

    agent = await startProcess(
      'ip',
      netns.wrap([
        process.execPath,
        platformBin,
        'node-agent',
        '--platform-url',
        urlA,
        '--platform-url',
        urlB,
        '--credential-file',
        credentialFile,
        '--name',
        NODE,
        '--gpus',
        'simulated',
        '--simulate',
        '1x2',
        '--sandbox',
        'none',
        '--advertise-address',
        netns.nodeIp,
        '--max-backoff',
        '2',
        '--data-dir',
        join(dir, 'node'),
      ]),
      { ready: /registered with/, name: 'gpuaas-platform node-agent', timeoutMs: 60_000 },
    );
    const node = await nodeStatus(urlB);
    expect(node?.status).toBe('ready');
    // Its runtimes are served over TLS, pinned to the certificate it keeps (its key owner-only).
    const cert = new X509Certificate(await readFile(join(dir, 'node', 'runtime-tls.crt')));
    expect(node?.runtime_certificate_sha256).toBe(createHash('sha256').update(cert.raw).digest('hex'));
    expect((await stat(join(dir, 'node', 'runtime-tls.key'))).mode & 0o777).toBe(0o600);
  }, 120_000);

  it('runs an allocation created through A; exec, terminal and release work through B', async () => {
    first = await create(urlA, 1);
    await inState(urlB, first, 'running');

    const ran = await exec(
      urlB,
      first,
      'sh',
      '-c',
      'echo "on $(hostname) gpus=$CUDA_VISIBLE_DEVICES"; exit 3',
    );
    expect(ran.code, ran.stderr).toBe(3);
    expect(ran.stdout).toMatch(/gpus=GPU-\S+/);

    // The terminal over the raw protocol, through B: the shell speaks first, runs what is typed.
    const minted = await call<{ url: string }>(urlB, `/v1/allocations/${first}/terminal-tokens`, {
      method: 'POST',
    });
    expect(minted.status, minted.text).toBe(201);
    const wsUrl = minted.body.url
      .replace(/^http/, 'ws')
      .replace(/^ws:\/\/[^/]+/, urlB.replace(/^http/, 'ws'));
    const output = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(wsUrl, ['gpuaas.terminal.v1']);
      let seen = '';
      const timer = setTimeout(
        () => (ws.terminate(), reject(new Error(`terminal said only: ${seen}`))),
        20_000,
      );
      ws.on('open', () => ws.send(Buffer.from('echo typed-$((6*7))\n')));
      ws.on('message', (data, binary) => {
        if (!binary) return;
        seen += (data as Buffer).toString();
        if (/typed-42/.test(seen)) {
          clearTimeout(timer);
          ws.close();
          resolve(seen);
        }
      });
      ws.on('error', reject);
    });
    expect(output).toContain('typed-42');
  }, 120_000);

  it('marks a cut-off node and its allocations, and gives no GPU twice when it returns', async () => {
    await netns.cut();
    await waitFor(
      async () => ((await nodeStatus(urlA))?.status === 'unreachable' ? true : undefined),
      'the node unreachable',
      20_000,
    );
    expect((await allocation(urlB, first)).node_status).toBe('unreachable');
    const marked = await a.db
      .selectFrom('platform_events')
      .select('type')
      .where('subject', '=', `allocation/${first}`)
      .where('type', '=', 'allocation.node_unreachable')
      .execute();
    expect(marked.length).toBeGreaterThanOrEqual(1);
    // Its runtime cannot be reached meanwhile: a clear refusal, not a hang.
    const unreachable = await exec(urlB, first, 'true');
    expect(unreachable.code).not.toBe(0);

    // Released while cut off: its GPU stays held until the node confirms the teardown.
    await release(urlB, first);
    expect((await allocation(urlB, first)).state).toBe('releasing');
    // Both GPUs wanted: not placed on an unreachable node, and one GPU is still the first's.
    const second = await create(urlA, 2);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await allocation(urlB, second)).state).toBe('queued');

    await netns.restore();
    await inState(urlB, first, 'released', 60_000);
    await inState(urlB, second, 'running', 60_000);
    expect((await nodeStatus(urlB))?.status).toBe('ready');
    const { body: done } = await call<AllocationView>(urlB, `/v1/allocations/${first}`);
    const { body: next } = await call<AllocationView>(urlB, `/v1/allocations/${second}`);
    const releasedAt = done.transitions?.find((t) => t.to === 'released')?.at;
    const placedAt = next.transitions?.find((t) => t.to === 'scheduled')?.at;
    expect(releasedAt).toBeDefined();
    expect(placedAt).toBeDefined();
    // The GPU went to the second only after the node had torn the first down.
    expect(Date.parse(placedAt!)).toBeGreaterThanOrEqual(Date.parse(releasedAt!));
    expect(next.gpus).toHaveLength(2);
    expect((await nodeStatus(urlB))?.gpus.map((g) => g.allocation_id)).toEqual([second, second]);
    first = second;
  }, 180_000);

  it('keeps the allocation through a restart of instance A, and releases it through B', async () => {
    await a.close({ graceMs: 200 });
    const restarted = await createPlatform({ ...options, dataDir: join(dir, 'a') });
    a = restarted;
    urlA = (await a.listen({ host: netns.hostIp, port: 0 })).url;
    // The agent failed over to B meanwhile; the node stayed ready and the allocation running.
    await new Promise((r) => setTimeout(r, 4000));
    expect((await nodeStatus(urlB))?.status).toBe('ready');
    expect((await allocation(urlB, first)).state).toBe('running');
    const ran = await exec(urlB, first, 'echo', 'still-here');
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('still-here');
    await release(urlB, first);
    await inState(urlA, first, 'released');
  }, 120_000);
});
