/**
 * The `gpuaas` compute commands (catalog, allocations, terminal/exec, nodes, ops) run in-process
 * against a real platform (no local node). A fake node agent registers over REST with an operator
 * token and heartbeats, reporting `running` for what it is assigned; its allocations' endpoint is
 * a real runtime server on a Unix socket, so `terminal` and `exec` go through the platform's
 * proxy to a real pty.
 *
 * Lives here rather than beside the CLI because the sdk cannot depend on the platform (the
 * platform depends on the sdk); the CLI and the harness are imported through their sources.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { startRuntimeServer } from '@gpuaas/runtime';
import type { RuntimeServer } from '@gpuaas/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../platform/src/testing/harness.js';
import type { TestPlatform } from '../platform/src/testing/harness.js';
import { main } from '@gpuaas/cli/gpuaas';
import { startFakeNode } from '../platform/src/testing/fake-node.js';
import type { FakeNode } from '../platform/src/testing/fake-node.js';
import type { CliIo } from '@gpuaas/cli/gpuaas';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const SECRET = 'test-runtime-secret-0123456789abcdef';

describe('gpuaas compute commands against a real platform', () => {
  let t: TestPlatform;
  let dir: string;
  let runtime: RuntimeServer;
  let node: FakeNode;
  let stopNode: (() => Promise<void>) | undefined;
  let userToken: string;
  let operatorToken: string;

  const run = async (
    args: string[],
    options: { token?: string; stdin?: PassThrough; onStdout?: (chunk: string) => void } = {},
  ): Promise<Run> => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (c: Buffer) => {
      out.push(c);
      options.onStdout?.(c.toString());
    });
    stderr.on('data', (c: Buffer) => err.push(c));
    const io: CliIo = {
      stdout,
      stderr,
      stdin: options.stdin ?? new PassThrough(),
      env: {
        GPUAAS_API_URL: t.url,
        GPUAAS_TOKEN: options.token ?? userToken,
        GPUAAS_CREDENTIALS_FILE: join(dir, 'credentials.json'),
        CI: 'true',
        PATH: process.env.PATH,
      },
      cwd: dir,
    };
    const code = await main(['node', 'gpuaas', ...args], io);
    return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
  };
  const json = <T = Record<string, unknown>>(r: Run): T => {
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as T;
  };
  const api = async (path: string, init: { method?: string; json?: unknown; token?: string } = {}) => {
    const res = await t.request(path, { token: userToken, ...init });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-compute-cli-'));
    t = await startTestPlatform('sqlite', {
      localNode: false,
      compute: { heartbeatIntervalMs: 50, reconcileIntervalMs: 100 },
      log: { level: 'warn' },
    });
    operatorToken = (await t.login('ops@example.com', { operator: true })).token;
    userToken = (await t.login('dev@example.com')).token;
    expect((await api('/v1/projects', { method: 'POST', json: { name: 'demo' } })).status).toBe(201);
    runtime = await startRuntimeServer({
      socketPath: join(dir, 'rt.sock'),
      secret: SECRET,
      shell: ['sh'],
      env: { PATH: process.env.PATH, HOME: dir },
      cwd: dir,
      killGraceMs: 200,
    });
    node = await startFakeNode({
      url: t.url,
      token: operatorToken,
      name: 'node-a',
      gpus: 2,
      endpoint: `unix:${runtime.socketPath}`,
      runtimeSecret: SECRET,
    });
    stopNode = node.run(40);
  });
  afterAll(async () => {
    await stopNode?.();
    await runtime?.close();
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('catalog list: JSON with integer availability, a table with decimal prices', async () => {
    const { items } = json<{ items: Record<string, unknown>[] }>(
      await run(['catalog', 'list', '--output', 'json']),
    );
    const h100 = items.find((s) => s.id === 'h100-80gb');
    expect(h100).toMatchObject({
      available: 2,
      total: 2,
      max_per_allocation: 2,
      price_per_gpu_hour_micros: '2490000',
    });
    expect(Number.isInteger(h100?.available)).toBe(true);

    const table = await run(['catalog', 'list']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(
      /^ID\s+MODEL\s+MEMORY\s+PRICE\/GPU-H\s+AVAILABLE\/TOTAL\s+MAX PER ALLOCATION/,
    );
    expect(table.stdout).toMatch(/h100-80gb\s+NVIDIA H100 80GB HBM3\s+80 GiB\s+2\.49 USD\s+2\/2\s+2/);
    expect(json(await run(['catalog', 'get', 'h100-80gb', '--json']))).toMatchObject({ id: 'h100-80gb' });
  });

  let running = '';

  it('allocations create --wait: follows the allocation to running and prints it as JSON', async () => {
    const r = await run([
      'allocations',
      'create',
      '--gpus',
      '1',
      '--model',
      'h100-80gb',
      '--name',
      'first',
      '--wait',
      '--output',
      'json',
    ]);
    const allocation = json<{ id: string; state: string; gpus: unknown[] }>(r);
    expect(allocation).toMatchObject({ state: 'running' });
    expect(allocation.gpus).toHaveLength(1);
    expect(r.stderr).toContain(`allocation ${allocation.id}: running`);
    running = allocation.id;
    const shown = await run(['allocations', 'get', 'first']);
    expect(shown.stdout).toMatch(/^id\s+\S+/);
    expect(shown.stdout).toMatch(/AT\s+FROM\s+TO\s+REASON\s+ACTOR/);
    expect(shown.stdout).toMatch(/provisioning\s+running\s+runtime_ready/);
  });

  it('create --wait shows why an allocation waits, and times out with exit 7', async () => {
    const r = await run([
      'allocations',
      'create',
      '--gpus',
      '2',
      '--wait',
      '--timeout',
      '1s',
      '--output',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toMatch(/queued \(no_capacity/);
    const { error } = JSON.parse(r.stdout) as { error: { code: string; details: { allocation_id: string } } };
    expect(error).toMatchObject({ code: 'WAIT_TIMEOUT', details: { pending_reason: 'no_capacity' } });
    expect(
      json(await run(['allocations', 'release', error.details.allocation_id, '--output', 'json'])),
    ).toMatchObject({
      state: 'released',
    });
  });

  it('create --wait exits 6 with the reason when the allocation fails instead', async () => {
    node.failNext = 'no bwrap';
    const r = await run(['allocations', 'create', '--gpus', '1', '--wait', '--output', 'json']);
    expect(r.code, r.stderr).toBe(6);
    expect(r.stderr).toMatch(/error\[ALLOCATION_ENDED\]: allocation \S+ is failed: sandbox_failed: no bwrap/);
    expect(JSON.parse(r.stdout)).toMatchObject({
      error: {
        code: 'ALLOCATION_ENDED',
        details: { state: 'failed', state_reason: 'sandbox_failed: no bwrap' },
      },
    });
  });

  it('exec streams the output and exits with the command status; terminal exits with the shell status', async () => {
    const r = await run(['exec', running, '--', 'sh', '-c', 'echo hello; echo "from $0"; exit 7']);
    expect(r.code, r.stderr).toBe(7);
    expect(r.stdout).toBe('hello\nfrom sh\n'); // the pty's CRLF turned back into LF off a terminal

    const j = await run(['exec', running, '--output', 'json', '--', 'sh', '-c', 'printf "a\\nb"; exit 3']);
    expect(j.code, j.stderr).toBe(3);
    expect(JSON.parse(j.stdout)).toMatchObject({ allocation_id: running, exit_code: 3, output: 'a\nb' });

    const stdin = new PassThrough();
    stdin.end('exit 5\n');
    const term = await run(['terminal', running], { stdin });
    expect(term.code, term.stderr).toBe(5);
  });

  it('lists allocations, and release is idempotent (with --wait until released)', async () => {
    const { items } = json<{ items: { id: string }[] }>(
      await run(['allocations', 'list', '--state', 'running', '--project', 'demo', '--output', 'json']),
    );
    expect(items.map((a) => a.id)).toContain(running);
    const first = json(
      await run(['allocations', 'release', running, '--wait', '--timeout', '30s', '--output', 'json']),
    );
    expect(first).toMatchObject({ id: running, state: 'released' });
    const again = await run(['allocations', 'release', running, '--output', 'json']);
    expect(json(again)).toMatchObject({ id: running, state: 'released' });
  });

  it('watch prints one JSON line per change until the allocation ends', async () => {
    const created = json<{ id: string }>(
      await run(['allocations', 'create', '--gpus', '1', '--wait', '--json']),
    );
    let firstLine!: () => void;
    const printed = new Promise<void>((resolve) => (firstLine = resolve));
    const watching = run(['allocations', 'watch', created.id, '--output', 'json'], {
      onStdout: (chunk) => chunk.includes('\n') && firstLine(),
    });
    await printed;
    await api(`/v1/allocations/${created.id}/release`, { method: 'POST' });
    const r = await watching;
    expect(r.code, r.stderr).toBe(0);
    const states = r.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { state: string }).state);
    expect(states[0]).toBe('running');
    expect(states.at(-1)).toBe('released');
  });

  it('ops drain --release --wait releases what runs on the node; nodes and uncordon', async () => {
    const created = json<{ id: string }>(
      await run(['allocations', 'create', '--gpus', '1', '--wait', '--json']),
    );
    const r = await run(
      ['ops', 'drain', 'node-a', '--release', '--wait', '--timeout', '30s', '--output', 'json'],
      {
        token: operatorToken,
      },
    );
    const drained = json<{ node: { schedulable: boolean }; released: string[]; remaining: string[] }>(r);
    expect(drained.released).toEqual([created.id]);
    expect(drained.remaining).toEqual([]);
    expect(drained.node.schedulable).toBe(false);
    expect(r.stderr).toContain('node node-a: no allocation left');
    expect(json(await run(['allocations', 'get', created.id, '--json']))).toMatchObject({
      state: 'released',
    });

    const listed = json<{ items: { name: string; schedulable: boolean }[] }>(
      await run(['nodes', 'list', '--json'], { token: operatorToken }),
    );
    expect(listed.items).toEqual([expect.objectContaining({ name: 'node-a', schedulable: false })]);
    const table = await run(['nodes', 'get', 'node-a'], { token: operatorToken });
    expect(table.stdout).toMatch(/INDEX\s+MODEL\s+MEMORY/);
    expect(json(await run(['ops', 'uncordon', 'node-a', '--json'], { token: operatorToken }))).toMatchObject({
      schedulable: true,
    });
    const refused = await run(['nodes', 'list'], { token: userToken });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error\[FORBIDDEN\]/);
  });

  it('ops quota set, read back by members with projects quota', async () => {
    const set = json(
      await run(['ops', 'quota', 'set', 'demo', '--nominal', '1', '--max', '2', '--json'], {
        token: operatorToken,
      }),
    );
    expect(set).toMatchObject({ nominal_gpus: 1, max_gpus: 2, default: false });
    expect(json(await run(['projects', 'quota', 'demo', '--output', 'json']))).toMatchObject({
      nominal_gpus: 1,
      max_gpus: 2,
    });
    expect(
      json(await run(['ops', 'quota', 'get', 'demo', '--json'], { token: operatorToken })),
    ).toMatchObject({ max_gpus: 2 });
  });

  it.each([
    ['catalog', 'list'],
    ['allocations', 'list'],
    ['projects', 'quota', 'demo'],
    ['nodes', 'get', 'node-a'],
    ['ops', 'cordon', 'node-a'],
    ['ops', 'drain', 'node-a'],
    ['ops', 'uncordon', 'node-a'],
  ])('%s %s --output json prints one JSON document', async (...args) => {
    const operator = args[0] === 'nodes' || args[0] === 'ops';
    const r = await run([...args, '--output', 'json'], operator ? { token: operatorToken } : {});
    expect(typeof json(r)).toBe('object');
  });

  it('documented exit statuses: not found 4, usage 2, several projects listed', async () => {
    expect((await run(['allocations', 'get', '0190f5c2-8a4e-7c31-9d7e-2b1f0c6a1e99'])).code).toBe(4);
    expect((await run(['allocations', 'create', '--gpus', '0'])).code).toBe(2);
    expect((await run(['allocations', 'create', '--gpus', '1', '--topology', 'ring'])).code).toBe(2);
    expect((await run(['allocations', 'create', '--gpus', '1', '--ttl', '2 hours'])).code).toBe(2);
    await api('/v1/projects', { method: 'POST', json: { name: 'other' } });
    const r = await run(['allocations', 'create', '--gpus', '1', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[PROJECT_REQUIRED\]: you can see 2 projects/m);
    expect(r.stderr).toContain('`gpuaas projects use NAME`, or give --project');
    expect(r.stderr).toMatch(/demo/);
    expect(r.stderr).toMatch(/other/);
  });
});
