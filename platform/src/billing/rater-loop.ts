/**
 * The GPU-time rater: a background loop that settles every interval of running time that is
 * over, in order; rates the final, partial interval of each allocation that stopped running and
 * releases its holds; and hands projects whose next interval is unheld to enforcement.
 *
 * Correct however it is run: each pass recomputes running time from the allocation's immutable
 * transition history, settles every interval due since the last rated one (so a late pass, or the
 * first pass after a restart, catches up in order), and every write goes through the billing
 * library under ids derived from (allocation, interval), so a second pass — on this instance or
 * another (issue 19) — finds the work done and changes nothing. Each allocation is rated under its
 * row lock (a no-op UPDATE), taken before the ledger's own balance locks, so two instances
 * serialise on it and a transition racing a settlement waits for it.
 *
 * In a platform the loop runs on the one instance holding the `gpu-rater` lease (platform.ts,
 * docs/scale-out.md), and every settlement transaction is fenced by it: a former holder that
 * has not noticed its loss writes nothing to the ledger, and its pass stops at once.
 */
import type { Kysely, Transaction } from 'kysely';
import type { AllocationState, Tables } from '../db/schema.js';
import type { EventBus } from '../events/bus.js';
import { isLeaseLost } from '../leases/errors.js';
import type { JobLease } from '../leases/runner.js';
import type { Logger } from '../logger.js';
import type { BillingConfig } from '../config-billing.js';
import { checkBudgets } from './budgets.js';
import { asBillingDb, nowIso } from './db.js';
import { enforceProjectFunds, endEpisode } from './enforcement.js';
import type { EnforcementOutcome, UnheldInterval } from './enforcement.js';
import { intervalHoldAmount, lastRatedInterval, settleGpuInterval } from './gpu-meter.js';
import type { GpuMeter } from './gpu-meter.js';
import { meterOf } from './gpu-meters.js';
import type { GpuMeterRow } from './gpu-meters.js';
import { holdTransferId } from './holds.js';
import { getTransfer, voidPendingTransfer } from './ledger.js';
import { finalIntervalIndex } from './rating.js';
import { closeDueStatements } from './statement-autoclose.js';
import { asStatementDb } from './statements.js';
import type { StatementKey } from './statements.js';
import { CLOSED_STATES, runningSeconds, wallTimeAtRunningSecond } from './running-time.js';
import type { StateChange } from './running-time.js';

type Db = Kysely<Tables> | Transaction<Tables>;

export type RaterState = 'IDLE' | 'RUNNING' | 'STOPPED';

export interface RaterDeps {
  db: Kysely<Tables>;
  bus: EventBus;
  logger: Logger;
  config: Pick<BillingConfig, 'graceSeconds' | 'raterIntervalMs' | 'lateWindowDays'>;
  /** Releases an allocation (AllocationService.release); idempotent. */
  release: (allocationId: string, reason: string) => Promise<unknown>;
  /** The `gpu-rater` lease fencing each settlement (none: unfenced, as tests and tools run it). */
  lease?: JobLease;
}

/** What one pass did (tests and `billing check` read it). */
export interface RaterPass {
  /** Intervals newly settled (final ones included). */
  settled: number;
  /** Allocations whose meter this pass closed. */
  closed: string[];
  /** Projects out of funds after this pass. */
  exhausted: string[];
  /** Allocations released for want of funds. */
  released: string[];
  /** Budget alerts fired (billing.budget_alert). */
  budgetAlerts: number;
  /** Statements closed automatically: their month is over plus the late window. */
  statementsClosed: StatementKey[];
}

interface Rated {
  settled: number;
  closed: boolean;
  unheld: UnheldInterval | undefined;
}

export class GpuTimeRater {
  readonly #deps: RaterDeps;
  #timer: NodeJS.Timeout | undefined;
  #passing = false;
  #state: RaterState = 'IDLE';

  constructor(deps: RaterDeps) {
    this.#deps = deps;
  }

  get state(): RaterState {
    return this.#state;
  }

  /** Starts the loop; again after a stop when the lease comes back. */
  start(): void {
    if (this.#state === 'RUNNING') return;
    this.#state = 'RUNNING';
    this.#timer = setInterval(() => void this.#tick(), this.#deps.config.raterIntervalMs);
    this.#timer.unref();
  }

  stop(): void {
    this.#state = 'STOPPED';
    clearInterval(this.#timer);
  }

  async #tick(): Promise<void> {
    // One pass at a time per instance; a slow pass delays the next rather than doubling up.
    if (this.#passing) return;
    this.#passing = true;
    try {
      await this.runOnce();
    } catch (error) {
      if (isLeaseLost(error)) return; // the lease runner has stopped this loop
      this.#deps.logger.warn({ err: error }, 'rating GPU time failed');
    } finally {
      this.#passing = false;
    }
  }

  /** One pass over every open meter. Safe to run at any time, on any number of instances. */
  async runOnce(now = Date.now()): Promise<RaterPass> {
    const { db, logger } = this.#deps;
    const pass: RaterPass = {
      settled: 0,
      closed: [],
      exhausted: [],
      released: [],
      budgetAlerts: 0,
      statementsClosed: [],
    };
    const meters = await db
      .selectFrom('billing_gpu_meters')
      .selectAll()
      .where('closed_at', 'is', null)
      .orderBy('project_id')
      .orderBy('allocation_id')
      .execute();
    const unheldByProject = new Map<string, UnheldInterval[]>();
    // Each allocation on its own: one that cannot be rated must not stall the others.
    for (const row of meters) {
      try {
        const rated = await this.#rate(row, now);
        pass.settled += rated.settled;
        if (rated.closed) pass.closed.push(row.allocation_id);
        const list = unheldByProject.get(row.project_id) ?? [];
        if (rated.unheld !== undefined) list.push(rated.unheld);
        unheldByProject.set(row.project_id, list);
      } catch (error) {
        if (isLeaseLost(error)) throw error;
        logger.error({ err: error, allocation_id: row.allocation_id }, 'rating an allocation failed');
      }
    }
    for (const [projectId, unheld] of unheldByProject) {
      try {
        const outcome = await this.#enforce(projectId, unheld, now);
        if (outcome.exhaustedSince !== undefined) pass.exhausted.push(projectId);
        pass.released.push(...outcome.released);
      } catch (error) {
        logger.error({ err: error, project_id: projectId }, 'enforcing a project’s funds failed');
      }
    }
    // Episodes of projects that no longer run anything metered are over.
    const stale = await db.selectFrom('billing_funds_exhausted').select('project_id').execute();
    for (const { project_id } of stale) {
      if (!unheldByProject.has(project_id)) await endEpisode(db, project_id);
    }
    // After this pass's charges: budgets whose month's spend reached a threshold are told once.
    try {
      pass.budgetAlerts = (await checkBudgets(db, this.#deps.bus, now)).length;
    } catch (error) {
      logger.error({ err: error }, 'checking budgets failed');
    }
    // Last: this pass's charges are posted before a month that is due closes on them.
    try {
      const outcome = await closeDueStatements(asStatementDb(db), now, this.#deps.config.lateWindowDays);
      pass.statementsClosed = outcome.closed;
      for (const failure of outcome.failures) {
        logger.error(
          { err: failure.error, project_id: failure.projectId, currency: failure.currency },
          'closing a statement automatically failed',
        );
      }
    } catch (error) {
      logger.error({ err: error }, 'closing due statements failed');
    }
    return pass;
  }

  async #enforce(projectId: string, unheld: UnheldInterval[], now: number): Promise<EnforcementOutcome> {
    const { db, bus, config, logger, release } = this.#deps;
    const outcome = await enforceProjectFunds(
      { db, bus, graceSeconds: config.graceSeconds, release },
      projectId,
      unheld,
      now,
    );
    if (outcome.released.length > 0) {
      logger.warn(
        { project_id: projectId, allocation_ids: outcome.released, since: outcome.exhaustedSince },
        'funds exhausted past the grace period: allocations released',
      );
    }
    return outcome;
  }

  async #rate(row: GpuMeterRow, now: number): Promise<Rated> {
    const { db } = this.#deps;
    const id = row.allocation_id;
    const seen = await history(db, id);
    const meter = meterOf(row);
    if (meter === undefined) {
      // Never ran: nothing to charge. Once it cannot run any more, its first hold is released.
      if (!CLOSED_STATES.includes(seen.state)) return { settled: 0, closed: false, unheld: undefined };
      await db.transaction().execute(async (trx) => {
        await this.#deps.lease?.fence(trx);
        await lockAllocation(trx, id);
        await releaseHolds(trx, id);
        await close(trx, id);
      });
      return { settled: 0, closed: true, unheld: undefined };
    }
    const last = await lastRatedInterval(asBillingDb(db), id);
    const next = last === undefined ? 0 : last.index + 1;
    const closed = CLOSED_STATES.includes(seen.state);
    const due = (next + 1) * meter.intervalSeconds <= runningSeconds(seen.changes, now);
    if (!closed && last?.final !== true && !due) {
      return { settled: 0, closed: false, unheld: await unheldInterval(db, meter, next, seen.changes, now) };
    }
    return db.transaction().execute((trx) => this.#settle(trx, meter, now));
  }

  /** Settles what is due, under the allocation's row lock, from a fresh read. */
  async #settle(trx: Transaction<Tables>, meter: GpuMeter, now: number): Promise<Rated> {
    const id = meter.allocationId;
    const L = meter.intervalSeconds;
    await this.#deps.lease?.fence(trx);
    await lockAllocation(trx, id);
    const { state, changes } = await history(trx, id);
    const billing = asBillingDb(trx);
    const last = await lastRatedInterval(billing, id);
    let settled = 0;
    const settle = async (index: number, seconds: number, final: boolean) => {
      const result = await settleGpuInterval(billing, meter, { index, runningSeconds: seconds, final });
      if (result.created) settled += 1;
    };
    if (last?.final !== true && CLOSED_STATES.includes(state)) {
      const next = last === undefined ? 0 : last.index + 1;
      let seconds = runningSeconds(changes, now);
      // A release that raced the settlement of an interval it fell inside: that interval is
      // charged in full (the stop was recorded while the settlement held the lock), and the
      // final interval is empty. The window is the duration of one lock wait.
      if (seconds < next * L) seconds = next * L;
      const finalIndex = finalIntervalIndex(seconds, L);
      for (let k = next; k < finalIndex; k++) await settle(k, seconds, false);
      await settle(finalIndex, seconds, true);
    }
    if (last?.final === true || CLOSED_STATES.includes(state)) {
      await releaseHolds(trx, id);
      await close(trx, id);
      return { settled, closed: true, unheld: undefined };
    }
    const seconds = runningSeconds(changes, now);
    const next = last === undefined ? 0 : last.index + 1;
    const dueUntil = Math.floor(seconds / L);
    for (let k = next; k < dueUntil; k++) await settle(k, seconds, false);
    const unheld = await unheldInterval(trx, meter, Math.max(next, dueUntil), changes, now);
    return { settled, closed: false, unheld };
  }
}

interface History {
  state: AllocationState;
  changes: StateChange[];
}

async function history(db: Db, allocationId: string): Promise<History> {
  const allocation = await db
    .selectFrom('allocations')
    .select('state')
    .where('id', '=', allocationId)
    .executeTakeFirstOrThrow();
  const changes = await db
    .selectFrom('allocation_transitions')
    .select(['to_state as to', 'at'])
    .where('allocation_id', '=', allocationId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return { state: allocation.state, changes };
}

/**
 * The interval `index` of a running allocation when it has no hold (and costs something): the
 * settlement before it could not place one. Undefined when it is held.
 */
async function unheldInterval(
  db: Db,
  meter: GpuMeter,
  index: number,
  changes: readonly StateChange[],
  now: number,
): Promise<UnheldInterval | undefined> {
  if (intervalHoldAmount(meter, index) === 0n) return undefined;
  const hold = await getTransfer(asBillingDb(db), holdTransferId(`gpu:${meter.allocationId}:${index}`));
  if (hold !== undefined) return undefined;
  const dueAt = wallTimeAtRunningSecond(changes, index * meter.intervalSeconds, now) ?? now;
  return { meter, index, dueAt };
}

/** Serialises rating and transitions of one allocation (PostgreSQL row lock; SQLite's write lock). */
async function lockAllocation(trx: Transaction<Tables>, allocationId: string): Promise<void> {
  await trx
    .updateTable('allocations')
    .set((eb) => ({ version: eb.ref('version') }))
    .where('id', '=', allocationId)
    .execute();
}

/** Voids every hold of the allocation that is still open (none is left after a final settlement). */
async function releaseHolds(trx: Transaction<Tables>, allocationId: string): Promise<void> {
  const open = await trx
    .selectFrom('billing_transfers as hold')
    .select('hold.id')
    .where('hold.allocation_id', '=', allocationId)
    .where('hold.kind', '=', 'pending')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('billing_transfers as resolution')
            .select('resolution.id')
            .whereRef('resolution.pending_id', '=', 'hold.id'),
        ),
      ),
    )
    .orderBy('hold.id')
    .execute();
  for (const hold of open) {
    await voidPendingTransfer(asBillingDb(trx), {
      id: `void:${hold.id}`,
      pendingId: hold.id,
      reason: 'allocation ended',
    });
  }
}

async function close(trx: Transaction<Tables>, allocationId: string): Promise<void> {
  await trx
    .updateTable('billing_gpu_meters')
    .set({ closed_at: nowIso() })
    .where('allocation_id', '=', allocationId)
    .where('closed_at', 'is', null)
    .execute();
}
