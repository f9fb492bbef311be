/**
 * Charges app usage as it is stored: the usage service calls this in the transaction that stores
 * a batch, so an event is charged exactly when it is stored — once (the rater deduplicates by
 * (launch, event id) too) and never lost. The prices are those of the launch in force when the
 * event happened (`app_launches`, written by the app registry at launch).
 */
import type { Transaction } from 'kysely';
import { launchInForce, launchesDb, launchesOf } from '../billing/app-launches.js';
import type { AppLaunchRow } from '../billing/app-launches.js';
import { appPricingOf, chargeableEvents } from '../billing/app-pricing.js';
import type { StoredUsageEvent } from '../billing/app-pricing.js';
import type { BillingDb } from '../billing/db.js';
import { rateUsageEvents } from '../billing/usage-rater.js';
import type { RatedUsageEvent } from '../billing/usage-rater.js';

/**
 * Rates the newly stored events of an allocation, each at the prices of the launch in force when
 * it happened, in the caller's transaction. Events of meters without a price are left uncharged;
 * events from before any priced launch charge nothing.
 */
export async function rateAppUsage<DB>(
  trx: Transaction<DB>,
  allocation: { allocationId: string; projectId: string },
  events: readonly StoredUsageEvent[],
  at: string,
): Promise<RatedUsageEvent[]> {
  if (events.length === 0) return [];
  const launches = await launchesOf(launchesDb(trx), allocation.allocationId);
  if (launches.length === 0) return [];
  const byLaunch = new Map<AppLaunchRow, StoredUsageEvent[]>();
  for (const event of events) {
    const launch = launchInForce(launches, event.occurredAt);
    if (launch === undefined) continue;
    const group = byLaunch.get(launch);
    if (group === undefined) byLaunch.set(launch, [event]);
    else group.push(event);
  }
  const rated: RatedUsageEvent[] = [];
  for (const [launch, group] of byLaunch) {
    const pricing = appPricingOf(
      { launchId: launch.id, allocationId: allocation.allocationId, projectId: allocation.projectId },
      launch.pricing,
    );
    if (pricing === null) continue;
    const priced = chargeableEvents(pricing, group);
    if (priced.length === 0) continue;
    // The platform's transaction seen as billing's (Kysely's table maps are invariant; billing
    // touches only its own tables).
    rated.push(...(await rateUsageEvents(trx as unknown as BillingDb, pricing.launch, priced, at)));
  }
  return rated;
}
