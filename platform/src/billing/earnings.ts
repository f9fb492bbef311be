/**
 * A publisher's earnings: what its apps earned in a month (UTC), and its statement for that month.
 *
 * - `payable`: the balance of the publisher's earnings account now (credits − debits).
 * - By app, version and meter: the rated usage events of the publisher's launches (each event's
 *   exact charge and platform fee, `billing_rated_events`) that happened in the month.
 * - The month's ledger lines: every posted transfer on the payable account whose month is this
 *   one — the month of its usage (`period_start`), else when it was posted — with the opening
 *   balance (all earlier months) and the closing balance. App usage credits the account with the
 *   publisher's share; a refund of app usage takes it back.
 *
 * The totals of the rated events and of the ledger agree to the micro: the rater posts, per batch
 * and month, one publisher transfer carrying the sum of the events' shares, with the month's
 * earliest event as its period. Publisher statements are computed, never closed: closed
 * statements record each transfer once (`billing_statement_lines` is keyed by transfer), and an
 * app-usage transfer is on the tenant's statement already.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { ACCOUNTS } from './accounts.js';
import type { AppLaunchTables } from './app-launches.js';
import { appPricingOf, HOURLY_METER } from './app-pricing.js';
import { asBillingDb, int64Text } from './db.js';
import { toMicros } from './money.js';
import type { BillingTables } from './schema.js';
import { parsePeriod } from './statement-period.js';
import { selectTransfers, toTransfer } from './transfers.js';
import type { Transfer } from './transfers.js';

export type EarningsDb = Kysely<BillingTables & AppLaunchTables>;

export interface EarningsLine {
  versionId: string | null;
  app: string | null;
  version: string | null;
  /** The app's meter, or `hourly` for its hourly price (ready time). */
  meter: string;
  events: number;
  /** What tenants were charged: earned + fee. */
  charged: bigint;
  fee: bigint;
  earned: bigint;
}

export interface LedgerLine {
  transfer: Transfer;
  /** Signed: + credits the publisher. */
  amount: bigint;
}

export interface PublisherEarnings {
  projectId: string;
  currency: string;
  period: string;
  payable: bigint;
  opening: bigint;
  closing: bigint;
  totals: {
    /** Publisher share of app usage in the month, from the ledger. */
    earned: bigint;
    /** App-usage refunds taken back from the publisher in the month. */
    refunded: bigint;
    /** The platform's fee on the month's rated usage. */
    feesWithheld: bigint;
    /** What tenants were charged for the month's rated usage (earned + fees). */
    charged: bigint;
    /** closing − opening. */
    net: bigint;
  };
  byApp: EarningsLine[];
  lines: LedgerLine[];
}

/** Launch ids per query (keeps parameters within every driver's limits). */
const CHUNK = 500;

/** The launches whose prices credit this publisher, with the version each launched. */
async function publisherLaunches(
  db: EarningsDb,
  projectId: string,
  currency: string,
): Promise<Map<string, { versionId: string | null; app: string | null; version: string | null }>> {
  const rows = await db
    .selectFrom('app_launches')
    .leftJoin('app_versions', 'app_versions.id', 'app_launches.version_id')
    .select([
      'app_launches.id as id',
      'app_launches.allocation_id as allocation_id',
      'app_launches.project_id as project_id',
      'app_launches.pricing as pricing',
      'app_launches.version_id as version_id',
      'app_versions.app as app',
      'app_versions.version as version',
    ])
    .where('app_launches.pricing', 'is not', null)
    // Priced launches come from registered versions; the pricing below decides.
    .where((eb) =>
      eb.or([eb('app_versions.project_id', '=', projectId), eb('app_launches.version_id', 'is', null)]),
    )
    .execute();
  const launches = new Map<
    string,
    { versionId: string | null; app: string | null; version: string | null }
  >();
  for (const row of rows) {
    // The pricing names the publisher that each launch's usage credits: the source of truth.
    let pricing;
    try {
      pricing = appPricingOf(
        { launchId: row.id, allocationId: row.allocation_id, projectId: row.project_id },
        row.pricing,
      );
    } catch {
      continue;
    }
    if (pricing?.launch.publisherId !== projectId || pricing.launch.currency !== currency) continue;
    launches.set(row.id, { versionId: row.version_id, app: row.app, version: row.version });
  }
  return launches;
}

async function earningsByApp(
  db: EarningsDb,
  launches: Awaited<ReturnType<typeof publisherLaunches>>,
  period: { start: string; end: string },
): Promise<EarningsLine[]> {
  const ids = [...launches.keys()];
  const lines = new Map<string, EarningsLine>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .selectFrom('billing_rated_events as re')
      .innerJoin('app_launches as l', 'l.id', 're.launch_id')
      .innerJoin('usage_events as u', (join) =>
        join.onRef('u.allocation_id', '=', 'l.allocation_id').onRef('u.id', '=', 're.event_id'),
      )
      .select([
        're.launch_id as launch_id',
        're.meter as meter',
        sql<string>`cast(count(*) as text)`.as('events'),
        sql<string>`cast(coalesce(sum(re.charge_micros), 0) as text)`.as('charged'),
        sql<string>`cast(coalesce(sum(re.fee_micros), 0) as text)`.as('fee'),
      ])
      .where('re.launch_id', 'in', ids.slice(i, i + CHUNK))
      .where('u.occurred_at', '>=', period.start)
      .where('u.occurred_at', '<', period.end)
      .groupBy(['re.launch_id', 're.meter'])
      .execute();
    for (const row of rows) {
      const launch = launches.get(row.launch_id);
      const meter = row.meter === HOURLY_METER ? 'hourly' : row.meter;
      const key = `${launch?.versionId ?? ''}\u0000${row.meter}`;
      const line = lines.get(key) ?? {
        versionId: launch?.versionId ?? null,
        app: launch?.app ?? null,
        version: launch?.version ?? null,
        meter,
        events: 0,
        charged: 0n,
        fee: 0n,
        earned: 0n,
      };
      const charged = toMicros(row.charged);
      const fee = toMicros(row.fee);
      line.events += Number(row.events);
      line.charged += charged;
      line.fee += fee;
      line.earned += charged - fee;
      lines.set(key, line);
    }
  }
  return [...lines.values()].sort(
    (a, b) =>
      (a.app ?? '').localeCompare(b.app ?? '') ||
      (a.version ?? '').localeCompare(b.version ?? '') ||
      a.meter.localeCompare(b.meter),
  );
}

/** The month of a payable-account transfer: its usage's, else when it was posted. */
const MONTH_OF = sql<string>`coalesce(period_start, created_at)`;

export async function publisherEarnings(
  db: EarningsDb,
  key: { projectId: string; currency: string; period: string },
): Promise<PublisherEarnings> {
  const bounds = parsePeriod(key.period);
  const account = ACCOUNTS.publisherPayable(key.projectId, key.currency).id;
  const touching = () =>
    selectTransfers(asBillingDb(db))
      .where((eb) => eb.or([eb('debit_account_id', '=', account), eb('credit_account_id', '=', account)]))
      .where('kind', 'in', ['single', 'post'])
      .where(sql<boolean>`amount > 0`);
  const signed = (t: Transfer) => (t.creditAccountId === account ? t.amount : -t.amount);

  const balance = await db
    .selectFrom('billing_balances')
    .select([int64Text('credits_posted').as('credits'), int64Text('debits_posted').as('debits')])
    .where('account_id', '=', account)
    .executeTakeFirst();
  const payable = balance === undefined ? 0n : toMicros(balance.credits) - toMicros(balance.debits);

  const before = await db
    .selectFrom('billing_transfers')
    .select([
      sql<string>`cast(coalesce(sum(case when credit_account_id = ${account} then amount else 0 end), 0) as text)`.as(
        'credits',
      ),
      sql<string>`cast(coalesce(sum(case when debit_account_id = ${account} then amount else 0 end), 0) as text)`.as(
        'debits',
      ),
    ])
    .where((eb) => eb.or([eb('debit_account_id', '=', account), eb('credit_account_id', '=', account)]))
    .where('kind', 'in', ['single', 'post'])
    .where(MONTH_OF, '<', bounds.start)
    .executeTakeFirstOrThrow();
  const opening = toMicros(before.credits) - toMicros(before.debits);

  const rows = await touching()
    .where(MONTH_OF, '>=', bounds.start)
    .where(MONTH_OF, '<', bounds.end)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const lines = rows.map(toTransfer).map((transfer) => ({ transfer, amount: signed(transfer) }));
  const net = lines.reduce((sum, l) => sum + l.amount, 0n);
  const earned = lines
    .filter((l) => l.transfer.category === 'app_usage' && l.amount > 0n)
    .reduce((sum, l) => sum + l.amount, 0n);
  const refunded = lines
    .filter((l) => l.transfer.category === 'refund' && l.amount < 0n)
    .reduce((sum, l) => sum - l.amount, 0n);

  const byApp = await earningsByApp(db, await publisherLaunches(db, key.projectId, key.currency), bounds);
  const feesWithheld = byApp.reduce((sum, l) => sum + l.fee, 0n);
  const charged = byApp.reduce((sum, l) => sum + l.charged, 0n);
  return {
    ...key,
    payable,
    opening,
    closing: opening + net,
    totals: { earned, refunded, feesWithheld, charged, net },
    byApp,
    lines,
  };
}
