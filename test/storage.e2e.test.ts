/**
 * Persistent volumes through the CLI as a user types it, on SQLite and PostgreSQL, with the
 * platform's local node agents running bubblewrap sandboxes and volumes as loop-mounted XFS
 * (or ext4) images (`--storage-mode image`, root only): create a volume, attach it, write a file, release,
 * attach it to a second allocation and read the file; writing past the size fails inside the
 * sandbox, growing it while attached lets the running allocation write more; the next allocation
 * (another sandbox, other host uids) can change and delete what the previous one wrote; a second
 * tenant can neither see, attach nor snapshot it; a snapshot restored into a new volume has the
 * same contents. Crashes: storage-crash.e2e.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, requireTools, testDialects } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserScript, gpuaasBin, run, runPlatform, startServer } from './support/processes.js';
import type { TestServer } from './support/processes.js';

const sandboxed =
  requireTools('storage e2e (bubblewrap sandboxes, loop mounts)', 'bwrap', 'mkfs.ext4', 'losetup') &&
  process.getuid?.() === 0;

const SERVER_ARGS = [
  '--local-node',
  '--simulate',
  '1x4',
  '--gpus',
  'simulated',
  '--sandbox',
  'bubblewrap',
  '--storage-mode',
  'image',
];

describe.skipIf(!sandboxed).each(await testDialects('storage e2e'))('volumes on %s', (dialect) => {
  let store: TestStore;
  let server: TestServer;
  let home: string;
  let bobToken: string;
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    GPUAAS_API_URL: server.url,
    CI: 'true',
    XDG_CONFIG_HOME: home,
    ...extra,
  });
  const gpuaas = (args: string[], extra?: NodeJS.ProcessEnv) => run(gpuaasBin, args, env(extra));
  const asBob = (args: string[]) =>
    run(gpuaasBin, args, env({ GPUAAS_TOKEN: bobToken, XDG_CONFIG_HOME: join(home, 'bob') }));
  const json = async <T>(args: string[]): Promise<T> => {
    const out = await gpuaas([...args, '--output', 'json']);
    expect(out.code, `${args.join(' ')}: ${out.stderr}`).toBe(0);
    return JSON.parse(out.stdout) as T;
  };
  const allocate = async (...volumes: string[]) => {
    const args = ['allocations', 'create', '--gpus', '1', '--project', 'demo', '--wait'];
    for (const v of volumes) args.push('--volume', v);
    return (await json<{ id: string; volumes: unknown[] }>(args)).id;
  };
  const release = async (id: string) => {
    await json(['allocations', 'release', id, '--wait']);
  };
  const exec = (id: string, script: string) => gpuaas(['exec', id, '--', 'sh', '-c', script]);

  beforeAll(async () => {
    store = await createTestStore(dialect);
    server = await startServer(store, SERVER_ARGS);
    home = await mkdtemp(join(tmpdir(), 'gpuaas-storage-e2e-'));
    const added = await runPlatform(
      store,
      ['users', 'add', '--email', 'alice@example.com', '--password-stdin'],
      'alice password 1\n',
    );
    expect(added.code, added.stderr).toBe(0);
    const login = await gpuaas(['auth', 'login', '--json'], {
      BROWSER: `${process.execPath} ${browserScript}`,
      GPUAAS_TEST_EMAIL: 'alice@example.com',
      GPUAAS_TEST_PASSWORD: 'alice password 1',
    });
    expect(login.code, login.stderr).toBe(0);
    expect((await gpuaas(['projects', 'create', 'demo'])).code).toBe(0);
    const minted = await runPlatform(store, ['token', '--user', 'bob@example.com', '--project', 'bobs']);
    expect(minted.code, minted.stderr).toBe(0);
    bobToken = minted.stdout.trim().split('\n').pop() ?? '';
  }, 120_000);

  afterAll(async () => {
    // Volumes are deleted so their images are unmounted before the data folder goes; whatever a
    // failed test left mounted is unmounted directly.
    if (server !== undefined) {
      const left = await gpuaas(['storage', 'volumes', 'list', '--project', 'demo', '--output', 'json']);
      const names = left.code === 0 ? (JSON.parse(left.stdout) as { items: { name: string }[] }).items : [];
      for (const { name } of names) await gpuaas(['storage', 'volumes', 'delete', name, '--project', 'demo']);
    }
    const mounts = join(store.dataDir, 'storage', 'mounts');
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const point = line.split(' ')[4] ?? '';
      if (point.startsWith(`${mounts}/`)) execFileSync('umount', ['-l', point]);
    }
    await server?.stop();
    await store?.drop();
    await rm(home, { recursive: true, force: true });
  }, 120_000);

  it('creates a volume, writes to it in one allocation and reads it in the next; the size is a hard limit', async () => {
    const volume = await json<{ name: string; size_gib: number; state: string }>([
      'storage',
      'volumes',
      'create',
      'data',
      '--size',
      '1',
      '--project',
      'demo',
    ]);
    expect(volume).toMatchObject({ name: 'data', size_gib: 1, state: 'available' });

    const first = await allocate('data:/mnt/data');
    const wrote = await exec(
      first,
      'ls /mnt; echo "hello volume" > /mnt/data/hello.txt; ' +
        'dd if=/dev/zero of=/mnt/data/big bs=1M count=1100 2>&1; echo "dd=$?"; rm -f /mnt/data/big',
    );
    expect(wrote.code, wrote.stderr).toBe(0);
    expect(wrote.stdout.split('\n')[0]).toBe('data');
    expect(wrote.stdout).toMatch(/No space left on device/);
    expect(wrote.stdout).toMatch(/dd=1/);
    const attached = await json<{ state: string; attachments: { allocation_id: string }[] }>([
      'storage',
      'volumes',
      'get',
      'data',
      '--project',
      'demo',
    ]);
    expect(attached.state).toBe('attached');
    expect(attached.attachments.map((a) => a.allocation_id)).toEqual([first]);
    // Read-write is exclusive.
    const busy = await gpuaas([
      'allocations',
      'create',
      '--gpus',
      '1',
      '--project',
      'demo',
      '--volume',
      'data:/mnt/x',
    ]);
    expect(busy.code).not.toBe(0);
    expect(busy.stderr).toMatch(/VOLUME_IN_USE/);

    // Online: grown while the allocation runs, which writes past the old size at once.
    const grown = await json<{ size_gib: number; state: string }>([
      'storage',
      'volumes',
      'resize',
      'data',
      '--size',
      '2',
      '--project',
      'demo',
    ]);
    expect(grown).toMatchObject({ size_gib: 2, state: 'attached' });
    const more = await exec(
      first,
      'df -k /mnt/data | tail -1; dd if=/dev/zero of=/mnt/data/more bs=1M count=1500 2>&1 >/dev/null; echo "dd=$?"',
    );
    expect(more.code, more.stderr).toBe(0);
    expect(Number(more.stdout.trim().split(/\s+/)[1])).toBeGreaterThan(1.5 * 1024 * 1024);
    expect(more.stdout).toMatch(/dd=0/);
    await release(first);
    const shrink = await gpuaas(['storage', 'volumes', 'resize', 'data', '--size', '1', '--project', 'demo']);
    expect(shrink.stderr).toMatch(/VOLUME_SHRINK_REFUSED/);

    const second = await allocate('data:/mnt/data');
    const read = await exec(second, 'cat /mnt/data/hello.txt; stat -c %s /mnt/data/more');
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toContain('hello volume');
    expect(read.stdout).toContain(String(1500 * 1024 * 1024));
    await release(second);
  }, 300_000);

  it('keeps the project’s files read-write for its next allocation (another sandbox, other host uids)', async () => {
    const a = await allocate('data:/mnt/data');
    const wrote = await exec(
      a,
      'umask 022; echo one > /mnt/data/shared.txt && mkdir /mnt/data/ckpt && echo w > /mnt/data/ckpt/w.bin && echo ok',
    );
    expect(wrote.stdout, wrote.stderr).toContain('ok');
    await release(a);
    const b = await allocate('data:/mnt/data');
    const changed = await exec(
      b,
      '[ "$(stat -c %u /mnt/data/shared.txt)" = "$(id -u)" ] && echo owner; ' +
        'echo two >> /mnt/data/shared.txt && cat /mnt/data/shared.txt && echo x > /mnt/data/ckpt/new && ' +
        'rm -r /mnt/data/ckpt && rm /mnt/data/shared.txt && echo deleted',
    );
    expect(changed.stdout, changed.stderr).toBe('owner\none\ntwo\ndeleted\n');
    await release(b);
  }, 300_000);

  it('keeps a second tenant out: no listing, no details, no attaching, no snapshot', async () => {
    const list = await asBob(['storage', 'volumes', 'list', '--output', 'json']);
    expect(list.stdout).not.toContain('"data"');
    const get = await asBob(['storage', 'volumes', 'get', 'data']);
    expect(get.code).not.toBe(0);
    const snap = await asBob(['storage', 'snapshots', 'create', 'data', '--name', 'stolen']);
    expect(snap.code).not.toBe(0);
    const attach = await asBob(['allocations', 'create', '--gpus', '1', '--volume', 'data:/mnt/data']);
    expect(attach.code).not.toBe(0);
    expect(attach.stderr).toMatch(/NOT_FOUND|no volume/);
  }, 120_000);

  it('restores a snapshot into a new volume with the same contents', async () => {
    const snapshot = await json<{ name: string }>([
      'storage',
      'snapshots',
      'create',
      'data',
      '--name',
      'snap-1',
      '--project',
      'demo',
    ]);
    expect(snapshot.name).toBe('snap-1');
    const restored = await json<{ name: string; size_gib: number }>([
      'storage',
      'snapshots',
      'restore',
      'snap-1',
      '--to',
      'data-copy',
      '--project',
      'demo',
    ]);
    expect(restored).toMatchObject({ name: 'data-copy', size_gib: 2 });
    // Read-only attachments are shared: two allocations read both volumes at once.
    const a = await allocate('data:/mnt/a:ro', 'data-copy:/mnt/b:ro');
    const b = await allocate('data:/mnt/a:ro');
    const compared = await exec(
      a,
      'cmp /mnt/a/hello.txt /mnt/b/hello.txt && cmp /mnt/a/more /mnt/b/more && echo same; touch /mnt/a/x 2>&1',
    );
    expect(compared.stdout).toContain('same');
    expect(compared.stdout).toMatch(/Read-only file system/);
    await release(a);
    await release(b);
    const list = await json<{ items: { name: string }[] }>([
      'storage',
      'snapshots',
      'list',
      '--project',
      'demo',
    ]);
    expect(list.items.map((s) => s.name)).toEqual(['snap-1']);
    expect((await gpuaas(['storage', 'snapshots', 'delete', 'snap-1', '--project', 'demo'])).code).toBe(0);
  }, 300_000);
});
