/**
 * Uninstalling an app instance (`DELETE /v1/apps/instances/{id}`) and choosing how it follows
 * new versions (`PATCH`). Uninstall asks the allocation's runtime to stop the app, run its
 * uninstall hook and remove its files — only while this instance is the allocation's app (a
 * later launch into the same allocation owns the files now) — then ends the instance.
 */
import type { Kysely } from 'kysely';
import type { components } from '@gpuaas/platform-contract';
import { callRuntime } from '../allocations/runtime-client.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { isoTime } from '../ids.js';
import { endInstance } from './instance-store.js';
import type { InstanceRow } from './instance-store.js';
import { instanceView } from './instance-view.js';
import type { AppInstance } from './instance-view.js';
import { runtimeOf } from './launcher.js';
import type { LaunchServices } from './launcher.js';

export type AppInstanceUpdate = components['schemas']['AppInstanceUpdate'];

/** Whether the allocation's latest launch is this instance's (so its files are the app's there). */
async function ownsAllocation(db: Kysely<Tables>, row: InstanceRow): Promise<boolean> {
  const latest = await db
    .selectFrom('app_launches')
    .select('instance_id')
    .where('allocation_id', '=', row.allocation_id)
    .orderBy('launched_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return latest !== undefined && latest.instance_id === row.id;
}

/**
 * Stops and removes the app from its allocation when it is still the allocation's app and the
 * allocation runs, then ends the instance. True when the runtime removed it.
 */
export async function uninstallInstance(s: LaunchServices, row: InstanceRow): Promise<boolean> {
  const allocation = await s.db
    .selectFrom('allocations')
    .leftJoin('nodes', 'nodes.id', 'allocations.node_id')
    .selectAll('allocations')
    .select(['nodes.status as node_status', 'nodes.runtime_certificate_sha256 as node_certificate_sha256'])
    .where('allocations.id', '=', row.allocation_id)
    .executeTakeFirstOrThrow();
  const removing = allocation.state === 'running' && (await ownsAllocation(s.db, row));
  if (removing) {
    await callRuntime(runtimeOf(allocation), {
      method: 'POST',
      path: '/v1/app/uninstall',
      timeoutMs: 10 * 60_000,
    });
  }
  if (row.ended_at === null) await endInstance(s.db, row.id, { state: 'stopped' }, isoTime());
  return removing;
}

/** Sets the channel the instance follows and its upgrade mode; APP_INSTANCE_STATE_CONFLICT once ended. */
export async function updateInstance(
  s: Pick<LaunchServices, 'db' | 'tokens'>,
  row: InstanceRow,
  body: AppInstanceUpdate,
): Promise<AppInstance> {
  if (row.ended_at !== null) {
    throw new PlatformError('APP_INSTANCE_STATE_CONFLICT', `app instance ${row.id} has ended (${row.state})`);
  }
  await s.db
    .updateTable('app_instances')
    .set({
      ...(body.channel === undefined ? {} : { channel: body.channel }),
      ...(body.upgrades === undefined ? {} : { upgrades: body.upgrades }),
      updated_at: isoTime(),
    })
    .where('id', '=', row.id)
    .execute();
  const updated = await s.db
    .selectFrom('app_instances')
    .selectAll()
    .where('id', '=', row.id)
    .executeTakeFirstOrThrow();
  return instanceView(s, updated);
}
