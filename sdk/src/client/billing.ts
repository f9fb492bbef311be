/**
 * Billing for library users and the CLI alike: a project's balance and charges, and the
 * operators' top-ups, refunds and promotional credit. Money the API returns is in integer
 * micro-units (`*_micros`); amounts you send are decimal text (`'12.50'`), never floats.
 */
import { randomUUID } from 'node:crypto';
import type { components } from '@gpuaas/platform-contract';
import { listAll } from './client.js';
import type { PlatformClient } from './client.js';

export type BillingBalance = components['schemas']['BillingBalance'];
export type BillingCharge = components['schemas']['BillingCharge'];
export type BillingTransfer = components['schemas']['BillingTransfer'];
export type BillingPromotion = components['schemas']['BillingPromotion'];
export type BillingRefundRequest = components['schemas']['BillingRefundRequest'];
export type BillingStatement = components['schemas']['BillingStatement'];
export type BillingBudget = components['schemas']['BillingBudget'];
export type BillingBudgetOverview = components['schemas']['BillingBudgetOverview'];
export type BillingEarnings = components['schemas']['BillingEarnings'];

/** Every operator action takes a reason and may reuse an idempotency key across retries. */
interface BillingMutation {
  /** Why: stored on the transfer and in the audit trail. */
  reason: string;
  /** Reuse across retries of the same action (default: one fresh key per call). */
  idempotencyKey?: string;
}

export interface TopUpInput extends BillingMutation {
  projectId: string;
  /** Decimal text in the platform's currency, e.g. `'12.50'`. */
  amount: string;
}

export interface RefundInput extends BillingMutation {
  chargeId: string;
  /** Decimal text; default, what is left of the charge. */
  amount?: string;
}

export interface CreditInput extends BillingMutation {
  projectId: string;
  amount: string;
  /** When the credit stops being spendable (RFC 3339, or a Date). */
  expiresAt: string | Date;
}

export async function readBalance(client: PlatformClient, projectId: string): Promise<BillingBalance> {
  const { data } = await client.api.GET('/v1/billing/balance', {
    params: { query: { project_id: projectId } },
  });
  return data!;
}

/** Charges of a project, or of one allocation, oldest first, page after page. */
export function listCharges(
  client: PlatformClient,
  filter: { projectId?: string; allocationId?: string },
): AsyncGenerator<BillingCharge, void, undefined> {
  return listAll((cursor) =>
    client.api.GET('/v1/billing/charges', {
      params: {
        query: {
          limit: 100,
          ...(filter.projectId === undefined ? {} : { project_id: filter.projectId }),
          ...(filter.allocationId === undefined ? {} : { allocation_id: filter.allocationId }),
          ...(cursor === undefined ? {} : { cursor }),
        },
      },
    }),
  );
}

const keyHeader = (input: BillingMutation) => ({
  header: { 'Idempotency-Key': input.idempotencyKey ?? randomUUID() },
});

/** Operators: credits the project's prepaid balance; resolves with the transfer. */
export async function topUp(client: PlatformClient, input: TopUpInput): Promise<BillingTransfer> {
  const { data } = await client.api.POST('/v1/billing/topups', {
    params: keyHeader(input),
    body: { project_id: input.projectId, amount: input.amount, reason: input.reason },
  });
  return data!;
}

/** Operators: refunds a charge (never more than what is left of it); resolves with the transfer. */
export async function refundCharge(client: PlatformClient, input: RefundInput): Promise<BillingTransfer> {
  const { data } = await client.api.POST('/v1/billing/refunds', {
    params: keyHeader(input),
    body: {
      charge_id: input.chargeId,
      reason: input.reason,
      ...(input.amount === undefined ? {} : { amount: input.amount }),
    },
  });
  return data!;
}

/**
 * Operators: files a refund for a second operator to approve (needed above the platform's
 * `refundApprovalAbove`, where `refundCharge` is refused with REFUND_APPROVAL_REQUIRED).
 */
export async function requestRefund(
  client: PlatformClient,
  input: RefundInput,
): Promise<BillingRefundRequest> {
  const { data } = await client.api.POST('/v1/billing/refund-requests', {
    params: keyHeader(input),
    body: {
      charge_id: input.chargeId,
      reason: input.reason,
      ...(input.amount === undefined ? {} : { amount: input.amount }),
    },
  });
  return data!;
}

/** Operators other than the requester: makes the requested refund; resolves with its transfer. */
export async function approveRefund(client: PlatformClient, requestId: string): Promise<BillingTransfer> {
  const { data } = await client.api.POST('/v1/billing/refund-requests/{request_id}/approve', {
    params: { path: { request_id: requestId } },
  });
  return data!;
}

/** Operators: promotional credit that pays before the prepaid balance until it expires. */
export async function grantCredit(client: PlatformClient, input: CreditInput): Promise<BillingPromotion> {
  const expiresAt = input.expiresAt instanceof Date ? input.expiresAt.toISOString() : input.expiresAt;
  const { data } = await client.api.POST('/v1/billing/promotions', {
    params: keyHeader(input),
    body: { project_id: input.projectId, amount: input.amount, expires_at: expiresAt, reason: input.reason },
  });
  return data!;
}

/** The current calendar month in UTC, `YYYY-MM`: the default statement period. */
export function currentPeriod(now = new Date()): string {
  return now.toISOString().slice(0, 7);
}

/**
 * Whose statement: `project` (default), the project's prepaid balance; `publisher`, the project's
 * earnings as an app publisher (members of the publisher project), chained on its own.
 */
export interface StatementOptions {
  account?: 'project' | 'publisher';
}

function accountQuery(options: StatementOptions): { account?: 'publisher' } {
  return options.account === 'publisher' ? { account: 'publisher' } : {};
}

/**
 * A project's statement for a month (`YYYY-MM`, UTC): lines with their ledger transfer ids,
 * opening and closing balances, totals. A closed statement is the same document every time.
 *
 * @example
 * const earnings = await readStatement(client, publisherProjectId, '2026-11', { account: 'publisher' });
 */
export async function readStatement(
  client: PlatformClient,
  projectId: string,
  period: string,
  options: StatementOptions = {},
): Promise<BillingStatement> {
  const { data } = await client.api.GET('/v1/billing/statements/{project_id}/{period}', {
    params: { path: { project_id: projectId, period }, query: accountQuery(options) },
  });
  // The operation also offers CSV (a string); without `format` the platform answers JSON.
  if (typeof data === 'string') throw new TypeError('the platform answered a statement as text, not JSON');
  return data!;
}

/** The same statement as CSV text (a header row, the opening balance, the lines, the totals). */
export async function readStatementCsv(
  client: PlatformClient,
  projectId: string,
  period: string,
  options: StatementOptions = {},
): Promise<string> {
  const { data } = await client.api.GET('/v1/billing/statements/{project_id}/{period}', {
    params: { path: { project_id: projectId, period }, query: { format: 'csv', ...accountQuery(options) } },
    parseAs: 'text',
  });
  return data!;
}

/** Operators: closes a month's statement for good (chained to the previous closed one by hash). */
export async function closeStatement(
  client: PlatformClient,
  projectId: string,
  period: string,
  options: { idempotencyKey?: string } & StatementOptions = {},
): Promise<BillingStatement> {
  const { data } = await client.api.POST('/v1/billing/statements/{project_id}/{period}/close', {
    params: {
      path: { project_id: projectId, period },
      query: accountQuery(options),
      header: { 'Idempotency-Key': options.idempotencyKey ?? randomUUID() },
    },
  });
  return data!;
}

/** The project's monthly budget, this month's spend and the alerts fired (limit null: none set). */
export async function readBudget(client: PlatformClient, projectId: string): Promise<BillingBudget> {
  const { data } = await client.api.GET('/v1/billing/budgets/{project_id}', {
    params: { path: { project_id: projectId } },
  });
  return data!;
}

/** Operators: every project that has a budget, with this month's spend and alerts fired. */
export async function listBudgets(client: PlatformClient): Promise<BillingBudgetOverview[]> {
  const { data } = await client.api.GET('/v1/billing/budgets', {});
  return data!.items;
}

/**
 * A publisher project's earnings for a month (`YYYY-MM`, UTC; default this month): what its apps
 * earned by app, version and meter, the platform fees withheld, the earnings account's ledger
 * lines and what is payable now. Members of the project and operators.
 */
export async function readEarnings(
  client: PlatformClient,
  projectId: string,
  period?: string,
): Promise<BillingEarnings> {
  const { data } = await client.api.GET('/v1/billing/earnings', {
    params: { query: { project_id: projectId, ...(period === undefined ? {} : { period }) } },
  });
  return data!;
}

export interface BudgetInput {
  /** Decimal text per month, e.g. `'500.00'`. */
  limit: string;
  /** Whole percentages of the limit at which `billing.budget_alert` fires, e.g. `[50, 80, 100]`. */
  alertThresholds: number[];
}

/** Owners and operators: replaces the project's monthly budget. */
export async function setBudget(
  client: PlatformClient,
  projectId: string,
  input: BudgetInput,
): Promise<BillingBudget> {
  const { data } = await client.api.PUT('/v1/billing/budgets/{project_id}', {
    params: { path: { project_id: projectId } },
    body: { limit: input.limit, alert_thresholds: input.alertThresholds },
  });
  return data!;
}

/**
 * Why a balance needs attention, or undefined. Each running allocation's next interval is held
 * before it starts, so available funds below one interval of the running allocations (their
 * `running_interval_micros`, or the holds already placed) cannot pay for the interval after: the
 * platform then tells the project (`funds_exhausted`) and releases them after its grace period.
 * With nothing running, no available funds means new allocations are refused.
 */
export function lowFundsWarning(balance: BillingBalance): string | undefined {
  const { available_micros: available, holds_micros: holds, funds_exhausted: exhausted } = balance;
  if (exhausted !== null) {
    return `funds ran out at ${exhausted.since}: running allocations are released from ${exhausted.release_after} unless funds arrive first`;
  }
  const nextInterval = Math.max(balance.running_interval_micros, holds);
  if (nextInterval > 0 && available < nextInterval) {
    return 'available funds do not cover the next interval of your running allocations: they will be released when funds run out';
  }
  if (available <= 0) return 'no funds available: new allocations will be refused';
  return undefined;
}

/** Micro-units as decimal text (at least two decimals, more only when not zero): `12_500_000` → `'12.50'`. */
export function formatMicros(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const units = Math.trunc(abs / 1_000_000);
  const fraction = String(abs % 1_000_000)
    .padStart(6, '0')
    .replace(/0+$/, '')
    .padEnd(2, '0');
  return `${sign}${units}.${fraction}`;
}
