/**
 * Billing as the API offers it: who may read a project's money or move it, the ids that make
 * every operator action idempotent forever, and the `billing.balance_changed` event. The ledger
 * itself is the library beside this file; this service adds the platform's people and projects.
 */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { principalKey } from '../auth/principal.js';
import { allocationAccess } from '../allocations/access.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import type { EventBus, PlatformEvent } from '../events/bus.js';
import { isOperator, projectAccess } from '../identity/access.js';
import { isoTime, newId } from '../ids.js';
import { ACCOUNTS } from './accounts.js';
import { asBillingDb } from './db.js';
import type { BillingDb } from './db.js';
import { CHARGE_CATEGORIES, listCharges, refundedSoFar } from './charges.js';
import type { Charge } from './charges.js';
import { BillingError } from './errors.js';
import { intervalHoldAmount } from './gpu-meter.js';
import { meterOf } from './gpu-meters.js';
import type { Transfer, TransferOutcome } from './ledger.js';
import { formatMoney, MICROS_PER_UNIT, parseMoney } from './money.js';
import { grantPromotion, projectBalance, refund, topUp } from './operations.js';
import {
  fileRefundRequest,
  findRefundRequest,
  findRefundRequestByKey,
  listRefundRequests,
  markRefundApproved,
} from './refund-requests.js';
import type { RefundRequest as FiledRefund } from './refund-requests.js';
import { getTransfer } from './transfers.js';
import { asStatementDb, closeStatement, getStatement } from './statements.js';
import type { Statement, StatementAccount } from './statements.js';
import { budgetStatus, listBudgets, setBudget } from './budgets.js';
import type { BudgetOverview, BudgetStatus } from './budgets.js';
import { publisherEarnings } from './earnings.js';
import type { EarningsDb, PublisherEarnings } from './earnings.js';
import { periodOf } from './statement-period.js';

export const BALANCE_CHANGED = 'billing.balance_changed';

/** What one operator action may move: keeps every amount the API returns an exact JSON integer. */
const MAX_OPERATION_MICROS = 1_000_000_000n * MICROS_PER_UNIT;

export interface BillingServiceOptions {
  db: Kysely<Tables>;
  bus: EventBus;
  /** The platform's one currency (config `billing.currency`). */
  currency: string;
  /** Refunds above this many micros need a second operator (config `billing.refundApprovalAbove`). */
  refundApprovalAbove?: bigint | null;
}

export interface BalanceView {
  projectId: string;
  currency: string;
  /** Prepaid + unexpired promotional credit. */
  balance: bigint;
  holds: bigint;
  /** balance − holds. */
  available: bigint;
  prepaid: bigint;
  promotional: bigint;
  /** What one interval of the project's running allocations costs: the next hold needs it. */
  runningInterval: bigint;
  /** Set while the next interval could not be held; running allocations go at `releaseAfter`. */
  fundsExhausted: { since: string; releaseAfter: string } | null;
}

export interface ChargeQuery {
  projectId?: string | undefined;
  allocationId?: string | undefined;
  limit: number;
  /** The sort key of the last charge of the previous page: [created_at, id]. */
  after?: readonly string[] | undefined;
}

/** An operator action: the Idempotency-Key (if any) makes its ledger id. */
interface Mutation {
  idempotencyKey: string | undefined;
  reason: string;
}

export interface TopUpCommand extends Mutation {
  projectId: string;
  amount: string;
}

export interface RefundCommand extends Mutation {
  chargeId: string;
  amount?: string | undefined;
}

export interface PromotionCommand extends Mutation {
  projectId: string;
  amount: string;
  expiresAt: string;
}

export interface PromotionView {
  grantId: string;
  projectId: string;
  expiresAt: string;
  reason: string;
  outcome: TransferOutcome;
}

export class BillingService {
  readonly #db: Kysely<Tables>;
  readonly #bus: EventBus;
  readonly #approvalAbove: bigint | null;
  readonly currency: string;

  constructor(options: BillingServiceOptions) {
    this.#db = options.db;
    this.#bus = options.bus;
    this.#approvalAbove = options.refundApprovalAbove ?? null;
    this.currency = options.currency;
  }

  /** Viewers of the project and operators (404 for anyone else: the project is not revealed). */
  async balance(principal: Principal, projectId: string): Promise<BalanceView> {
    await projectAccess(this.#db, principal, projectId, 'viewer');
    const money = await this.#balanceOf(asBillingDb(this.#db), projectId);
    const meters = await this.#db
      .selectFrom('billing_gpu_meters')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('currency', '=', this.currency)
      .where('closed_at', 'is', null)
      .execute();
    let runningInterval = 0n;
    for (const row of meters) {
      const meter = meterOf(row);
      if (meter !== undefined) runningInterval += intervalHoldAmount(meter, 0);
    }
    const exhausted = await this.#db
      .selectFrom('billing_funds_exhausted')
      .select(['since', 'release_after'])
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return {
      ...money,
      runningInterval,
      fundsExhausted:
        exhausted === undefined ? null : { since: exhausted.since, releaseAfter: exhausted.release_after },
    };
  }

  /**
   * Charges of a project, or of one allocation (whose project then decides who may see them),
   * oldest first, with what was refunded of each.
   */
  async charges(
    principal: Principal,
    query: ChargeQuery,
  ): Promise<{ projectId: string; items: Charge[]; more: boolean }> {
    let projectId = query.projectId;
    if (projectId !== undefined) {
      await projectAccess(this.#db, principal, projectId, 'viewer');
    } else if (query.allocationId !== undefined) {
      // The allocation's project decides who may see its charges (404 when it is not visible).
      projectId = (await allocationAccess(this.#db, principal, query.allocationId, 'viewer')).project_id;
    } else {
      throw new PlatformError('VALIDATION_FAILED', 'give project_id, allocation_id or both', {
        errors: [{ in: 'query', pointer: '/project_id', detail: 'required without allocation_id' }],
      });
    }
    const page = await listCharges(
      asBillingDb(this.#db),
      ACCOUNTS.projectPrepaid(projectId, this.currency).id,
      {
        allocationId: query.allocationId,
        limit: query.limit,
        after: query.after,
      },
    );
    return { projectId, ...page };
  }

  /** Operators only: money received from outside onto the project's prepaid balance. */
  async topUp(principal: Principal, request: TopUpCommand): Promise<TransferOutcome> {
    requireOperator(principal, 'top up a balance');
    await projectAccess(this.#db, principal, request.projectId, 'viewer');
    const amount = operationAmount(request.amount);
    return this.#moveMoney(request.projectId, 'topup', async (trx) =>
      topUp(asBillingDb(trx), {
        id: ledgerId('topup', principal, request.idempotencyKey),
        projectId: request.projectId,
        currency: this.currency,
        amount,
        reason: request.reason,
      }),
    );
  }

  /**
   * Operators only: a correction of a charge, never more than what is left of it (the library
   * refuses CORRECTION_EXCEEDS_ORIGINAL). Only charges of a project's balance may be refunded here;
   * above `refundApprovalAbove` a second operator must approve (`requestRefund`, `approveRefund`).
   */
  async refund(
    principal: Principal,
    command: RefundCommand,
  ): Promise<TransferOutcome & { projectId: string }> {
    requireOperator(principal, 'refund a charge');
    const explicit = command.amount === undefined ? undefined : operationAmount(command.amount);
    const { projectId, charge } = await this.#charge(command.chargeId);
    const id = ledgerId('refund', principal, command.idempotencyKey);
    const db = asBillingDb(this.#db);
    // A retry of a refund made before still answers with it, whatever the threshold is now.
    if (this.#approvalAbove !== null && (await getTransfer(db, id)) === undefined) {
      const left = charge.amount - (await refundedSoFar(db, charge.id));
      const amount = explicit ?? left;
      // More than is left is refused as such below, whoever would approve it.
      if (amount <= left && amount > this.#approvalAbove) {
        throw new PlatformError(
          'REFUND_APPROVAL_REQUIRED',
          `refunds above ${formatMoney(this.#approvalAbove)} ${this.currency} need a second operator: file this one with \`gpuaas billing refund ${charge.id} --request\` (POST /v1/billing/refund-requests) for another operator to approve`,
        );
      }
    }
    const outcome = await this.#moveMoney(projectId, 'refund', async (trx) =>
      refund(asBillingDb(trx), {
        id,
        chargeId: charge.id,
        ...(explicit === undefined ? {} : { amount: explicit }),
        reason: command.reason,
      }),
    );
    return { ...outcome, projectId };
  }

  /**
   * Operators only: files a refund for a second operator to approve; nothing moves yet. The amount
   * (by default what is left of the charge) is fixed now. A retry with the same key finds it.
   */
  async requestRefund(
    principal: Principal,
    command: RefundCommand,
  ): Promise<{ request: FiledRefund; created: boolean }> {
    requireOperator(principal, 'ask for a refund');
    const explicit = command.amount === undefined ? undefined : operationAmount(command.amount);
    const requestKey = ledgerId('refund-request', principal, command.idempotencyKey);
    const filed = await findRefundRequestByKey(this.#db, requestKey);
    if (filed !== undefined) return { request: filed, created: false };
    const { projectId, charge } = await this.#charge(command.chargeId);
    if (command.reason.trim() === '') {
      throw new BillingError('TRANSFER_INVALID', 'a reason is required', {
        hint: 'say why, e.g. --reason "outage"',
      });
    }
    const left = charge.amount - (await refundedSoFar(asBillingDb(this.#db), charge.id));
    const amount = explicit ?? left;
    if (amount > left || amount === 0n) {
      throw new BillingError(
        'CORRECTION_EXCEEDS_ORIGINAL',
        `${formatMoney(amount)} is more than the ${formatMoney(left)} left of charge ${charge.id}`,
        { details: { charge_id: charge.id, left: formatMoney(left) } },
      );
    }
    return fileRefundRequest(this.#db, {
      id: newId(),
      requestKey,
      chargeId: charge.id,
      projectId,
      amount,
      reason: command.reason,
      requestedBy: principalKey(principal),
      requestedAt: isoTime(),
    });
  }

  /** Operators: refund requests waiting for approval (or approved), oldest first. */
  async refundRequests(
    principal: Principal,
    options: { state: 'pending' | 'approved'; limit: number; after?: string | undefined },
  ): Promise<FiledRefund[]> {
    requireOperator(principal, 'list refund requests');
    return listRefundRequests(this.#db, options);
  }

  /** Operators other than the requester: makes the requested refund, once. */
  async approveRefund(
    principal: Principal,
    requestId: string,
  ): Promise<TransferOutcome & { projectId: string }> {
    requireOperator(principal, 'approve a refund');
    const filed = await findRefundRequest(this.#db, requestId);
    if (filed === undefined) throw new PlatformError('NOT_FOUND', `refund request ${requestId} not found`);
    const approver = principalKey(principal);
    if (filed.requestedBy === approver) {
      throw new PlatformError('FORBIDDEN', 'you asked for this refund: another operator must approve it');
    }
    const outcome = await this.#moveMoney(filed.projectId, 'refund', async (trx) => {
      const moved = await refund(asBillingDb(trx), {
        id: `refund:request:${filed.id}`,
        chargeId: filed.chargeId,
        amount: filed.amount,
        reason: filed.reason,
      });
      await markRefundApproved(trx, filed.id, {
        approvedBy: approver,
        approvedAt: isoTime(),
        transferId: moved.transfer.id,
      });
      return moved;
    });
    return { ...outcome, projectId: filed.projectId };
  }

  /** Operators only: promotional credit in an account of its own, spendable until `expiresAt`. */
  async grantPromotion(principal: Principal, request: PromotionCommand): Promise<PromotionView> {
    requireOperator(principal, 'grant promotional credit');
    await projectAccess(this.#db, principal, request.projectId, 'viewer');
    const amount = operationAmount(request.amount);
    const expiresAt = new Date(request.expiresAt);
    if (expiresAt.getTime() <= Date.now()) {
      throw new PlatformError('VALIDATION_FAILED', 'expires_at must be in the future', {
        errors: [{ in: 'body', pointer: '/expires_at', detail: `${request.expiresAt} has passed` }],
      });
    }
    // The grant id names the credit's own account: derived like a transfer id, so a retry finds it.
    const grantId = ledgerId('grant', principal, request.idempotencyKey).slice('grant:'.length);
    const outcome = await this.#moveMoney(request.projectId, 'promotion', async (trx) =>
      grantPromotion(asBillingDb(trx), {
        id: grantId,
        projectId: request.projectId,
        currency: this.currency,
        amount,
        expiresAt: expiresAt.toISOString(),
        reason: request.reason,
      }),
    );
    return {
      grantId,
      projectId: request.projectId,
      expiresAt: expiresAt.toISOString(),
      reason: request.reason,
      outcome,
    };
  }

  /**
   * A month's statement: of the project's balance for viewers of the project and operators; of a
   * publisher project's earnings (`account: 'publisher'`) for its members and operators, as the
   * earnings report.
   */
  async statement(
    principal: Principal,
    projectId: string,
    period: string,
    account: StatementAccount = 'project',
  ): Promise<Statement> {
    await projectAccess(this.#db, principal, projectId, account === 'publisher' ? 'member' : 'viewer');
    return getStatement(asStatementDb(this.#db), { projectId, currency: this.currency, period, account });
  }

  /** Operators only: stores the month's statement for good, chained to the previous one. */
  async closeStatement(
    principal: Principal,
    projectId: string,
    period: string,
    account: StatementAccount = 'project',
  ): Promise<{ statement: Statement; created: boolean }> {
    requireOperator(principal, 'close a statement');
    await projectAccess(this.#db, principal, projectId, 'viewer');
    return closeStatement(asStatementDb(this.#db), {
      projectId,
      currency: this.currency,
      period,
      account,
      closedBy: principalKey(principal),
    });
  }

  /** The project's budget, this month's spend and alerts: viewers of the project and operators. */
  async budget(principal: Principal, projectId: string): Promise<BudgetStatus> {
    await projectAccess(this.#db, principal, projectId, 'viewer');
    return budgetStatus(this.#db, projectId, this.currency);
  }

  /** Operators only: every project's budget with this month's spend. */
  async budgets(principal: Principal): Promise<BudgetOverview[]> {
    requireOperator(principal, 'list every budget');
    return listBudgets(this.#db);
  }

  /**
   * A publisher project's earnings and statement for a month (default this month): members of
   * the project and operators.
   */
  async earnings(principal: Principal, projectId: string, period?: string): Promise<PublisherEarnings> {
    await projectAccess(this.#db, principal, projectId, 'member');
    return publisherEarnings(this.#db as unknown as EarningsDb, {
      projectId,
      currency: this.currency,
      period: period ?? periodOf(isoTime()),
    });
  }

  /** Owners of the project and operators: replaces its monthly budget. */
  async setBudget(
    principal: Principal,
    projectId: string,
    input: { limit: string; alertThresholds: number[] },
  ): Promise<BudgetStatus> {
    await projectAccess(this.#db, principal, projectId, 'owner');
    await setBudget(this.#db, {
      projectId,
      currency: this.currency,
      limit: operationAmount(input.limit),
      thresholds: input.alertThresholds,
      updatedBy: principalKey(principal),
      updatedAt: isoTime(),
    });
    return budgetStatus(this.#db, projectId, this.currency);
  }

  async #balanceOf(
    db: BillingDb,
    projectId: string,
  ): Promise<Omit<BalanceView, 'runningInterval' | 'fundsExhausted'>> {
    const money = await projectBalance(db, projectId, this.currency);
    const balance = money.balance + money.promotional;
    return {
      projectId,
      currency: money.currency,
      balance,
      holds: money.holds,
      available: balance - money.holds,
      prepaid: money.balance,
      promotional: money.promotional,
    };
  }

  /**
   * Runs a money movement and, when it wrote something (not on a retry), records
   * `billing.balance_changed` in the same transaction; the event reaches streams after the commit.
   */
  async #moveMoney(
    projectId: string,
    cause: 'topup' | 'refund' | 'promotion',
    move: (trx: Transaction<Tables>) => Promise<TransferOutcome>,
  ): Promise<TransferOutcome> {
    let event: PlatformEvent | undefined;
    const outcome = await this.#db.transaction().execute(async (trx) => {
      const moved = await move(trx);
      if (!moved.created) return moved;
      const balance = await this.#balanceOf(asBillingDb(trx), projectId);
      event = await this.#bus.publish(trx, {
        type: BALANCE_CHANGED,
        subject: `project/${projectId}`,
        project_id: projectId,
        data: {
          cause,
          transfer_id: moved.transfer.id,
          currency: balance.currency,
          balance_micros: jsonMicros(balance.balance),
          available_micros: jsonMicros(balance.available),
          holds_micros: jsonMicros(balance.holds),
        },
      });
      return moved;
    });
    if (event !== undefined) this.#bus.deliver(event);
    return outcome;
  }

  /** A charge and the project whose balance it debited; CORRECTION_TARGET_NOT_FOUND for anything else. */
  async #charge(chargeId: string): Promise<{ projectId: string; charge: Transfer }> {
    const notACharge = () =>
      new BillingError('CORRECTION_TARGET_NOT_FOUND', `no charge ${chargeId}`, {
        hint: 'charge ids are listed by `gpuaas billing charges`',
        details: { charge_id: chargeId },
      });
    const db = asBillingDb(this.#db);
    const charge = await getTransfer(db, chargeId);
    if (
      charge === undefined ||
      (charge.kind !== 'single' && charge.kind !== 'post') ||
      !(CHARGE_CATEGORIES as readonly string[]).includes(charge.category)
    ) {
      throw notACharge();
    }
    const account = await db
      .selectFrom('billing_accounts')
      .select(['kind', 'owner_id'])
      .where('id', '=', charge.debitAccountId)
      .executeTakeFirst();
    if (account?.kind !== 'project_prepaid' || account.owner_id === null) throw notACharge();
    return { projectId: account.owner_id, charge };
  }
}

function requireOperator(principal: Principal, action: string): void {
  if (!isOperator(principal)) throw new PlatformError('FORBIDDEN', `only operators may ${action}`);
}

/** A typed decimal amount, within what one operator action may move. */
function operationAmount(text: string): bigint {
  const amount = parseMoney(text);
  if (amount > MAX_OPERATION_MICROS) {
    throw new BillingError('AMOUNT_INVALID', `${text} is more than one operation may move`, {
      hint: 'at most 1000000000 per operation',
    });
  }
  return amount;
}

/**
 * The ledger id of an operator action: from the caller and its Idempotency-Key, so a retry —
 * even after the key's 24 hours in the HTTP layer — finds the transfer made the first time
 * instead of moving money again (transfer ids are unique forever). Without a key, a fresh id.
 */
export function ledgerId(kind: string, principal: Principal, idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return `${kind}:${newId()}`;
  const digest = createHash('sha256')
    .update(`${principalKey(principal)}\n${idempotencyKey}`)
    .digest('hex');
  return `${kind}:${digest.slice(0, 32)}`;
}

/** Micro-units as a JSON integer; amounts past 2^53 cannot occur through operationAmount's cap. */
export function jsonMicros(micros: bigint): number {
  const value = Number(micros);
  if (!Number.isSafeInteger(value)) throw new Error(`${micros} micro-units do not fit a JSON integer`);
  return value;
}
