/**
 * Volumes and snapshots through the API over a real platform, on SQLite and PostgreSQL, with the
 * local backend in `image` mode where this machine can loop-mount (root), else `folder`: the
 * state machine, name uniqueness, quotas, growth (online, shrink refused), the file-system limit,
 * snapshots and restores with identical contents, attachments (read-write exclusive, read-only
 * shared, detach), another tenant seeing nothing, and reconcile() after a crash at each step.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { newId } from '../ids.js';
import { probeImageMode } from './local-backend.js';
import { rateStorage } from './rater.js';
import { LeaseLost } from '../leases/errors.js';
import { asBillingDb } from '../billing/db.js';
import { topUp } from '../billing/operations.js';
import { startFakeNode } from '../testing/fake-node.js';

const dialects = await testDialects('storage service');
const GIB = 1024 ** 3;

interface Volume {
  id: string;
  name: string;
  size_gib: number;
  state: string;
  attachments: { allocation_id: string; read_only: boolean }[];
}

describe.each(dialects)('storage on %s', (dialect) => {
  let t: TestPlatform;
  let owner: string;
  let stranger: string;
  let projectId: string;
  let mode: 'image' | 'folder';

  const api = async (method: string, path: string, json?: unknown, token = owner) => {
    const res = await t.request(path, { method, token, ...(json === undefined ? {} : { json }) });
    const text = await res.text();
    return {
      status: res.status,
      body: (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown>,
    };
  };
  const create = async (name: string, size = 1) => {
    const res = await api('POST', '/v1/storage/volumes', { project_id: projectId, name, size_gib: size });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as unknown as Volume;
  };
  const row = (id: string) =>
    t.platform.db.selectFrom('storage_volumes').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const hostPath = (id: string) => t.platform.storage.backend.hostPath(id);

  beforeAll(async () => {
    t = await startTestPlatform(dialect, {
      storage: { mode: 'auto', quota: { maxGib: 40, maxVolumes: 12, maxSnapshots: 3 } },
    });
    mode = await probeImageMode(join(t.platform.config.dataDir, 'probe'));
    owner = (await t.login('storage-owner@example.com')).token;
    stranger = (await t.login('storage-stranger@example.com')).token;
    const project = await api('POST', '/v1/projects', { name: 'storage' });
    projectId = project.body.id as string;
  });

  afterAll(async () => {
    // Unmount what the tests left, so the data folder can be removed.
    const live = await t.platform.db.selectFrom('storage_volumes').select('id').execute();
    for (const v of live) await t.platform.storage.backend.remove(v.id);
    await t?.close();
  });

  it('creates an available volume of the asked size, unique by name, refusing a second one', async () => {
    const v = await create('data', 2);
    expect(v).toMatchObject({ name: 'data', size_gib: 2, state: 'available', attachments: [] });
    if (mode === 'image') {
      const bytes = Number(
        execFileSync('df', ['--output=size', '-B1', hostPath(v.id)])
          .toString()
          .split('\n')[1],
      );
      expect(bytes).toBeGreaterThan(1.8 * GIB);
      expect(bytes).toBeLessThanOrEqual(2 * GIB);
    }
    const again = await api('POST', '/v1/storage/volumes', {
      project_id: projectId,
      name: 'data',
      size_gib: 1,
    });
    expect(again.body.code).toBe('VOLUME_NAME_TAKEN');
    expect((await api('GET', `/v1/storage/volumes/${v.id}`)).body.state).toBe('available');
    const list = await api('GET', `/v1/storage/volumes?project_id=${projectId}`);
    expect((list.body.items as Volume[]).map((i) => i.name)).toContain('data');
  });

  it('hides volumes from another tenant', async () => {
    const v = await create('private');
    expect((await api('GET', `/v1/storage/volumes/${v.id}`, undefined, stranger)).status).toBe(404);
    expect(
      (await api('GET', `/v1/storage/volumes?project_id=${projectId}`, undefined, stranger)).status,
    ).toBe(404);
    const snap = await api('POST', '/v1/storage/snapshots', { volume_id: v.id, name: 'steal' }, stranger);
    expect(snap.status).toBe(404);
    const del = await api('DELETE', `/v1/storage/volumes/${v.id}`, undefined, stranger);
    expect(del.status).toBe(404);
  });

  it('refuses writes past the size in the file system, grows online and refuses to shrink', async () => {
    const v = await create('grow', 1);
    if (mode === 'image') {
      const file = join(hostPath(v.id), 'big');
      expect(() => execFileSync('fallocate', ['-l', '1100M', file])).toThrow();
    }
    const grown = await api('PATCH', `/v1/storage/volumes/${v.id}`, { size_gib: 3 });
    expect(grown.body).toMatchObject({ size_gib: 3, state: 'available' });
    if (mode === 'image') {
      // Past the old size, within the new one (fallocate reserves blocks without writing them).
      execFileSync('fallocate', ['-l', '1500M', join(hostPath(v.id), 'big')]);
    }
    const shrink = await api('PATCH', `/v1/storage/volumes/${v.id}`, { size_gib: 2 });
    expect(shrink.status).toBe(422);
    expect(shrink.body.code).toBe('VOLUME_SHRINK_REFUSED');
    expect(shrink.body.detail).toMatch(/snapshot|copy/);
  });

  it('snapshots and restores a volume with the same contents', async () => {
    const v = await create('src');
    writeFileSync(join(hostPath(v.id), 'weights.bin'), 'the weights');
    const snap = await api('POST', '/v1/storage/snapshots', { volume_id: v.id, name: 'src-1' });
    expect(snap.status).toBe(201);
    writeFileSync(join(hostPath(v.id), 'weights.bin'), 'changed later');
    const restored = await api('POST', `/v1/storage/snapshots/${snap.body.id as string}/restore`, {
      name: 'copy',
    });
    expect(restored.status).toBe(201);
    expect(restored.body).toMatchObject({ name: 'copy', size_gib: 1, state: 'available' });
    expect(readFileSync(join(hostPath(restored.body.id as string), 'weights.bin'), 'utf8')).toBe(
      'the weights',
    );
    const snaps = await api('GET', `/v1/storage/snapshots?project_id=${projectId}&volume_id=${v.id}`);
    expect((snaps.body.items as { name: string }[]).map((s) => s.name)).toEqual(['src-1']);
    const taken = await api('POST', '/v1/storage/snapshots', { volume_id: v.id, name: 'src-1' });
    expect(taken.body.code).toBe('SNAPSHOT_NAME_TAKEN');
    expect((await api('DELETE', `/v1/storage/snapshots/${snap.body.id as string}`)).status).toBe(204);
    expect((await api('GET', `/v1/storage/snapshots/${snap.body.id as string}`)).status).toBe(404);
  });

  it('enforces the project quota on GiB, volumes and snapshots', async () => {
    const big = await api('POST', '/v1/storage/volumes', {
      project_id: projectId,
      name: 'huge',
      size_gib: 41,
    });
    expect(big.body.code).toBe('STORAGE_QUOTA_EXCEEDED');
    expect(big.body.detail).toMatch(/40 GiB/);
    const v = await create('snappy');
    for (const name of ['s1', 's2', 's3']) {
      await api('POST', '/v1/storage/snapshots', { volume_id: v.id, name });
    }
    const over = await api('POST', '/v1/storage/snapshots', { volume_id: v.id, name: 's4' });
    expect(over.body.code).toBe('STORAGE_QUOTA_EXCEEDED');
    expect(over.body.detail).toMatch(/3 snapshots/);
  });

  it('attaches read-write exclusively and read-only shared, refuses deletion while attached, detaches', async () => {
    const v = await create('shared');
    const storage = t.platform.storage;
    const [a1, a2, a3] = [newId(), newId(), newId()];
    await t.platform.db
      .transaction()
      .execute((trx) =>
        storage.attach(trx, projectId, a1, [{ name: 'shared', mount_path: '/mnt/data', read_only: true }]),
      );
    await t.platform.db
      .transaction()
      .execute((trx) =>
        storage.attach(trx, projectId, a2, [{ name: 'shared', mount_path: '/mnt/data', read_only: true }]),
      );
    await expect(
      t.platform.db
        .transaction()
        .execute((trx) => storage.attach(trx, projectId, a3, [{ name: 'shared', mount_path: '/mnt/data' }])),
    ).rejects.toMatchObject({ code: 'VOLUME_IN_USE' });
    const seen = (await api('GET', `/v1/storage/volumes/${v.id}`)).body as unknown as Volume;
    expect(seen.state).toBe('attached');
    expect(seen.attachments.map((a) => a.allocation_id).sort()).toEqual([a1, a2].sort());
    expect((await api('DELETE', `/v1/storage/volumes/${v.id}`)).body.code).toBe('VOLUME_IN_USE');
    await storage.detach(t.platform.db, a1);
    expect((await row(v.id)).state).toBe('attached');
    await storage.detach(t.platform.db, a2);
    expect((await row(v.id)).state).toBe('available');
    await t.platform.db
      .transaction()
      .execute((trx) => storage.attach(trx, projectId, a3, [{ name: 'shared', mount_path: '/mnt/data' }]));
    await expect(
      t.platform.db
        .transaction()
        .execute((trx) =>
          storage.attach(trx, projectId, newId(), [
            { name: 'shared', mount_path: '/mnt/x', read_only: true },
          ]),
        ),
    ).rejects.toMatchObject({ code: 'VOLUME_IN_USE' });
    await storage.detach(t.platform.db, a3);
    expect((await api('DELETE', `/v1/storage/volumes/${v.id}`)).status).toBe(204);
    expect((await row(v.id)).state).toBe('deleted');
    expect((await api('GET', `/v1/storage/volumes/${v.id}`)).status).toBe(404);
  });

  it('attaches volumes to allocations through the API, hands them to the node, detaches at release', async () => {
    const operator = (await t.login('storage-operator@example.com', { operator: true })).token;
    const node = await startFakeNode({ url: t.url, token: operator, name: `storage-${dialect}`, gpus: 4 });
    {
      await topUp(asBillingDb(t.platform.db), {
        id: `storage-topup-${dialect}`,
        projectId,
        currency: 'USD',
        amount: 1_000_000_000n,
        reason: 'test',
      });
      const v = await create('models');
      const alloc = async (json: Record<string, unknown>) =>
        api('POST', '/v1/allocations', { project_id: projectId, gpus: { count: 1 }, ...json });
      const first = await alloc({ volumes: [{ name: 'models', mount_path: '/mnt/models' }] });
      expect(first.status, JSON.stringify(t.logs.filter((l) => l.err !== undefined).slice(-2))).toBe(201);
      expect(first.body.volumes).toEqual([
        { volume_id: v.id, name: 'models', mount_path: '/mnt/models', read_only: false },
      ]);
      const second = await alloc({
        volumes: [{ name: 'models', mount_path: '/mnt/models', read_only: true }],
      });
      expect(second.body.code).toBe('VOLUME_IN_USE');
      const missing = await alloc({ volumes: [{ name: 'nope', mount_path: '/mnt/x' }] });
      expect(missing.status).toBe(404);
      const outside = await alloc({ volumes: [{ name: 'models', mount_path: '/etc/x' }] });
      expect(outside.status).toBe(400);
      const id = first.body.id as string;
      let assignments = await node.beat();
      await node.beatUntil(async () => {
        assignments = await node.beat();
        return assignments.some((a) => a.allocation_id === id);
      });
      // The same attachment on every allocation answer: one read, the project's list, the release.
      const attached = [{ volume_id: v.id, name: 'models', mount_path: '/mnt/models', read_only: false }];
      expect((await api('GET', `/v1/allocations/${id}`)).body.volumes).toEqual(attached);
      const listed = (await api('GET', `/v1/allocations?project_id=${projectId}`)).body.items as {
        id: string;
        volumes?: unknown;
      }[];
      expect(listed.find((a) => a.id === id)?.volumes).toEqual(attached);
      const mine = assignments.find((a) => a.allocation_id === id);
      expect(mine?.volumes).toEqual([
        { volume_id: v.id, source: hostPath(v.id), mount_path: '/mnt/models', read_only: false },
      ]);
      const released = await api('POST', `/v1/allocations/${id}/release`);
      expect(released.status).toBe(200);
      expect(released.body.volumes).toEqual(attached);
      await node.beatUntil(async () => (await row(v.id)).state === 'available');
      const again = await alloc({ volumes: [{ name: 'models', mount_path: '/mnt/models' }] });
      expect(again.status, JSON.stringify(again.body)).toBe(201);
      await api('POST', `/v1/allocations/${again.body.id as string}/release`);
      await node.beatUntil(async () => (await row(v.id)).state === 'available');
    }
  });

  it('bills volumes per GiB-second into the ledger, once, up to their deletion', async () => {
    const db = t.platform.db;
    const v = await create('billed', 2);
    // Created an hour ago: 2 GiB × 3600 s at 0.73 per GiB-month (730 h) is 0.002000 exactly.
    const createdAt = Date.now() - 3600_000;
    await db
      .updateTable('storage_volumes')
      .set({ created_at: new Date(createdAt).toISOString() })
      .where('id', '=', v.id)
      .execute();
    const options = { currency: 'USD', pricePerGibMonth: 730_000n };
    const now = createdAt + 3600_000;
    // A pass fenced out (another instance took the storage-rater lease) charges nothing.
    const fencedOut = {
      ...options,
      fence: () => Promise.reject(new LeaseLost('storage-rater', 'taken over')),
    };
    await expect(rateStorage(db, fencedOut, now)).rejects.toBeInstanceOf(LeaseLost);
    expect((await row(v.id)).billed_until).toBeNull();
    await rateStorage(db, options, now);
    await rateStorage(db, options, now);
    const charges = async () =>
      (
        (await api('GET', `/v1/billing/charges?project_id=${projectId}`)).body.items as {
          kind: string;
          amount_micros: number;
          period_start: string;
        }[]
      ).filter((c) => c.kind === 'storage' && c.period_start >= new Date(createdAt).toISOString());
    const mine = (await charges()).filter((c) => c.period_start === new Date(createdAt).toISOString());
    expect(mine.map((c) => c.amount_micros)).toEqual([2000]);
    // Deleted 30 minutes later: charged up to the deletion, not beyond.
    expect((await api('DELETE', `/v1/storage/volumes/${v.id}`)).status).toBe(204);
    await db
      .updateTable('storage_volumes')
      .set({ deleted_at: new Date(now + 1800_000).toISOString() })
      .where('id', '=', v.id)
      .execute();
    await rateStorage(db, options, now + 7200_000);
    await rateStorage(db, options, now + 9000_000);
    const after = (await row(v.id)).billed_until;
    expect(after).toBe(new Date(now + 1800_000).toISOString());
    const total = (await charges())
      .filter(
        (c) =>
          c.period_start === new Date(createdAt).toISOString() ||
          c.period_start === new Date(now).toISOString(),
      )
      .reduce((n, c) => n + c.amount_micros, 0);
    expect(total).toBe(3000);
  });

  it('refuses overlapping or repeated mounts', async () => {
    await expect(
      t.platform.db.transaction().execute((trx) =>
        t.platform.storage.attach(trx, projectId, newId(), [
          { name: 'data', mount_path: '/mnt/a' },
          { name: 'src', mount_path: '/mnt/a/b' },
        ]),
      ),
    ).rejects.toMatchObject({ code: 'VOLUME_MOUNT_INVALID' });
  });

  it('leaves nothing transitional after a crash in create, resize, delete or snapshot', async () => {
    const db = t.platform.db;
    const storage = t.platform.storage;
    // A create that crashed after its row and image, before `available`.
    const half = await create('half');
    await db.updateTable('storage_volumes').set({ state: 'creating' }).where('id', '=', half.id).execute();
    // A grow that crashed before the backend grew it.
    const growing = await create('growing');
    await db
      .updateTable('storage_volumes')
      .set({ pending_size_gib: 2 })
      .where('id', '=', growing.id)
      .execute();
    // A deletion that crashed before the data went.
    const going = await create('going');
    await db.updateTable('storage_volumes').set({ state: 'deleting' }).where('id', '=', going.id).execute();
    // A snapshot that crashed while copying.
    const base = await create('base');
    writeFileSync(join(hostPath(base.id), 'keep'), 'kept');
    const snap = await api('POST', '/v1/storage/snapshots', { volume_id: base.id, name: 'mid' });
    if (snap.status === 201) {
      await db
        .updateTable('storage_snapshots')
        .set({ state: 'creating' })
        .where('id', '=', snap.body.id as string)
        .execute();
    }
    const outcome = await storage.reconcile();
    expect(outcome.grown).toBe(1);
    const states = await db
      .selectFrom('storage_volumes')
      .select(['id', 'state', 'pending_size_gib', 'size_gib'])
      .execute();
    expect(states.filter((s) => s.state === 'creating' || s.state === 'deleting')).toEqual([]);
    expect(states.filter((s) => s.pending_size_gib !== null)).toEqual([]);
    expect((await row(half.id)).state).toBe('deleted');
    expect((await row(going.id)).state).toBe('deleted');
    expect(await row(growing.id)).toMatchObject({ state: 'available', size_gib: 2 });
    const snaps = await db
      .selectFrom('storage_snapshots')
      .select('state')
      .where('state', 'in', ['creating', 'deleting'])
      .execute();
    expect(snaps).toEqual([]);
    // The volume whose snapshot was interrupted keeps its data.
    expect(readFileSync(join(hostPath(base.id), 'keep'), 'utf8')).toBe('kept');
  });
});
