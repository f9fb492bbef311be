/**
 * Who the platform acts as when it launches or upgrades an instance on its own (a pending launch
 * once its allocation runs, an automatic upgrade in a channel): the instance's creator, as they
 * stand now, so a member who left the project or a revoked account starts nothing.
 */
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { currentStanding } from '../auth/standing.js';
import type { UserDirectory } from '../auth/standing.js';
import type { Tables } from '../db/schema.js';
import type { InstanceRow } from './instance-store.js';

export async function creatorPrincipal(
  db: Kysely<Tables>,
  users: UserDirectory,
  row: Pick<InstanceRow, 'created_by' | 'project_id'>,
): Promise<Principal> {
  const colon = row.created_by.indexOf(':');
  const type = row.created_by.slice(0, colon);
  const id = row.created_by.slice(colon + 1);
  if (type === 'user') {
    return currentStanding(db, users, { type: 'user', id, operator: false, scopes: undefined });
  }
  const account = await db
    .selectFrom('service_accounts')
    .select(['project_id', 'scopes'])
    .where('id', '=', id)
    .executeTakeFirst();
  return currentStanding(db, users, {
    type: 'service_account',
    id,
    projectId: account?.project_id ?? row.project_id,
    scopes: (account?.scopes ?? '').split(' ').filter(Boolean),
    issuedAt: Math.floor(Date.now() / 1000),
  });
}
