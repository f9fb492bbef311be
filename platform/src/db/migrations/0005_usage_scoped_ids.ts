/**
 * Migration 0005: a usage event id is unique within its allocation, not across the platform. With
 * a global key, whoever could post an id first (another tenant, a stray service account) decided
 * what the runtime's later event under that id counted for; keyed by (allocation_id, id), an id
 * only ever meets events of its own allocation. Neither database can change a primary key in
 * place portably, so the table is rebuilt: new table, copy, drop, rename.
 */
import { sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { AnyDb } from './any-db.js';

const COLUMNS = sql.raw(
  'id, allocation_id, project_id, meter, quantity, unit, origin, source, occurred_at, received_at, reported_by',
);

async function createUsageTable(db: AnyDb, name: string, key: 'scoped' | 'global'): Promise<void> {
  let table = db.schema
    .createTable(name)
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('allocation_id', 'text', (c) => c.notNull().references('allocations.id'))
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('meter', 'text', (c) => c.notNull())
    .addColumn('quantity', 'text', (c) => c.notNull())
    .addColumn('unit', 'text')
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('reported_by', 'text', (c) => c.notNull());
  table =
    key === 'scoped'
      ? table.addPrimaryKeyConstraint(`${name}_pk`, ['allocation_id', 'id'])
      : table.addPrimaryKeyConstraint(`${name}_pk`, ['id']);
  await table.execute();
}

async function swap(db: AnyDb, next: string): Promise<void> {
  await db.schema.dropTable('usage_events').execute();
  await db.schema.alterTable(next).renameTo('usage_events').execute();
  await db.schema
    .createIndex('usage_events_allocation_idx')
    .on('usage_events')
    .columns(['allocation_id', 'meter'])
    .execute();
}

export const usageScopeMigration: Migration = {
  async up(db: AnyDb) {
    await createUsageTable(db, 'usage_events_scoped', 'scoped');
    await sql`insert into usage_events_scoped (${COLUMNS}) select ${COLUMNS} from usage_events`.execute(db);
    await swap(db, 'usage_events_scoped');
  },
  async down(db: AnyDb) {
    await createUsageTable(db, 'usage_events_global', 'global');
    // Ids that now repeat across allocations cannot all return under a global key: the first
    // allocation's (in id order) is kept, as a global key would have kept one of them.
    await sql`insert into usage_events_global (${COLUMNS})
      select ${COLUMNS} from usage_events u
      where not exists (
        select 1 from usage_events o where o.id = u.id and o.allocation_id < u.allocation_id
      )`.execute(db);
    await swap(db, 'usage_events_global');
  },
};
