/**
 * Billing over HTTP: a project's balance and charges (viewers and operators), top-ups, refunds
 * and promotional credit (operators), publishers' earnings (members, operators) and every
 * project's budget (operators). The rules live in billing/service.ts; this file reads the
 * request, names the audit target and writes money as integer micro-units.
 */
import type { Request, Response } from 'express';
import type { components } from '@gpuaas/platform-contract';
import { requirePrincipal } from '../auth/middleware.js';
import { spentPercent } from '../billing/budgets.js';
import type { BudgetOverview, BudgetStatus } from '../billing/budgets.js';
import type { PublisherEarnings } from '../billing/earnings.js';
import type { Charge } from '../billing/charges.js';
import type { RefundRequest } from '../billing/refund-requests.js';
import { statementCsv } from '../billing/statement-csv.js';
import type { Statement, StatementAccount } from '../billing/statements.js';
import { jsonMicros } from '../billing/service.js';
import type { Transfer, TransferOutcome } from '../billing/ledger.js';
import { setAuditTarget } from '../http/audit.js';
import { pageOf } from '../http/pagination.js';
import { operationOf } from '../http/pipeline.js';
import { pageRequest } from './identity.js';
import type { Handlers, Services } from './services.js';

type BillingTransfer = components['schemas']['BillingTransfer'];
type BillingCharge = components['schemas']['BillingCharge'];

export function transferView(transfer: Transfer): BillingTransfer {
  return {
    id: transfer.id,
    kind: transfer.kind,
    category: transfer.category,
    currency: transfer.currency,
    amount_micros: jsonMicros(transfer.amount),
    debit_account_id: transfer.debitAccountId,
    credit_account_id: transfer.creditAccountId,
    corrects_id: transfer.correctsId,
    allocation_id: transfer.allocationId,
    period_start: transfer.periodStart,
    period_end: transfer.periodEnd,
    reason: transfer.reason,
    created_at: transfer.createdAt,
  };
}

function chargeView(projectId: string, charge: Charge): BillingCharge {
  const { transfer } = charge;
  return {
    id: transfer.id,
    kind: transfer.category,
    project_id: projectId,
    currency: transfer.currency,
    allocation_id: transfer.allocationId,
    amount_micros: jsonMicros(transfer.amount),
    refunded_micros: jsonMicros(charge.refunded),
    period_start: transfer.periodStart,
    period_end: transfer.periodEnd,
    transfer_ids: charge.transferIds,
    created_at: transfer.createdAt,
  };
}

function refundRequestView(request: RefundRequest): components['schemas']['BillingRefundRequest'] {
  return {
    id: request.id,
    charge_id: request.chargeId,
    project_id: request.projectId,
    amount_micros: jsonMicros(request.amount),
    reason: request.reason,
    requested_by: request.requestedBy,
    requested_at: request.requestedAt,
    approved_by: request.approvedBy,
    approved_at: request.approvedAt,
    transfer_id: request.transferId,
  };
}

const idempotencyKey = (req: Request): string | undefined => {
  const key = req.headers['idempotency-key'];
  return typeof key === 'string' ? key : undefined;
};

function budgetView(
  projectId: string,
  currency: string,
  status: BudgetStatus,
): components['schemas']['BillingBudget'] {
  return {
    project_id: projectId,
    currency,
    limit_micros: status.budget === undefined ? null : jsonMicros(status.budget.limit),
    alert_thresholds: status.budget?.thresholds ?? [],
    period: status.period,
    spent_micros: jsonMicros(status.spent),
    alerts_fired: status.fired.map((f) => ({ threshold: f.threshold, fired_at: f.firedAt })),
  };
}

function budgetOverviewView(overview: BudgetOverview): components['schemas']['BillingBudgetOverview'] {
  const { budget } = overview;
  return {
    project_id: budget.projectId,
    currency: budget.currency,
    limit_micros: jsonMicros(budget.limit),
    alert_thresholds: budget.thresholds,
    period: overview.period,
    spent_micros: jsonMicros(overview.spent),
    spent_percent: spentPercent(overview.spent, budget.limit),
    alerts_fired: overview.fired.map((f) => ({ threshold: f.threshold, fired_at: f.firedAt })),
  };
}

function earningsView(earnings: PublisherEarnings): components['schemas']['BillingEarnings'] {
  const { totals } = earnings;
  return {
    project_id: earnings.projectId,
    currency: earnings.currency,
    period: earnings.period,
    payable_micros: jsonMicros(earnings.payable),
    opening_balance_micros: jsonMicros(earnings.opening),
    closing_balance_micros: jsonMicros(earnings.closing),
    totals: {
      earned_micros: jsonMicros(totals.earned),
      refunds_micros: jsonMicros(totals.refunded),
      fees_withheld_micros: jsonMicros(totals.feesWithheld),
      charged_micros: jsonMicros(totals.charged),
      net_micros: jsonMicros(totals.net),
    },
    by_app: earnings.byApp.map((line) => ({
      version_id: line.versionId,
      app: line.app,
      version: line.version,
      meter: line.meter,
      events: line.events,
      charged_micros: jsonMicros(line.charged),
      fee_micros: jsonMicros(line.fee),
      earned_micros: jsonMicros(line.earned),
    })),
    lines: earnings.lines.map(({ transfer, amount }) => ({
      transfer_id: transfer.id,
      category: transfer.category,
      amount_micros: jsonMicros(amount),
      allocation_id: transfer.allocationId,
      period_start: transfer.periodStart,
      period_end: transfer.periodEnd,
      posted_at: transfer.createdAt,
      corrects_id: transfer.correctsId,
    })),
  };
}

/** Whose statement a request names (`?account=`, validated by the contract): the project's by default. */
function accountOf(res: Response): StatementAccount {
  const { account } = operationOf(res).query as { account?: string };
  return account === 'publisher' ? 'publisher' : 'project';
}

/**
 * Sends a statement as its canonical JSON bytes (a closed one's are the stored bytes, so they go
 * out unchanged rather than through res.json), or as CSV.
 */
function sendStatement(res: Response, status: number, statement: Statement, csv: boolean): void {
  // Compile-time proof that the document is the contract's BillingStatement.
  const doc: components['schemas']['BillingStatement'] = statement.doc;
  res.status(status);
  res.setHeader('X-Statement-Sha256', statement.sha256);
  if (csv) {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="${doc.account === 'publisher' ? 'publisher-' : ''}statement-${doc.project_id}-${doc.period}.csv"`,
    );
    res.send(statementCsv(doc));
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.send(statement.body);
}

/** 201 for a transfer made now, 200 for one this key had made before (nothing moved). */
const statusOf = (outcome: TransferOutcome) => (outcome.created ? 201 : 200);

export function billingHandlers(s: Services): Handlers {
  const { billing } = s;
  const queryOf = (res: Response) => operationOf(res).query as Record<string, string | undefined>;

  return {
    getBillingBalance: async (_req, res) => {
      const balance = await billing.balance(requirePrincipal(res), queryOf(res).project_id ?? '');
      res.json({
        project_id: balance.projectId,
        currency: balance.currency,
        balance_micros: jsonMicros(balance.balance),
        available_micros: jsonMicros(balance.available),
        holds_micros: jsonMicros(balance.holds),
        prepaid_micros: jsonMicros(balance.prepaid),
        promotional_micros: jsonMicros(balance.promotional),
        running_interval_micros: jsonMicros(balance.runningInterval),
        funds_exhausted:
          balance.fundsExhausted === null
            ? null
            : { since: balance.fundsExhausted.since, release_after: balance.fundsExhausted.releaseAfter },
      });
    },

    listBillingCharges: async (_req, res) => {
      const query = queryOf(res);
      const limit = operationOf(res).query.limit as number;
      const cursor = query.cursor;
      const page = await billing.charges(requirePrincipal(res), {
        projectId: query.project_id,
        allocationId: query.allocation_id,
        limit,
        after: cursor === undefined ? undefined : s.cursors.decode('listBillingCharges', cursor),
      });
      const last = page.items.at(-1);
      res.json({
        items: page.items.map((charge) => chargeView(page.projectId, charge)),
        next_cursor:
          page.more && last !== undefined
            ? s.cursors.encode('listBillingCharges', [last.transfer.createdAt, last.transfer.id])
            : null,
      });
    },

    getBillingStatement: async (req, res) => {
      const { project_id: projectId = '', period = '' } = operationOf(res).params;
      const format = queryOf(res).format;
      const csv =
        format === 'csv' ||
        (format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
      const statement = await billing.statement(requirePrincipal(res), projectId, period, accountOf(res));
      sendStatement(res, 200, statement, csv);
    },

    closeBillingStatement: async (_req, res) => {
      const { project_id: projectId = '', period = '' } = operationOf(res).params;
      const account = accountOf(res);
      setAuditTarget(res, { id: projectId, projectId, details: { period, account } });
      const { statement, created } = await billing.closeStatement(
        requirePrincipal(res),
        projectId,
        period,
        account,
      );
      setAuditTarget(res, {
        id: projectId,
        projectId,
        details: { period, account, sha256: statement.sha256, seq: String(statement.doc.seq), created },
      });
      sendStatement(res, created ? 201 : 200, statement, false);
    },

    getBillingBudget: async (_req, res) => {
      const projectId = operationOf(res).params.project_id ?? '';
      const status = await billing.budget(requirePrincipal(res), projectId);
      res.json(budgetView(projectId, billing.currency, status));
    },

    listBillingBudgets: async (_req, res) => {
      const budgets = await billing.budgets(requirePrincipal(res));
      res.json({ items: budgets.map(budgetOverviewView) });
    },

    getBillingEarnings: async (_req, res) => {
      const query = queryOf(res);
      const earnings = await billing.earnings(requirePrincipal(res), query.project_id ?? '', query.period);
      res.json(earningsView(earnings));
    },

    setBillingBudget: async (req, res) => {
      const projectId = operationOf(res).params.project_id ?? '';
      const { limit, alert_thresholds } = req.body;
      setAuditTarget(res, { id: projectId, projectId, details: { limit, alert_thresholds } });
      const status = await billing.setBudget(requirePrincipal(res), projectId, {
        limit,
        alertThresholds: alert_thresholds,
      });
      res.json(budgetView(projectId, billing.currency, status));
    },

    createBillingTopup: async (req, res) => {
      const { project_id, amount, reason } = req.body;
      setAuditTarget(res, { id: project_id, projectId: project_id, details: { amount, reason } });
      const outcome = await billing.topUp(requirePrincipal(res), {
        projectId: project_id,
        amount,
        reason,
        idempotencyKey: idempotencyKey(req),
      });
      setAuditTarget(res, {
        id: project_id,
        projectId: project_id,
        details: { amount, reason, transfer_id: outcome.transfer.id, created: outcome.created },
      });
      res.status(statusOf(outcome)).json(transferView(outcome.transfer));
    },

    createBillingRefund: async (req, res) => {
      const { charge_id, amount, reason } = req.body;
      setAuditTarget(res, { id: charge_id, details: { amount: amount ?? 'rest', reason } });
      const outcome = await billing.refund(requirePrincipal(res), {
        chargeId: charge_id,
        amount,
        reason,
        idempotencyKey: idempotencyKey(req),
      });
      setAuditTarget(res, {
        id: charge_id,
        projectId: outcome.projectId,
        details: {
          amount_micros: outcome.transfer.amount.toString(),
          reason,
          transfer_id: outcome.transfer.id,
          created: outcome.created,
        },
      });
      res.status(statusOf(outcome)).json(transferView(outcome.transfer));
    },

    listBillingRefundRequests: async (_req, res) => {
      const { limit, after } = pageRequest(s, res);
      const state = queryOf(res).state === 'approved' ? 'approved' : 'pending';
      const rows = await billing.refundRequests(requirePrincipal(res), { state, limit, after });
      const page = pageOf(rows, limit, (last) => s.cursors.encode('listBillingRefundRequests', [last.id]));
      res.json({ items: page.items.map(refundRequestView), next_cursor: page.next_cursor });
    },

    createBillingRefundRequest: async (req, res) => {
      const { charge_id, amount, reason } = req.body;
      setAuditTarget(res, { id: charge_id, details: { amount: amount ?? 'rest', reason } });
      const { request, created } = await billing.requestRefund(requirePrincipal(res), {
        chargeId: charge_id,
        amount,
        reason,
        idempotencyKey: idempotencyKey(req),
      });
      setAuditTarget(res, {
        id: charge_id,
        projectId: request.projectId,
        details: { amount_micros: request.amount.toString(), reason, request_id: request.id, created },
      });
      res.status(created ? 201 : 200).json(refundRequestView(request));
    },

    approveBillingRefundRequest: async (req, res) => {
      const requestId = operationOf(res).params.request_id ?? '';
      const outcome = await billing.approveRefund(requirePrincipal(res), requestId);
      setAuditTarget(res, {
        id: requestId,
        projectId: outcome.projectId,
        details: {
          amount_micros: outcome.transfer.amount.toString(),
          transfer_id: outcome.transfer.id,
          created: outcome.created,
        },
      });
      res.status(statusOf(outcome)).json(transferView(outcome.transfer));
    },

    createBillingPromotion: async (req, res) => {
      const { project_id, amount, expires_at, reason } = req.body;
      setAuditTarget(res, { id: project_id, projectId: project_id, details: { amount, expires_at, reason } });
      const granted = await billing.grantPromotion(requirePrincipal(res), {
        projectId: project_id,
        amount,
        expiresAt: expires_at,
        reason,
        idempotencyKey: idempotencyKey(req),
      });
      const { transfer } = granted.outcome;
      setAuditTarget(res, {
        id: project_id,
        projectId: project_id,
        details: { amount, expires_at, reason, grant_id: granted.grantId, transfer_id: transfer.id },
      });
      res.status(statusOf(granted.outcome)).json({
        id: granted.grantId,
        project_id: granted.projectId,
        currency: transfer.currency,
        amount_micros: jsonMicros(transfer.amount),
        expires_at: granted.expiresAt,
        reason: granted.reason,
        transfer: transferView(transfer),
      });
    },
  };
}
