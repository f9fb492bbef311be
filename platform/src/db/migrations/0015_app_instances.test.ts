/**
 * Migration 0015 on a database that already holds launches: each catalog launch (one of a
 * registered version) becomes an instance under the launch's own id — running while the launch
 * is, stopped once it ended — linked back through `app_launches.instance_id`; a launch by
 * reference (no version) stays without one.
 */
import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { createTestStore, testDialects } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../database.js';
import type { PlatformDatabase } from '../database.js';
import { MIGRATIONS, migrateToLatest } from './index.js';

const dialects = await testDialects('migration 0015');
const AT = '2026-12-01T10:00:00.000Z';
const ENDED = '2026-12-01T11:00:00.000Z';

describe.each(dialects)('migration 0015 (app instances) on %s', (dialect) => {
  let store: TestStore;
  let database: PlatformDatabase;

  beforeAll(async () => {
    store = await createTestStore(dialect);
    database = await createDatabase({ url: store.databaseUrl, dataDir: store.dataDir, migrate: false });
    const before = MIGRATIONS.slice(
      0,
      MIGRATIONS.findIndex((m) => m.name === '0015_app_instances'),
    );
    const { error } = await new Migrator({
      db: database.db,
      provider: {
        getMigrations: () => Promise.resolve(Object.fromEntries(before.map((m) => [m.name, m.migration]))),
      },
    }).migrateToLatest();
    if (error !== undefined) throw error as Error;
  });
  afterAll(async () => {
    await database?.close();
    await store?.drop();
  });

  it('backfills an instance per catalog launch, under the launch id', async () => {
    const db = database.db;
    await sql`insert into organizations (id, name, created_at, updated_at) values ('o1', 'org', ${AT}, ${AT})`.execute(
      db,
    );
    for (const [id, name] of [
      ['p-pub', 'acme'],
      ['p-ten', 'lab'],
    ]) {
      await sql`insert into projects (id, organization_id, name, created_at, updated_at)
        values (${id}, 'o1', ${name}, ${AT}, ${AT})`.execute(db);
    }
    await sql`insert into allocations (id, project_id, state, state_reason, priority, gpu_count, models, topology, gpus, created_at, updated_at)
      values ('a1', 'p-ten', 'running', 'runtime_ready', 100, 1, '[]', 'node', '[]', ${AT}, ${AT})`.execute(
      db,
    );
    const manifest = JSON.stringify({
      name: 'echo',
      permissions: { scopes: ['usage:write', 'projects:read'] },
    });
    await sql`insert into app_versions (id, project_id, registry, repository, digest, app, version, state, manifest, submitted_by, submitted_at, updated_at)
      values ('v1', 'p-pub', 'reg:5000', 'acme/echo', 'sha256:1', 'echo', '1.0.0', 'published', ${manifest}, 'u', ${AT}, ${AT})`.execute(
      db,
    );
    const launch = (id: string, versionId: string | null, endedAt: string | null) =>
      sql`insert into app_launches (id, allocation_id, project_id, version_id, reference, digest, launched_by, launched_at, ended_at)
        values (${id}, 'a1', 'p-ten', ${versionId}, 'ref', 'sha256:1', 'user:u1', ${AT}, ${endedAt})`.execute(
        db,
      );
    await launch('l-old', 'v1', ENDED);
    await launch('l-now', 'v1', null);
    await launch('l-ref', null, null);

    await migrateToLatest(db);

    const instances = await db.selectFrom('app_instances').selectAll().orderBy('id').execute();
    expect(instances).toEqual([
      expect.objectContaining({
        id: 'l-now',
        app: 'acme/echo',
        version_id: 'v1',
        allocation_id: 'a1',
        state: 'running',
        channel: 'stable',
        upgrades: 'manual',
        accepted_permissions: '["projects:read","usage:write"]',
        parameters: '{}',
        sealed_secrets: null,
        created_by: 'user:u1',
        ended_at: null,
      }),
      expect.objectContaining({ id: 'l-old', state: 'stopped', ended_at: ENDED, updated_at: ENDED }),
    ]);
    const links = await db.selectFrom('app_launches').select(['id', 'instance_id']).orderBy('id').execute();
    expect(links).toEqual([
      { id: 'l-now', instance_id: 'l-now' },
      { id: 'l-old', instance_id: 'l-old' },
      { id: 'l-ref', instance_id: null },
    ]);
  });
});
