/**
 * Shared by the catalog launch tests: a manifest with a workload profile and a secret
 * parameter, a dump of every database row (to prove a secret is stored nowhere in clear), and
 * polling an instance until it reaches a state.
 */
import { sql } from 'kysely';
import type { TestDialect } from '@gpuaas/test-support';
import type { AppInstance } from '../apps/instances.js';
import type { FakeNode } from '../testing/fake-node.js';
import type { TestPlatform } from '../testing/harness.js';

export const profiled = (name: string, resources: Record<string, unknown>) => ({
  name,
  resources,
  parameters: {
    model: { type: 'string', enum: ['small', 'large'] },
    token: { type: 'string', secret: true, minLength: 8 },
  },
  permissions: { scopes: ['projects:read'] },
  endpoints: [{ name: 'api', port: 8000, protocol: 'http' }],
});

/** Every row of every table, as text: a secret stored anywhere in clear shows up here. */
export async function everyRow(t: TestPlatform, dialect: TestDialect): Promise<string> {
  const tables =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(
          t.platform.db,
        )
      : await sql<{
          name: string;
        }>`select tablename as name from pg_tables where schemaname = current_schema()`.execute(
          t.platform.db,
        );
  const dumps: string[] = [];
  for (const { name } of tables.rows) {
    const rows = await sql`select * from ${sql.table(name)}`.execute(t.platform.db);
    dumps.push(JSON.stringify(rows.rows, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
  }
  return dumps.join('\n');
}

/** Polls `GET /v1/apps/instances/{id}` (beating the node between tries) until `done` holds. */
export async function instanceWhen(
  t: TestPlatform,
  token: string,
  id: string,
  done: (i: AppInstance) => boolean,
  node?: FakeNode,
): Promise<AppInstance> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const instance = (await (await t.request(`/v1/apps/instances/${id}`, { token })).json()) as AppInstance;
    if (done(instance)) return instance;
    if (Date.now() > deadline) throw new Error(`instance ${id} stayed ${JSON.stringify(instance)}`);
    await node?.beat();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
