/**
 * On PostgreSQL the whole migration runs under one session advisory lock: an instance that
 * starts while another migrates waits for it (and then finds nothing to do), instead of racing
 * its CREATE TABLEs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, requirePostgres } from '@gpuaas/test-support';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../database.js';
import { MIGRATION_ADVISORY_LOCK } from './index.js';

const postgres = await requirePostgres('migrations under an advisory lock');

describe.skipIf(!postgres)('migrations on PostgreSQL', () => {
  it('wait while another session holds the migration lock, then run', async () => {
    const database = await createTestDatabase();
    const dataDir = await mkdtemp(join(tmpdir(), 'gpuaas-migrate-'));
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      await other.query('select pg_advisory_lock($1)', [MIGRATION_ADVISORY_LOCK]);
      let opened = false;
      const opening = createDatabase({ url: database.url, dataDir }).then((d) => ((opened = true), d));
      await new Promise((r) => setTimeout(r, 500));
      expect(opened).toBe(false);
      await other.query('select pg_advisory_unlock($1)', [MIGRATION_ADVISORY_LOCK]);
      const migrated = await opening;
      const tables = (await migrated.db.introspection.getTables()).map((t) => t.name);
      expect(tables).toContain('leases');
      await migrated.close();
    } finally {
      await other.end();
      await rm(dataDir, { recursive: true, force: true });
      await database.drop();
    }
  });
});
