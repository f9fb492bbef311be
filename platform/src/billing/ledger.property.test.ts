/**
 * Conservation of money under random histories: transfers, holds (place, post for less, void),
 * refunds, usage batches with duplicated and reordered events, retries of everything and
 * crashed transactions. A model predicts each outcome; afterwards every account matches the
 * model, the ledger sums to zero, every usage event was rated exactly once, and replaying the
 * same history changes nothing while replaying it elsewhere gives the same balances.
 */
import fc from 'fast-check';
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, getBalance, openAccounts } from './accounts.js';
import { checkLedger } from './check.js';
import type { BillingDb } from './db.js';
import { isBillingError } from './errors.js';
import { createPendingTransfer, createTransfer, postPendingTransfer, voidPendingTransfer } from './ledger.js';
import { refund, topUp } from './operations.js';
import { emptyCarry, parseQuantity, QUANTITY_SCALE, rateUsage } from './rating.js';
import type { MeterPrice, UsageCarry } from './rating.js';
import { openBillingTestDb } from './testing.js';
import type { BillingTestDb } from './testing.js';
import { rateUsageEvents } from './usage-rater.js';
import type { LaunchPricing } from './usage-rater.js';

const dialects = await testDialects('billing ledger properties');
const RUNS = { sqlite: 60, postgres: 15 } as const;

const PROJECTS = 3;
const LAUNCHES = 2;
const METERS: Record<string, MeterPrice> = {
  tokens: { micros: 3n, perUnits: 7n },
  images: { micros: 5_000n },
};
const amountArb = fc.bigInt({ min: 1n, max: 120n });

type Op =
  | { t: 'topup'; project: number; amount: bigint }
  | { t: 'charge'; project: number; amount: bigint; overdraft: boolean }
  | { t: 'hold'; project: number; amount: bigint }
  | { t: 'post'; hold: number; amount: bigint }
  | { t: 'void'; hold: number }
  | { t: 'refund'; charge: number; amount: bigint }
  | { t: 'usage'; launch: number; events: { id: number; meter: string; quantity: string }[] };

/** Each event id always carries the same meter and quantity (as a runtime's retries do). */
const eventOf = (id: number) => ({
  id,
  meter: id % 3 === 0 ? 'images' : 'tokens',
  quantity: id % 3 === 0 ? String(id % 4) : `${(id * 37) % 1000}.${id % 10}`,
});

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    t: fc.constant('topup' as const),
    project: fc.nat(PROJECTS - 1),
    amount: fc.bigInt({ min: 1n, max: 300n }),
  }),
  fc.record({
    t: fc.constant('charge' as const),
    project: fc.nat(PROJECTS - 1),
    amount: amountArb,
    overdraft: fc.boolean(),
  }),
  fc.record({ t: fc.constant('hold' as const), project: fc.nat(PROJECTS - 1), amount: amountArb }),
  // hold and charge: how many ops back the target is (resolved to an index in historyArb).
  fc.record({ t: fc.constant('post' as const), hold: fc.nat(3), amount: fc.bigInt({ min: 0n, max: 130n }) }),
  fc.record({ t: fc.constant('void' as const), hold: fc.nat(3) }),
  fc.record({
    t: fc.constant('refund' as const),
    charge: fc.nat(3),
    amount: fc.bigInt({ min: 1n, max: 60n }),
  }),
  fc.record({
    t: fc.constant('usage' as const),
    launch: fc.nat(LAUNCHES - 1),
    events: fc.array(fc.nat(25).map(eventOf), { minLength: 1, maxLength: 6 }),
  }),
);

/** A hold or charge with what usually follows it, so that resolutions and refunds succeed too. */
const lifecycleArb: fc.Arbitrary<Op[]> = fc
  .record({
    project: fc.nat(PROJECTS - 1),
    hold: amountArb,
    post: fc.bigInt({ min: 0n, max: 130n }),
    then: fc.constantFrom('post', 'void', 'post-post', 'post-void', 'refund', 'refund-refund'),
  })
  .map(({ project, hold, post, then }): Op[] => {
    const funds: Op = { t: 'topup', project, amount: 150n };
    if (then.startsWith('refund')) {
      const refunds: Op[] =
        then === 'refund'
          ? [{ t: 'refund', charge: 0, amount: post / 2n + 1n }]
          : [
              { t: 'refund', charge: 0, amount: hold / 2n + 1n },
              { t: 'refund', charge: 1, amount: hold / 2n + 1n },
            ];
      return [funds, { t: 'charge', project, amount: hold, overdraft: false }, ...refunds];
    }
    const resolutions = then
      .split('-')
      .map((kind, i): Op =>
        kind === 'post' ? { t: 'post', hold: i, amount: post } : { t: 'void', hold: i },
      );
    return [funds, { t: 'hold', project, amount: hold }, ...resolutions];
  });

/** The ops with their ids, then the delivery: retries of earlier ops, some deliveries crashing. */
const historyArb = fc
  .array(
    fc.oneof(
      opArb.map((op) => [op]),
      lifecycleArb,
    ),
    { minLength: 1, maxLength: 12, size: 'medium' },
  )
  .map((fragments) =>
    fragments.flat().map((op, i): Op => {
      if (op.t === 'post' || op.t === 'void') return { ...op, hold: Math.max(0, i - 1 - op.hold) };
      if (op.t === 'refund') return { ...op, charge: Math.max(0, i - 1 - op.charge) };
      return op;
    }),
  )
  .chain((ops) =>
    fc.record({
      ops: fc.constant(ops),
      feeBasisPoints: fc.integer({ min: 0, max: 10_000 }),
      deliveries: fc.array(
        fc.record({ op: fc.nat(ops.length - 1), crash: fc.boolean(), early: fc.boolean() }),
        {
          maxLength: 20,
        },
      ),
    }),
  );
type History = fc.Arbitrary<typeof historyArb extends fc.Arbitrary<infer T> ? T : never>;
type HistoryValue = History extends fc.Arbitrary<infer T> ? T : never;

/**
 * A history that reaches every outcome the coverage check below names, run first (fast-check's
 * `examples`), so that check holds whatever the random histories happen to reach.
 */
const EVERY_OUTCOME: HistoryValue = {
  ops: [
    { t: 'topup', project: 0, amount: 100n },
    { t: 'hold', project: 0, amount: 40n }, // 1: hold:ok
    { t: 'post', hold: 1, amount: 30n }, // post:ok
    { t: 'post', hold: 1, amount: 10n }, // post:PENDING_ALREADY_RESOLVED
    { t: 'hold', project: 0, amount: 20n }, // 4
    { t: 'void', hold: 4 }, // void:ok
    { t: 'hold', project: 1, amount: 50n }, // hold:INSUFFICIENT_FUNDS (project 1 has nothing)
    { t: 'charge', project: 0, amount: 20n, overdraft: false }, // 7
    { t: 'refund', charge: 7, amount: 15n }, // refund:ok
    { t: 'refund', charge: 7, amount: 15n }, // refund:CORRECTION_EXCEEDS_ORIGINAL
    { t: 'usage', launch: 0, events: [eventOf(1), eventOf(3)] }, // usage:ok
  ],
  feeBasisPoints: 250,
  deliveries: [],
};

/** Ops in order, each retry inserted after (or, when `early`, before) a later op. */
function deliveryOrder(history: HistoryValue): { op: number; crash: boolean }[] {
  const order: { op: number; crash: boolean }[] = history.ops.map((_, i) => ({ op: i, crash: false }));
  for (const d of history.deliveries) {
    const at = d.early ? Math.max(0, d.op - 1) : Math.min(order.length, d.op + 1 + (d.op % 3));
    order.splice(at, 0, { op: d.op, crash: d.crash });
  }
  return order;
}

interface Sums {
  dp: bigint;
  cp: bigint;
  dpend: bigint;
  cpend: bigint;
}

/** What the ledger should do, op by op. */
class Model {
  readonly accounts = new Map<string, Sums>();
  readonly transfers = new Map<
    string,
    { kind: string; debit: string; credit: string; amount: bigint; resolved?: boolean }
  >();
  readonly corrected = new Map<string, bigint>();
  readonly rated = new Map<string, bigint>();
  readonly carries = new Map<string, UsageCarry>();

  sums(id: string): Sums {
    let s = this.accounts.get(id);
    if (s === undefined) {
      s = { dp: 0n, cp: 0n, dpend: 0n, cpend: 0n };
      this.accounts.set(id, s);
    }
    return s;
  }

  available(id: string): bigint {
    const s = this.sums(id);
    return s.cp - s.dp - s.dpend;
  }

  post(id: string, debit: string, credit: string, amount: bigint, kind = 'single'): void {
    this.transfers.set(id, { kind, debit, credit, amount });
    this.sums(debit).dp += amount;
    this.sums(credit).cp += amount;
  }
}

describe.each(dialects)('ledger properties on %s', (dialect) => {
  let handle: BillingTestDb;
  let db: BillingDb;
  let namespaces = 0;
  /** `op:outcome` pairs seen, to show the histories reach the interesting cases. */
  const outcomes = new Set<string>();

  beforeAll(async () => {
    handle = await openBillingTestDb(dialect);
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  /** Runs a history in its own namespace of ids; returns every account's balance by short name. */
  async function run(
    history: HistoryValue,
    ns: string,
    model: Model | null,
    only?: ReadonlySet<number>,
  ): Promise<{ balances: Map<string, Sums>; succeeded: Set<number> }> {
    const succeeded = new Set<number>();
    const project = (i: number) => ACCOUNTS.projectPrepaid(`${ns}-p${i}`, 'USD').id;
    const revenue = ACCOUNTS.platformRevenue('USD');
    const launches: LaunchPricing[] = Array.from({ length: LAUNCHES }, (_, i) => ({
      launchId: `${ns}-l${i}`,
      projectId: `${ns}-p${i % PROJECTS}`,
      publisherId: `${ns}-pub${i}`,
      currency: 'USD',
      feeBasisPoints: history.feeBasisPoints,
      meters: METERS,
    }));
    await openAccounts(db, [
      revenue,
      ACCOUNTS.platformFunding('USD'),
      ACCOUNTS.platformFees('USD'),
      ...Array.from({ length: PROJECTS }, (_, i) => ACCOUNTS.projectPrepaid(`${ns}-p${i}`, 'USD')),
    ]);
    const id = (i: number) => `${ns}:op${i}`;

    for (const { op: index, crash } of deliveryOrder(history)) {
      const op = history.ops[index];
      if (op === undefined || (only !== undefined && !only.has(index))) continue;
      const execute = async (target: BillingDb): Promise<unknown> => {
        switch (op.t) {
          case 'topup':
            return topUp(target, {
              id: id(index),
              projectId: `${ns}-p${op.project}`,
              currency: 'USD',
              amount: op.amount,
              reason: 'r',
            });
          case 'charge':
            return createTransfer(target, {
              id: id(index),
              debitAccountId: project(op.project),
              creditAccountId: revenue.id,
              amount: op.amount,
              category: 'gpu_time',
              allowOverdraft: op.overdraft,
            });
          case 'hold':
            return createPendingTransfer(target, {
              id: id(index),
              debitAccountId: project(op.project),
              creditAccountId: revenue.id,
              amount: op.amount,
              category: 'hold',
            });
          case 'post':
            return postPendingTransfer(target, { id: id(index), pendingId: id(op.hold), amount: op.amount });
          case 'void':
            return voidPendingTransfer(target, { id: id(index), pendingId: id(op.hold) });
          case 'refund':
            return refund(target, { id: id(index), chargeId: id(op.charge), amount: op.amount, reason: 'r' });
          case 'usage': {
            const launch = launches[op.launch];
            if (launch === undefined) throw new Error('no launch');
            return rateUsageEvents(
              target,
              launch,
              op.events.map((e) => ({ eventId: `e${e.id}`, meter: e.meter, quantity: e.quantity })),
            );
          }
        }
      };

      if (crash) {
        // The process dies before the commit: nothing of this delivery may remain.
        await expect(
          db.transaction().execute(async (trx) => {
            await execute(trx).catch(() => undefined);
            throw new Error('crash');
          }),
        ).rejects.toThrow('crash');
        continue;
      }
      const outcome = await execute(db).then(
        () => 'ok',
        (error: unknown) => (isBillingError(error) ? error.code : Promise.reject(error as Error)),
      );
      if (outcome === 'ok') succeeded.add(index);
      if (model !== null) outcomes.add(`${op.t}:${outcome}`);
      if (model !== null)
        expect(outcome, `${op.t} ${id(index)}`).toBe(
          predict(model, op, id(index), id, project, revenue.id, launches),
        );
    }

    const balances = new Map<string, Sums>();
    const rows = await db
      .selectFrom('billing_accounts')
      .select('id')
      .where('id', 'like', `%${ns}-%`)
      .execute();
    for (const row of rows) {
      const b = await getBalance(db, row.id);
      balances.set(row.id.replace(ns, 'NS'), {
        dp: b.debitsPosted,
        cp: b.creditsPosted,
        dpend: b.debitsPending,
        cpend: b.creditsPending,
      });
    }
    return { balances, succeeded };
  }

  it('keeps every account equal to the model, the ledger at zero, and replays idempotently', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async (history) => {
        const ns = `r${++namespaces}`;
        const model = new Model();
        const { balances, succeeded } = await run(history, ns, model);
        const zero: Sums = { dp: 0n, cp: 0n, dpend: 0n, cpend: 0n };
        for (const [account, sums] of balances) {
          expect(sums, account).toEqual(model.accounts.get(account.replace('NS', ns)) ?? zero);
        }
        for (const account of model.accounts.keys()) {
          if (account.includes(`${ns}-`)) expect(balances.has(account.replace(ns, 'NS')), account).toBe(true);
        }
        const report = await checkLedger(db);
        expect(report).toMatchObject({ ok: true, differences: [], imbalances: [], problems: [] });

        // Every distinct event rated once: one row each, and the charges add up order-independently.
        for (let l = 0; l < LAUNCHES; l++) {
          const delivered = new Set(
            history.ops.flatMap((op) =>
              op.t === 'usage' && op.launch === l ? op.events.map((e) => e.id) : [],
            ),
          );
          const rows = await db
            .selectFrom('billing_rated_events')
            .select('event_id')
            .where('launch_id', '=', `${ns}-l${l}`)
            .execute();
          expect(rows.map((r) => r.event_id).sort()).toEqual([...delivered].map((e) => `e${e}`).sort());
          for (const [meter, price] of Object.entries(METERS)) {
            const exact = [...delivered]
              .map(eventOf)
              .filter((e) => e.meter === meter)
              .reduce((a, e) => a + parseQuantity(e.quantity) * price.micros, 0n);
            expect(model.rated.get(`${ns}-l${l}/${meter}`) ?? 0n).toBe(
              exact / (QUANTITY_SCALE * (price.perUnits ?? 1n)),
            );
          }
        }

        // Everything that succeeded, delivered again: all retries, nothing moves. (An op refused
        // the first time may succeed now, as a retry after a top-up should: it is left out.)
        expect((await run(history, ns, null, succeeded)).balances).toEqual(balances);
        // The same history in a fresh namespace: the same balances.
        expect((await run(history, `${ns}x`, null)).balances).toEqual(balances);
      }),
      { numRuns: RUNS[dialect], examples: [[EVERY_OUTCOME]] },
    );
    // The histories reach the cases that matter, so the properties above are not vacuous.
    expect([...outcomes]).toEqual(
      expect.arrayContaining([
        'hold:ok',
        'hold:INSUFFICIENT_FUNDS',
        'post:ok',
        'post:PENDING_ALREADY_RESOLVED',
        'void:ok',
        'refund:ok',
        'refund:CORRECTION_EXCEEDS_ORIGINAL',
        'usage:ok',
      ]),
    );
  }, 120_000);
});

function predict(
  model: Model,
  op: Op,
  transferId: string,
  id: (i: number) => string,
  project: (i: number) => string,
  revenue: string,
  launches: LaunchPricing[],
): string {
  const funding = ACCOUNTS.platformFunding('USD').id;
  const seen = model.transfers.get(transferId);
  switch (op.t) {
    case 'topup':
      if (seen === undefined) model.post(transferId, funding, project(op.project), op.amount);
      return 'ok';
    case 'charge':
    case 'hold': {
      if (seen !== undefined) return 'ok';
      const debit = project(op.project);
      if ((op.t === 'hold' || !op.overdraft) && op.amount > model.available(debit))
        return 'INSUFFICIENT_FUNDS';
      if (op.t === 'charge') model.post(transferId, debit, revenue, op.amount);
      else {
        model.transfers.set(transferId, { kind: 'pending', debit, credit: revenue, amount: op.amount });
        model.sums(debit).dpend += op.amount;
        model.sums(revenue).cpend += op.amount;
      }
      return 'ok';
    }
    case 'post':
    case 'void': {
      const pending = model.transfers.get(id(op.hold));
      if (pending?.kind !== 'pending') return 'PENDING_NOT_FOUND';
      const amount = op.t === 'post' ? op.amount : pending.amount;
      if (amount > pending.amount) return 'POST_EXCEEDS_PENDING';
      if (seen !== undefined) return 'ok';
      if (pending.resolved === true) return 'PENDING_ALREADY_RESOLVED';
      pending.resolved = true;
      model.sums(pending.debit).dpend -= pending.amount;
      model.sums(pending.credit).cpend -= pending.amount;
      if (op.t === 'post') model.post(transferId, pending.debit, pending.credit, amount, 'post');
      else
        model.transfers.set(transferId, {
          kind: 'void',
          debit: pending.debit,
          credit: pending.credit,
          amount,
        });
      return 'ok';
    }
    case 'refund': {
      const charge = model.transfers.get(id(op.charge));
      if (charge === undefined || (charge.kind !== 'single' && charge.kind !== 'post'))
        return 'CORRECTION_TARGET_NOT_FOUND';
      if (seen !== undefined) return 'ok';
      const done = model.corrected.get(id(op.charge)) ?? 0n;
      if (done + op.amount > charge.amount) return 'CORRECTION_EXCEEDS_ORIGINAL';
      model.corrected.set(id(op.charge), done + op.amount);
      model.post(transferId, charge.credit, charge.debit, op.amount);
      return 'ok';
    }
    case 'usage': {
      const launch = launches[op.launch];
      if (launch === undefined) throw new Error('no launch');
      for (const event of op.events) {
        const key = `${launch.launchId}/e${event.id}`;
        if (model.transfers.has(key)) continue;
        model.transfers.set(key, { kind: 'event', debit: '', credit: '', amount: 0n });
        const price = METERS[event.meter];
        if (price === undefined) throw new Error('no meter');
        const carryKey = `${launch.launchId}/${event.meter}`;
        const rated = rateUsage(
          parseQuantity(event.quantity),
          price,
          launch.feeBasisPoints,
          model.carries.get(carryKey) ?? emptyCarry(price),
        );
        model.carries.set(carryKey, rated.carry);
        model.rated.set(carryKey, (model.rated.get(carryKey) ?? 0n) + rated.charge);
        const debit = ACCOUNTS.projectPrepaid(launch.projectId, 'USD').id;
        if (rated.publisherShare > 0n)
          model.post(
            `${key}/p`,
            debit,
            ACCOUNTS.publisherPayable(launch.publisherId, 'USD').id,
            rated.publisherShare,
          );
        if (rated.fee > 0n) model.post(`${key}/f`, debit, ACCOUNTS.platformFees('USD').id, rated.fee);
      }
      return 'ok';
    }
  }
}
