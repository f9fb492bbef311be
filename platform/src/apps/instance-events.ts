/**
 * App instance lifecycle on the platform's event stream (asyncapi.yaml, channel `apps`): the
 * `app_instance.*` events, about subject `app_instance/<instance id>`, whose data always names
 * the instance, its current launch period, the allocation, the app and the version. Most come
 * from the runtime through the AppInstanceWatcher (apps/instance-watcher.ts); the upgrade path
 * publishes `app_instance.upgrade_available` itself. They reach the members and viewers of the
 * instance's project and operators, as every project event does (events/subscription.ts).
 */
import { createHash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Tables } from '../db/schema.js';
import type { EventBus, PlatformEvent } from '../events/bus.js';

export const APP_INSTANCE_EVENT_TYPES = [
  'app_instance.state_changed',
  'app_instance.hook_failed',
  'app_instance.probe_changed',
  'app_instance.upgraded',
  'app_instance.upgrade_available',
] as const;
export type AppInstanceEventType = (typeof APP_INSTANCE_EVENT_TYPES)[number];

type LaunchRow = Selectable<Tables['app_launches']>;

/**
 * The instance a launch period belongs to. Catalog launches name it (`instance_id`, migration
 * 0015); a launch by reference, or one recorded before instances existed, is its own instance.
 */
export function instanceIdOf(row: { id: string; instance_id?: string | null }): string {
  return row.instance_id ?? row.id;
}

export interface InstanceEventInput {
  type: AppInstanceEventType;
  /** The launch period the event happened in (for the instance, the allocation and the project). */
  launch: Pick<LaunchRow, 'id' | 'allocation_id' | 'project_id' | 'version_id'> & {
    instance_id?: string | null;
  };
  /** The version it is about when known better than the launch's (the runtime's own word). */
  version?: string | undefined;
  /** The type's own fields (asyncapi.yaml AppInstanceEventData). */
  data: Record<string, unknown>;
  /**
   * For an event seen from outside (a runtime's): what identifies it and when it happened there.
   * Its id is derived from them, so every platform instance that sees it records it once.
   */
  once?: { key: string; at: number };
}

/**
 * Records an `app_instance.*` event with `db`. Outside a transaction it is delivered to this
 * instance's streams at once; inside one, deliver the returned event after the commit (other
 * instances' pollers pick it up either way). Undefined when `once` found it recorded already.
 */
export async function publishInstanceEvent(
  bus: EventBus,
  db: Kysely<Tables>,
  input: InstanceEventInput,
): Promise<PlatformEvent | undefined> {
  const { launch } = input;
  const instanceId = instanceIdOf(launch);
  const version =
    launch.version_id === null
      ? undefined
      : await db
          .selectFrom('app_versions')
          .select(['app', 'version'])
          .where('id', '=', launch.version_id)
          .executeTakeFirst();
  const event = {
    type: input.type,
    subject: `app_instance/${instanceId}`,
    project_id: launch.project_id,
    data: {
      ...typeData(input),
      instance_id: instanceId,
      launch_id: launch.id,
      allocation_id: launch.allocation_id,
      app: version?.app ?? null,
      version: input.version ?? version?.version ?? null,
    },
  };
  const published =
    input.once === undefined
      ? await bus.publish(db, event)
      : await bus.publishOnce(db, { ...event, id: derivedEventId(input.once.key, input.once.at) });
  if (published !== undefined && !db.isTransaction) bus.deliver(published);
  return published;
}

/**
 * The type's own fields. `version` is every event's running version, so the version an
 * `upgrade_available` offers is `available_version` (also when a caller passed it as `version`).
 */
function typeData(input: InstanceEventInput): Record<string, unknown> {
  const { version, ...rest } = input.data;
  if (input.type !== 'app_instance.upgrade_available' || version === undefined) return rest;
  return { available_version: version, ...rest };
}

/**
 * A UUIDv7 whose time is `at` (so it sorts with the ids around it) and whose other bits are a
 * hash of `key`: the same outside event gets the same id on every platform instance.
 */
export function derivedEventId(key: string, at: number): string {
  const bytes = createHash('sha256').update(key).digest().subarray(0, 16);
  bytes.writeUIntBE(Math.max(0, Math.min(at, 2 ** 48 - 1)), 0, 6);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
