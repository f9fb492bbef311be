/**
 * The 5-minute path, through the CLI as a user types it, on SQLite and PostgreSQL: login →
 * catalog → create allocation (--wait) → commands in its sandbox see only its GPUs and its own
 * files → terminal → release → GPUs free again; and a second tenant can neither see nor enter.
 * The platform runs as `gpuaas-platform serve` with its local node agents (simulated GPUs,
 * bubblewrap sandboxes, the real runtime), over a data folder whose path is 200 characters long
 * (a clone deep under a home folder): no socket path may depend on it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, requireTools, testDialects } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { browserScript, gpuaasBin, run, runPlatform, startServer, until } from './support/processes.js';
import type { TestServer } from './support/processes.js';

const sandboxed = requireTools('allocations e2e (bubblewrap sandboxes)', 'bwrap');

describe.skipIf(!sandboxed).each(await testDialects('allocations e2e'))(
  'the 5-minute path on %s',
  (dialect) => {
    let store: TestStore;
    let server: TestServer;
    let aliceHome: string;
    let bobToken: string;
    let allocationId: string;
    const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
      PATH: process.env.PATH,
      GPUAAS_API_URL: server.url,
      CI: 'true',
      XDG_CONFIG_HOME: aliceHome,
      ...extra,
    });
    const gpuaas = (args: string[], stdin?: string, extra?: NodeJS.ProcessEnv) =>
      run(gpuaasBin, args, env(extra), stdin);
    const asBob = (args: string[]) =>
      run(gpuaasBin, args, env({ GPUAAS_TOKEN: bobToken, XDG_CONFIG_HOME: join(aliceHome, 'bob') }));
    const platform = (args: string[], stdin?: string) => runPlatform(store, args, stdin);
    const available = async () => {
      const list = await gpuaas(['catalog', 'list', '--output', 'json']);
      expect(list.code, list.stderr).toBe(0);
      const items =
        (JSON.parse(list.stdout) as { items?: unknown[] }).items ?? (JSON.parse(list.stdout) as unknown[]);
      const h100 = (items as { id: string; available: number }[]).find((s) => s.id === 'h100-80gb');
      expect(Number.isInteger(h100?.available)).toBe(true);
      return h100?.available ?? -1;
    };

    beforeAll(async () => {
      store = await createTestStore(dialect, { pathLength: 200 });
      server = await startServer(store, [
        '--local-node',
        '--simulate',
        '2x4',
        '--gpus',
        'simulated',
        '--sandbox',
        'bubblewrap',
      ]);
      aliceHome = await mkdtemp(join(tmpdir(), 'gpuaas-alloc-e2e-'));
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
      await store?.drop();
      await rm(aliceHome, { recursive: true, force: true });
    });

    it('logs in, lists the catalog and gets two GPUs with --wait', async () => {
      const added = await platform(
        ['users', 'add', '--email', 'alice@example.com', '--password-stdin'],
        'alice password 1\n',
      );
      expect(added.code, added.stderr).toBe(0);
      const login = await gpuaas(['auth', 'login', '--json'], undefined, {
        BROWSER: `${process.execPath} ${browserScript}`,
        GPUAAS_TEST_EMAIL: 'alice@example.com',
        GPUAAS_TEST_PASSWORD: 'alice password 1',
      });
      expect(login.code, login.stderr).toBe(0);
      expect((await gpuaas(['projects', 'create', 'demo'])).code).toBe(0);
      expect(await available()).toBe(8);

      const created = await gpuaas([
        'allocations',
        'create',
        '--gpus',
        '2',
        '--project',
        'demo',
        '--ttl',
        '2h',
        '--wait',
        '--output',
        'json',
      ]);
      expect(created.code, created.stderr).toBe(0);
      const allocation = JSON.parse(created.stdout) as { id: string; state: string; gpus: unknown[] };
      expect(allocation).toMatchObject({ state: 'running' });
      expect(allocation.gpus).toHaveLength(2);
      allocationId = allocation.id;
      expect(await available()).toBe(6);
    }, 60_000);

    it('runs commands in the sandbox: only its GPUs, its own files, the exit code comes back', async () => {
      const exec = await gpuaas([
        'exec',
        allocationId,
        '--',
        'sh',
        '-c',
        `echo "gpus=$CUDA_VISIBLE_DEVICES"; nvidia-smi -L; echo secret > ~/mine.txt; ls ~; ls ${store.dataDir} 2>&1; touch /etc/x 2>&1; exit 5`,
      ]);
      expect(exec.code, exec.stderr).toBe(5);
      expect(exec.stdout).toMatch(/gpus=GPU-[^,\s]+,GPU-\S+/);
      expect(exec.stdout.match(/^GPU \d+: /gm)).toHaveLength(2);
      expect(exec.stdout).toContain('mine.txt');
      expect(exec.stdout).toMatch(/No such file or directory/);
      expect(exec.stdout).toMatch(/Read-only file system/);

      // A second allocation of the same tenant is another sandbox: it sees neither the file nor the GPUs.
      const other = await gpuaas([
        'allocations',
        'create',
        '--gpus',
        '1',
        '--project',
        'demo',
        '--wait',
        '--output',
        'json',
      ]);
      expect(other.code, other.stderr).toBe(0);
      const otherId = (JSON.parse(other.stdout) as { id: string }).id;
      const look = await gpuaas([
        'exec',
        otherId,
        '--',
        'sh',
        '-c',
        'ls -A ~; nvidia-smi -L; echo pids=$(ls /proc | grep -c "^[0-9]")',
      ]);
      expect(look.code, look.stderr).toBe(0);
      expect(look.stdout).not.toContain('mine.txt');
      expect(look.stdout.match(/^GPU \d+: /gm)).toHaveLength(1);
      expect((await gpuaas(['allocations', 'release', otherId, '--output', 'json'])).code).toBe(0);
    }, 60_000);

    it('opens a terminal whose shell speaks first, runs what is typed and returns its exit code', async () => {
      const terminal = await gpuaas(['terminal', allocationId], 'echo typed-$((6*7))\nexit 4\n');
      expect(terminal.code, terminal.stderr).toBe(4);
      expect(terminal.stdout).toContain('typed-42');

      // Over the raw protocol: output arrives before any input; the token works once.
      const minted = await platform(['token', '--user', 'alice@example.com', '--project', 'demo']);
      expect(minted.code, minted.stderr).toBe(0);
      const bearer = minted.stdout.trim().split('\n').pop() ?? '';
      const res = await fetch(`${server.url}/v1/allocations/${allocationId}/terminal-tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}` },
      });
      expect(res.status).toBe(201);
      const { url, expires_at } = (await res.json()) as { url: string; expires_at: string };
      expect(Date.parse(expires_at) - Date.now()).toBeLessThanOrEqual(60_000);
      const first = await new Promise<string>((resolve, reject) => {
        const ws = new WebSocket(url, ['gpuaas.terminal.v1']);
        ws.on('message', (data, binary) => {
          if (binary) {
            resolve((data as Buffer).toString());
            ws.close();
          }
        });
        ws.on('error', reject);
      });
      expect(first.length).toBeGreaterThan(0);
      const again = await new Promise<number>((resolve) => {
        const ws = new WebSocket(url, ['gpuaas.terminal.v1']);
        ws.on('unexpected-response', (_q, r) => resolve(r.statusCode ?? 0));
        ws.on('open', () => resolve(101));
      });
      expect(again).toBe(401);
    }, 60_000);

    it('keeps a second tenant out: no listing, no details, no terminal', async () => {
      const minted = await platform(['token', '--user', 'bob@example.com', '--project', 'bobs']);
      expect(minted.code, minted.stderr).toBe(0);
      bobToken = minted.stdout.trim().split('\n').pop() ?? '';
      const list = await asBob(['allocations', 'list', '--output', 'json']);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).not.toContain(allocationId);
      const get = await asBob(['allocations', 'get', allocationId]);
      expect(get.code).toBe(4);
      const exec = await asBob(['exec', allocationId, '--', 'true']);
      expect(exec.code).toBe(4);
      const res = await fetch(`${server.url}/v1/allocations/${allocationId}/terminal-tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bobToken}` },
      });
      expect(res.status).toBe(404);
    }, 60_000);

    it('releases, and the GPUs are free again', async () => {
      const released = await gpuaas(['allocations', 'release', allocationId, '--wait', '--output', 'json']);
      expect(released.code, released.stderr).toBe(0);
      expect(JSON.parse(released.stdout)).toMatchObject({ id: allocationId, state: 'released' });
      await until(async () => ((await available()) === 8 ? true : undefined), {
        timeoutMs: 15_000,
        intervalMs: 200,
        what: 'all 8 GPUs free again',
      });
    }, 60_000);
  },
);
