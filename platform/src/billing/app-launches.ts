/**
 * What billing reads of the app registry's tables (migration 0011): each launch with the prices
 * it was launched with, and the version it launched (for the publisher's earnings by app and
 * version). Typed here by the columns billing uses, so billing does not depend on the rest of
 * their shape.
 */
import type { Kysely, Transaction } from 'kysely';

export interface AppLaunchRow {
  id: string;
  allocation_id: string;
  project_id: string;
  version_id: string | null;
  launched_at: string;
  ended_at: string | null;
  /** JSON (app-pricing.ts `StoredLaunchPricing`); null for a launch without prices. */
  pricing: string | null;
}

export interface AppVersionRow {
  id: string;
  /** The publisher project. */
  project_id: string;
  app: string;
  version: string;
}

/** The usage events' columns the publisher's earnings read (when each event happened). */
export interface StoredUsageRow {
  id: string;
  allocation_id: string;
  occurred_at: string;
}

export interface AppLaunchTables {
  app_launches: AppLaunchRow;
  app_versions: AppVersionRow;
  usage_events: StoredUsageRow;
}

/** The platform's database (or a transaction) seen through the app tables billing reads. */
export function launchesDb<DB>(db: Kysely<DB> | Transaction<DB>): Kysely<AppLaunchTables> {
  return db as unknown as Kysely<AppLaunchTables>;
}

/** Every launch of the allocation, oldest first (an allocation runs a handful at most). */
export async function launchesOf(db: Kysely<AppLaunchTables>, allocationId: string): Promise<AppLaunchRow[]> {
  return db
    .selectFrom('app_launches')
    .select(['id', 'allocation_id', 'project_id', 'version_id', 'launched_at', 'ended_at', 'pricing'])
    .where('allocation_id', '=', allocationId)
    .orderBy('launched_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

/**
 * The launch in force when something happened at `when`: the newest launched at or before it,
 * ended or not — the runtime flushes an app's last usage after the app stopped, and that usage
 * is still the stopped launch's, at its prices. Undefined before the first launch.
 */
export function launchInForce(launches: readonly AppLaunchRow[], when: string): AppLaunchRow | undefined {
  const time = Date.parse(when);
  let found: AppLaunchRow | undefined;
  for (const launch of launches) {
    if (Date.parse(launch.launched_at) <= time) found = launch;
    else break;
  }
  return found;
}
