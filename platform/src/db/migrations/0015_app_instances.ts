/**
 * Migration 0015: app instances. An instance is a catalog app installed in an allocation for as
 * long as it lives: created `pending` (its allocation still starting), `launching`, `running`,
 * then `failed` or `stopped`. Each launch period of an instance (its first launch, each upgrade)
 * stays one `app_launches` row with the prices in force during it, linked by `instance_id`, so
 * usage is still rated per launch row. Launch parameters are kept (a pending launch and an
 * upgrade need them); secrets only sealed (AES-256-GCM, apps/instance-secrets.ts), and dropped
 * when the instance ends.
 *
 * Existing catalog launches (those of a registered version) become one instance each, with the
 * launch's id as the instance id, so an instance id a client already holds keeps answering.
 */
import { sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { AnyDb } from './any-db.js';

interface LaunchToBackfill {
  id: string;
  allocation_id: string;
  project_id: string;
  version_id: string;
  launched_by: string;
  launched_at: string;
  ended_at: string | null;
  repository: string;
  manifest: string;
  publisher_name: string;
}

/** `publisher/app` as the catalog names it then (apps/catalog.ts catalogNameOf, frozen here). */
function catalogName(publisher: string, repository: string): string {
  const slash = repository.indexOf('/');
  return `${publisher}/${slash === -1 ? repository : repository.slice(slash + 1)}`;
}

function permissionsOf(manifest: string): string[] {
  try {
    const scopes = (JSON.parse(manifest) as { permissions?: { scopes?: unknown } } | null)?.permissions
      ?.scopes;
    return Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string').sort() : [];
  } catch {
    return [];
  }
}

export const appInstancesMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('app_instances')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
      // `publisher/app`.
      .addColumn('app', 'text', (c) => c.notNull())
      // The version installed now (the one an upgrade moved to).
      .addColumn('version_id', 'text', (c) => c.notNull().references('app_versions.id'))
      .addColumn('allocation_id', 'text', (c) => c.notNull().references('allocations.id'))
      .addColumn('state', 'text', (c) =>
        c.notNull().check(sql`state in ('pending', 'launching', 'running', 'failed', 'stopped')`),
      )
      // JSON {code, detail} of a failed instance.
      .addColumn('failure', 'text')
      .addColumn('channel', 'text', (c) => c.notNull().defaultTo('stable'))
      .addColumn('upgrades', 'text', (c) =>
        c
          .notNull()
          .defaultTo('manual')
          .check(sql`upgrades in ('manual', 'automatic')`),
      )
      // JSON arrays/objects; never a secret.
      .addColumn('accepted_permissions', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('parameters', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('sealed_secrets', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .execute();
    await db.schema
      .createIndex('app_instances_project_idx')
      .on('app_instances')
      .columns(['project_id', 'id'])
      .execute();
    // The pending launcher sweeps by state; an allocation's change finds its instances.
    await db.schema.createIndex('app_instances_state_idx').on('app_instances').column('state').execute();
    await db.schema
      .createIndex('app_instances_allocation_idx')
      .on('app_instances')
      .column('allocation_id')
      .execute();
    await db.schema.alterTable('app_launches').addColumn('instance_id', 'text').execute();
    await db.schema
      .createIndex('app_launches_instance_idx')
      .on('app_launches')
      .column('instance_id')
      .execute();

    const { rows } = await sql<LaunchToBackfill>`
      select l.id, l.allocation_id, l.project_id, l.version_id, l.launched_by, l.launched_at, l.ended_at,
             v.repository, v.manifest, p.name as publisher_name
      from app_launches l
      join app_versions v on v.id = l.version_id
      join projects p on p.id = v.project_id`.execute(db);
    for (const row of rows) {
      await sql`insert into app_instances
        (id, project_id, app, version_id, allocation_id, state, failure, channel, upgrades,
         accepted_permissions, parameters, sealed_secrets, created_by, created_at, updated_at, ended_at)
        values (${row.id}, ${row.project_id}, ${catalogName(row.publisher_name, row.repository)},
         ${row.version_id}, ${row.allocation_id}, ${row.ended_at === null ? 'running' : 'stopped'}, null,
         'stable', 'manual', ${JSON.stringify(permissionsOf(row.manifest))}, '{}', null, ${row.launched_by},
         ${row.launched_at}, ${row.ended_at ?? row.launched_at}, ${row.ended_at})`.execute(db);
    }
    await sql`update app_launches set instance_id = id where id in (select id from app_instances)`.execute(
      db,
    );
  },
  async down(db: AnyDb) {
    await db.schema.dropIndex('app_launches_instance_idx').execute();
    await db.schema.alterTable('app_launches').dropColumn('instance_id').execute();
    await db.schema.dropTable('app_instances').execute();
  },
};
