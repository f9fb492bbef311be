/**
 * The platform killed inside a storage operation, on SQLite and PostgreSQL, with real loop-mounted
 * volumes and bubblewrap sandboxes: for create, attach, resize and snapshot, the platform runs
 * with `GPUAAS_TEST_PAUSE_AT=<point>` (platform/src/pause-points.ts) so the kill lands at a known
 * step inside the operation, then starts again normally. Afterwards no volume or snapshot is in a
 * transitional state, nothing half-made is left on disk, the interrupted work is finished (the
 * grow) or undone (the rest), and the volume's data is intact.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createTestStore, freePort, requireTools, testDialects } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gpuaasBin,
  platformBin,
  run,
  runPlatform,
  startProcess,
  until,
  SANDBOXED_NODE,
} from './support/processes.js';
import type { StartedProcess } from './support/processes.js';

const sandboxed =
  requireTools('storage crash e2e (bubblewrap sandboxes, loop mounts)', 'bwrap', 'mkfs.ext4', 'losetup') &&
  process.getuid?.() === 0;

const SERVER_ARGS = [...SANDBOXED_NODE];
const MARKER = 'gpuaas-test-pause:';

describe.skipIf(!sandboxed).each(await testDialects('storage crash e2e'))(
  'storage crashes on %s',
  (dialect) => {
    let store: TestStore;
    let server: StartedProcess;
    let url: string;
    let token: string;
    /** One port for every start: tokens name the platform's URL as their issuer. */
    let port: number;

    /** `gpuaas-platform serve`, paused at `pauseAt` when given (a test-only switch). */
    const start = async (pauseAt?: string) => {
      const args = [
        'serve',
        '--port',
        String(port),
        '--data-dir',
        store.dataDir,
        '--json',
        '--storage-mode',
        'image',
      ];
      if (store.databaseUrl !== undefined) args.push('--database-url', store.databaseUrl);
      const env: NodeJS.ProcessEnv = { ...process.env, CI: '', NODE_ENV: 'test' };
      delete env.GPUAAS_TEST_PAUSE_AT;
      if (pauseAt !== undefined) env.GPUAAS_TEST_PAUSE_AT = pauseAt;
      server = await startProcess(process.execPath, [platformBin, ...args, ...SERVER_ARGS], {
        env,
        ready: /"url":\s*"([^"]+)"/,
        name: 'gpuaas-platform serve',
      });
      url = server.match[1] ?? '';
    };
    const gpuaas = (args: string[]) =>
      run(gpuaasBin, args, {
        PATH: process.env.PATH,
        GPUAAS_API_URL: url,
        GPUAAS_TOKEN: token,
        CI: 'true',
      });
    /** A command of project demo's (`--project demo` added), its JSON output. */
    const json = async <T>(args: string[]): Promise<T> => {
      const out = await gpuaas([...args, '--project', 'demo', '--output', 'json']);
      expect(out.code, `${args.join(' ')}: ${out.stderr}`).toBe(0);
      return JSON.parse(out.stdout) as T;
    };
    const allocate = async (volume: string) =>
      (await json<{ id: string }>(['allocations', 'create', '--gpus', '1', '--wait', '--volume', volume])).id;
    const exec = async (id: string, script: string) =>
      (await gpuaas(['exec', id, '--', 'sh', '-c', script])).stdout;
    const release = async (id: string) =>
      expect((await gpuaas(['allocations', 'release', id, '--wait'])).code).toBe(0);
    const inDemo = (args: string[]) => gpuaas([...args, '--project', 'demo']);

    /**
     * Starts the platform paused at `point`, runs `args` until the platform reports it reached the
     * point, kills it there (SIGKILL) and starts it again; the interrupted command's result.
     */
    const killInside = async (point: string, args: string[]) => {
      await server.stop();
      await start(point);
      const pending = inDemo(args);
      await until(() => Promise.resolve(server.stderr().includes(`${MARKER} ${point}`) ? true : undefined), {
        timeoutMs: 60_000,
        what: `the platform pausing at ${point}`,
      });
      await server.stop('SIGKILL');
      const interrupted = await pending;
      await start();
      return interrupted;
    };
    const volumes = async () =>
      (
        await json<{
          items: { name: string; state: string; size_gib: number; attachments?: unknown[] }[];
        }>(['storage', 'volumes', 'list'])
      ).items;
    const storageFiles = (folder: string) => readdirSync(join(store.dataDir, 'storage', folder));
    const readHello = async (volume = 'data') => {
      const id = await allocate(`${volume}:/mnt/data:ro`);
      const out = await exec(id, 'cat /mnt/data/hello.txt; df -k /mnt/data | tail -1');
      await release(id);
      return out;
    };

    beforeAll(async () => {
      store = await createTestStore(dialect);
      port = await freePort();
      await start();
      const minted = await runPlatform(store, ['token', '--user', 'alice@example.com', '--project', 'demo']);
      expect(minted.code, minted.stderr).toBe(0);
      token = minted.stdout.trim().split('\n').pop() ?? '';
      await json(['storage', 'volumes', 'create', 'data', '--size', '1']);
      const id = await allocate('data:/mnt/data');
      expect(await exec(id, 'echo "hello volume" > /mnt/data/hello.txt && echo ok')).toBe('ok\n');
      await release(id);
    }, 180_000);

    afterAll(async () => {
      if (server !== undefined && server.child.exitCode === null) {
        for (const v of await volumes().catch(() => []))
          await inDemo(['storage', 'volumes', 'delete', v.name]);
        await server.stop();
      }
      const mounts = join(store.dataDir, 'storage', 'mounts');
      for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
        const point = line.split(' ')[4] ?? '';
        if (point.startsWith(`${mounts}/`)) execFileSync('umount', ['-l', point]);
      }
      await store?.drop();
    }, 120_000);

    it('create: killed with the image made but not yet named, the volume is undone and can be made again', async () => {
      const interrupted = await killInside('storage.create', [
        'storage',
        'volumes',
        'create',
        'crash',
        '--size',
        '1',
      ]);
      expect(interrupted.code).not.toBe(0);
      expect((await volumes()).map((v) => v.name)).toEqual(['data']);
      expect(storageFiles('images').filter((f) => f.endsWith('.partial'))).toEqual([]);
      expect(storageFiles('images')).toHaveLength(1);
      const again = await json<{ state: string }>(['storage', 'volumes', 'create', 'crash', '--size', '1']);
      expect(again.state).toBe('available');
      expect((await inDemo(['storage', 'volumes', 'delete', 'crash'])).code).toBe(0);
    }, 300_000);

    it('attach: killed inside the allocation’s transaction, the volume is available again and attaches', async () => {
      const interrupted = await killInside('storage.attach', [
        'allocations',
        'create',
        '--gpus',
        '1',
        '--volume',
        'data:/mnt/data',
      ]);
      expect(interrupted.code).not.toBe(0);
      const [data] = await volumes();
      expect(data).toMatchObject({ name: 'data', state: 'available' });
      expect(data?.attachments ?? []).toEqual([]);
      const live = await json<{ items: { state: string }[] }>(['allocations', 'list']);
      expect(live.items.filter((a) => !['released', 'failed'].includes(a.state))).toEqual([]);
      expect(await readHello()).toContain('hello volume');
    }, 300_000);

    it('resize: killed with the image grown but not its file system, the grow is finished at restart', async () => {
      const interrupted = await killInside('storage.resize', [
        'storage',
        'volumes',
        'resize',
        'data',
        '--size',
        '3',
      ]);
      expect(interrupted.code).not.toBe(0);
      const [data] = await volumes();
      expect(data).toMatchObject({ name: 'data', state: 'available', size_gib: 3 });
      const seen = await readHello();
      expect(seen).toContain('hello volume');
      // The file system itself is 3 GiB now, not only the record.
      expect(Number(seen.trim().split('\n').pop()?.split(/\s+/)[1])).toBeGreaterThan(2.5 * 1024 * 1024);
    }, 300_000);

    it('snapshot: killed with the copy made but not yet named, the snapshot is undone and the volume intact', async () => {
      const interrupted = await killInside('storage.snapshot', [
        'storage',
        'snapshots',
        'create',
        'data',
        '--name',
        'crash-snap',
      ]);
      expect(interrupted.code).not.toBe(0);
      const snapshots = await json<{ items: { name: string; state: string }[] }>([
        'storage',
        'snapshots',
        'list',
      ]);
      expect(snapshots.items).toEqual([]);
      expect(existsSync(join(store.dataDir, 'storage', 'snapshots'))).toBe(true);
      expect(storageFiles('snapshots')).toEqual([]);
      expect((await volumes()).map((v) => v.state)).toEqual(['available']);
      expect(await readHello()).toContain('hello volume');
      const snapshot = await json<{ name: string }>([
        'storage',
        'snapshots',
        'create',
        'data',
        '--name',
        'crash-snap',
      ]);
      expect(snapshot.name).toBe('crash-snap');
      expect(storageFiles('snapshots')).toHaveLength(1);
      expect((await inDemo(['storage', 'snapshots', 'delete', 'crash-snap'])).code).toBe(0);
    }, 300_000);
  },
);
