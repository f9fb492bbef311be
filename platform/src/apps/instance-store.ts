/**
 * App instances as stored (`app_instances`, migration 0015): create, read, move between states
 * and end. States: `pending` (its allocation is still starting) → `launching` (the runtime is
 * being asked) → `running`, or `failed` with {code, detail}; `stopped` once stopped, uninstalled
 * or replaced. A move names the states it may leave (compare-and-set), so two launchers — two
 * platform processes, or the event and the sweep — never both launch one instance. Ending an
 * instance ends its open launch period and drops its sealed secrets (apps/launcher.ts
 * endLaunches, which also ends the instance of a launch a relaunch or revocation ends).
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AppInstanceState, Tables } from '../db/schema.js';
import { isoTime } from '../ids.js';
import { endLaunches } from './launcher.js';

export type InstanceRow = Selectable<Tables['app_instances']>;
export type LaunchRow = Selectable<Tables['app_launches']>;
export interface InstanceFailure {
  code: string;
  detail: string;
}
type Db = Kysely<Tables> | Transaction<Tables>;

export interface NewInstance {
  id: string;
  projectId: string;
  /** `publisher/app`. */
  app: string;
  versionId: string;
  allocationId: string;
  state: 'pending' | 'launching' | 'running';
  channel?: string | undefined;
  upgrades?: 'manual' | 'automatic' | undefined;
  acceptedPermissions: readonly string[];
  /** Never a secret (those go sealed in `sealedSecrets`). */
  parameters: Record<string, unknown>;
  sealedSecrets: string | null;
  /** `user:<id>` / `service_account:<id>`. */
  createdBy: string;
}

export async function insertInstance(db: Db, input: NewInstance): Promise<InstanceRow> {
  const now = isoTime();
  const row: InstanceRow = {
    id: input.id,
    project_id: input.projectId,
    app: input.app,
    version_id: input.versionId,
    allocation_id: input.allocationId,
    state: input.state,
    failure: null,
    channel: input.channel ?? 'stable',
    upgrades: input.upgrades ?? 'manual',
    accepted_permissions: JSON.stringify([...input.acceptedPermissions].sort()),
    parameters: JSON.stringify(input.parameters),
    sealed_secrets: input.sealedSecrets,
    created_by: input.createdBy,
    created_at: now,
    updated_at: now,
    ended_at: null,
  };
  await db.insertInto('app_instances').values(row).execute();
  return row;
}

export async function instanceRow(db: Db, id: string): Promise<InstanceRow | undefined> {
  return db.selectFrom('app_instances').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Moves the instance from one of `from` to `to` (with `patch`, e.g. a new version_id); false
 * when it was in none of them (someone else moved it first).
 */
export async function moveInstance(
  db: Db,
  id: string,
  from: readonly AppInstanceState[],
  to: 'launching' | 'running' | 'pending',
  patch: Partial<
    Pick<InstanceRow, 'version_id' | 'parameters' | 'sealed_secrets' | 'accepted_permissions'>
  > = {},
): Promise<boolean> {
  const result = await db
    .updateTable('app_instances')
    .set({ ...patch, state: to, updated_at: isoTime() })
    .where('id', '=', id)
    .where('state', 'in', [...from])
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Ends the instance — `stopped`, or `failed` with its failure — with its open launch period (and
 * that period's billing hold), dropping its sealed secrets. An instance already ended stays as it
 * is. The runtime is not called here: stopping the app first is the caller's.
 */
export async function endInstance(
  db: Db,
  id: string,
  outcome: { state: 'stopped' } | { state: 'failed'; failure: InstanceFailure },
  at = isoTime(),
): Promise<void> {
  await endLaunches(db, { instanceId: id }, at, { outcome });
}

/** The instance's failure, parsed; null unless failed. */
export function failureOf(row: Pick<InstanceRow, 'failure'>): InstanceFailure | null {
  return row.failure === null ? null : (JSON.parse(row.failure) as InstanceFailure);
}

/** The instance's launch period in force (else its latest one); undefined before its first launch. */
export async function currentLaunch(db: Db, instanceId: string): Promise<LaunchRow | undefined> {
  return db
    .selectFrom('app_launches')
    .selectAll()
    .where('instance_id', '=', instanceId)
    .orderBy('launched_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/** Instances not yet launched whose allocation is `allocationId` (or all, for the sweep). */
export async function pendingInstances(db: Db, allocationId?: string): Promise<InstanceRow[]> {
  let query = db.selectFrom('app_instances').selectAll().where('state', '=', 'pending');
  if (allocationId !== undefined) query = query.where('allocation_id', '=', allocationId);
  return query.orderBy('created_at').execute();
}
