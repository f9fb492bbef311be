/**
 * `gpuaas billing balance|charges|statement|budget` (project viewers), `budget set` (owners and
 * operators), `earnings` (members of a publisher project), `budget list` and
 * `topup|refund|credit|close` (operators). Money
 * prints as decimal text in tables and as the API's integer micro-units with `--output json`;
 * amounts typed on the command line are decimal text (`12.50`), checked by the platform.
 */
import {
  approveRefund,
  closeStatement,
  collectAll,
  currentPeriod,
  formatMicros,
  grantCredit,
  listBudgets,
  lowFundsWarning,
  readBalance,
  readBudget,
  readEarnings,
  readStatement,
  readStatementCsv,
  refundCharge,
  requestRefund,
  resolveAllocationId,
  setBudget,
  topUp,
} from '@gpuaas/sdk/client';
import type {
  BillingBalance,
  BillingBudget,
  BillingBudgetOverview,
  BillingCharge,
  BillingEarnings,
  BillingStatement,
  BillingTransfer,
} from '@gpuaas/sdk/client';
import { SdkError, parseDuration } from '@gpuaas/sdk/common';
import { printDiagnostic, printLine } from '../../output.js';
import type { CliIo } from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import {
  action,
  compact,
  platformClientFor,
  printList,
  printResource,
  resolveProject,
  wantsJson,
  withGlobalOptions,
} from '../common.js';
import type { GlobalOptions } from '../common.js';
import { PROJECT_HELP, explicitProject, projectFor } from '../project.js';

interface ReasonOptions extends GlobalOptions {
  reason: string;
}

const CHARGE_COLUMNS = ['id', 'kind', 'allocation', 'amount', 'refunded', 'period_start', 'period_end'];

function chargeRow(c: BillingCharge): unknown[] {
  return [
    c.id,
    c.kind,
    c.allocation_id ?? '-',
    formatMicros(c.amount_micros),
    formatMicros(c.refunded_micros),
    c.period_start ?? '-',
    c.period_end ?? '-',
  ];
}

function printBalance(io: CliIo, options: GlobalOptions, balance: BillingBalance): void {
  if (wantsJson(options)) {
    printResource(io, options, balance);
    return;
  }
  printResource(io, options, {
    project_id: balance.project_id,
    currency: balance.currency,
    balance: formatMicros(balance.balance_micros),
    holds: formatMicros(balance.holds_micros),
    available: formatMicros(balance.available_micros),
    prepaid: formatMicros(balance.prepaid_micros),
    promotional: formatMicros(balance.promotional_micros),
    running_interval: formatMicros(balance.running_interval_micros),
    funds_exhausted:
      balance.funds_exhausted === null
        ? '-'
        : `since ${balance.funds_exhausted.since}, release from ${balance.funds_exhausted.release_after}`,
  });
}

function printTransfer(io: CliIo, options: GlobalOptions, transfer: BillingTransfer): void {
  if (wantsJson(options)) {
    printResource(io, options, transfer);
    return;
  }
  const { amount_micros, ...rest } = transfer;
  printResource(io, options, { ...rest, amount: formatMicros(amount_micros) });
}

const STATEMENT_COLUMNS = ['posted_at', 'kind', 'category', 'amount', 'allocation', 'adjusts', 'transfer'];

/** A statement as `field value` lines, then its lines as a table (exact amounts, never rounded). */
function printStatement(io: CliIo, options: GlobalOptions, statement: BillingStatement): void {
  if (wantsJson(options)) {
    printResource(io, options, statement);
    return;
  }
  const { display } = statement;
  printResource(io, options, {
    project_id: statement.project_id,
    period: statement.period,
    status:
      statement.status === 'closed'
        ? `closed ${statement.closed_at ?? ''} (#${statement.seq ?? '-'})`
        : 'open',
    currency: statement.currency,
    opening_balance: display.opening_balance,
    ...(statement.account === 'publisher'
      ? { account: 'publisher', earnings: display.earnings ?? '0.00', refunds: display.refunds }
      : {
          charges: display.charges,
          refunds: display.refunds,
          topups: display.topups,
          credits: display.credits,
        }),
    closing_balance: display.closing_balance,
    previous_sha256: statement.previous_sha256 ?? '-',
  });
  printLine(io);
  printList(
    io,
    options,
    undefined,
    STATEMENT_COLUMNS,
    statement.lines.map((l) => [
      l.posted_at,
      l.kind,
      l.category,
      formatMicros(l.amount_micros),
      l.allocation_id ?? '-',
      l.adjusts_period ?? '-',
      l.transfer_id,
    ]),
  );
  printDiagnostic(io, `rounding: ${statement.rounding}`);
}

function printBudget(io: CliIo, options: GlobalOptions, budget: BillingBudget): void {
  if (wantsJson(options)) {
    printResource(io, options, budget);
    return;
  }
  const limit = budget.limit_micros;
  printResource(io, options, {
    project_id: budget.project_id,
    limit:
      limit === null
        ? 'none (gpuaas billing budget set --limit AMOUNT)'
        : `${formatMicros(limit)} ${budget.currency}/month`,
    alerts: budget.alert_thresholds.map((t) => `${t}%`).join(', ') || '-',
    period: budget.period,
    spent: formatMicros(budget.spent_micros),
    used: limit === null || limit === 0 ? '-' : `${Math.floor((budget.spent_micros * 100) / limit)}%`,
    fired: budget.alerts_fired.map((a) => `${a.threshold}% at ${a.fired_at}`).join(', ') || '-',
  });
}

const BUDGET_LIST_COLUMNS = ['project', 'limit', 'spent', 'used', 'alerts', 'fired'];

function budgetListRow(b: BillingBudgetOverview): unknown[] {
  return [
    b.project_id,
    `${formatMicros(b.limit_micros)} ${b.currency}`,
    formatMicros(b.spent_micros),
    `${b.spent_percent}%`,
    b.alert_thresholds.map((t) => `${t}%`).join(',') || '-',
    b.alerts_fired.map((a) => `${a.threshold}%`).join(',') || '-',
  ];
}

const EARNINGS_COLUMNS = ['app', 'version', 'meter', 'events', 'charged', 'fee', 'earned'];

/** Earnings as `field value` lines, then by app, version and meter (exact amounts). */
function printEarnings(io: CliIo, options: GlobalOptions, earnings: BillingEarnings): void {
  if (wantsJson(options)) {
    printResource(io, options, earnings);
    return;
  }
  const { totals } = earnings;
  printResource(io, options, {
    project_id: earnings.project_id,
    period: earnings.period,
    currency: earnings.currency,
    earned: formatMicros(totals.earned_micros),
    refunds: formatMicros(totals.refunds_micros),
    fees_withheld: formatMicros(totals.fees_withheld_micros),
    charged_to_tenants: formatMicros(totals.charged_micros),
    opening_balance: formatMicros(earnings.opening_balance_micros),
    closing_balance: formatMicros(earnings.closing_balance_micros),
    payable_now: formatMicros(earnings.payable_micros),
  });
  printLine(io);
  printList(
    io,
    options,
    undefined,
    EARNINGS_COLUMNS,
    earnings.by_app.map((l) => [
      l.app ?? '-',
      l.version ?? '-',
      l.meter,
      l.events,
      formatMicros(l.charged_micros),
      formatMicros(l.fee_micros),
      formatMicros(l.earned_micros),
    ]),
  );
}

/** `--alerts 50,80,100`: whole percentages of the limit. */
function parseAlerts(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d{1,4}$/.test(p))) {
    throw new SdkError(
      'USAGE',
      `--alerts takes whole percentages separated by commas, e.g. 50,80,100 (got "${text}")`,
    );
  }
  return parts.map(Number);
}

/** `--period`: a calendar month in UTC. */ /** `--period`: a calendar month in UTC. */
function parsePeriodOption(text: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(text)) {
    throw new SdkError('USAGE', `--period must be a month written YYYY-MM, e.g. 2026-12 (got "${text}")`);
  }
  return text;
}

/** `--expires`: an RFC 3339 time, a date (midnight UTC), or a duration from now (`30d`). */
export function parseExpiry(text: string, now = Date.now()): string {
  const duration = parseDuration(text, 10 * 366 * 86_400);
  if (duration.ok) return new Date(now + duration.seconds * 1000).toISOString();
  const time = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(time)) {
    throw new SdkError(
      'USAGE',
      `--expires must be a date (2027-01-31), a time (2027-01-31T12:00:00Z) or a duration (30d) (got "${text}")`,
    );
  }
  return new Date(time).toISOString();
}

export const registerBilling: RegisterCommand = (program, ctx) => {
  const { io } = ctx;
  const billing = program
    .command('billing')
    .description(
      "A project's balance, charges and statements; top-ups, refunds, credit, closing (operators)",
    );

  withGlobalOptions(
    billing
      .command('balance')
      .description('Balance, holds and available funds; warns on stderr when funds run low')
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (options: GlobalOptions & { project?: string }) => {
      const client = await platformClientFor(io, options);
      const project = await projectFor(io, client, options.project);
      const balance = await readBalance(client, project.id);
      printBalance(io, options, balance);
      const warning = lowFundsWarning(balance);
      if (warning !== undefined) {
        printDiagnostic(
          io,
          `warning: ${warning} (available ${formatMicros(balance.available_micros)} ${balance.currency}, holds ${formatMicros(balance.holds_micros)}); ask an operator to top up (gpuaas billing topup)`,
        );
      }
    }),
  );

  withGlobalOptions(
    billing
      .command('charges')
      .description("Charges to the project's balance, oldest first, with what was refunded of each")
      .option('--project <project>', PROJECT_HELP)
      .option('--allocation <allocation>', "only this allocation's charges (id or name)"),
  ).action(
    action(ctx, async (options: GlobalOptions & { project?: string; allocation?: string }) => {
      const client = await platformClientFor(io, options);
      const allocation_id =
        options.allocation === undefined ? undefined : await resolveAllocationId(client, options.allocation);
      // An allocation names its project; without one the command needs a project.
      const project =
        allocation_id === undefined
          ? await projectFor(io, client, options.project)
          : await explicitProject(io, client, options.project);
      const items = await collectAll((cursor) =>
        client.api.GET('/v1/billing/charges', {
          params: { query: compact({ project_id: project?.id, allocation_id, limit: 100, cursor }) },
        }),
      );
      printList(io, options, { items }, CHARGE_COLUMNS, items.map(chargeRow));
    }),
  );

  withGlobalOptions(
    billing
      .command('statement')
      .description(
        "The project's statement for a month: every line with its ledger transfers, balances, totals",
      )
      .option('--project <project>', PROJECT_HELP)
      .option('--period <month>', 'YYYY-MM, UTC (default: this month)', parsePeriodOption)
      .option('--format <format>', 'csv for the CSV statement on stdout')
      .option('--publisher', "the project's publisher statement: its earnings from its apps"),
  ).action(
    action(
      ctx,
      async (
        options: GlobalOptions & { project?: string; period?: string; format?: string; publisher?: boolean },
      ) => {
        if (options.format !== undefined && options.format !== 'csv') {
          throw new SdkError('USAGE', `--format takes csv (got "${options.format}"); JSON is --output json`);
        }
        const client = await platformClientFor(io, options);
        const project = await projectFor(io, client, options.project);
        const period = options.period ?? currentPeriod();
        const account = options.publisher === true ? 'publisher' : 'project';
        if (options.format === 'csv') {
          io.stdout.write(await readStatementCsv(client, project.id, period, { account }));
          return;
        }
        printStatement(io, options, await readStatement(client, project.id, period, { account }));
      },
    ),
  );

  withGlobalOptions(
    billing
      .command('close')
      .description("Close a month's statement for good, chained by hash to the previous one (operators)")
      .argument('<period>', 'YYYY-MM, UTC; the month must be over', parsePeriodOption)
      .option('--project <project>', PROJECT_HELP)
      .option('--publisher', "close the project's publisher statement (its own chain)"),
  ).action(
    action(
      ctx,
      async (period: string, options: GlobalOptions & { project?: string; publisher?: boolean }) => {
        const client = await platformClientFor(io, options);
        const project = await projectFor(io, client, options.project);
        const account = options.publisher === true ? 'publisher' : 'project';
        printStatement(io, options, await closeStatement(client, project.id, period, { account }));
      },
    ),
  );

  // `budget` alone shows it (a default subcommand, so `set` gets its own --project and --output).
  const budget = billing
    .command('budget')
    .description(
      "The project's monthly budget, this month's spend and the alerts fired; `budget set` sets it",
    );
  withGlobalOptions(
    budget
      .command('show', { isDefault: true })
      .description("The project's monthly budget, this month's spend and the alerts fired")
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (options: GlobalOptions & { project?: string }) => {
      const client = await platformClientFor(io, options);
      const project = await projectFor(io, client, options.project);
      printBudget(io, options, await readBudget(client, project.id));
    }),
  );
  withGlobalOptions(
    budget
      .command('list')
      .description("Every project's budget with this month's spend and alerts fired (operators)"),
  ).action(
    action(ctx, async (options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      const items = await listBudgets(client);
      printList(io, options, { items }, BUDGET_LIST_COLUMNS, items.map(budgetListRow));
    }),
  );
  withGlobalOptions(
    budget
      .command('set')
      .description('Set the monthly limit and alert thresholds (project owners, operators)')
      .option('--project <project>', PROJECT_HELP)
      .requiredOption('--limit <amount>', 'decimal amount per month, e.g. 500.00')
      .option(
        '--alerts <percentages>',
        'alert thresholds in percent of the limit',
        parseAlerts,
        [50, 80, 100],
      ),
  ).action(
    action(ctx, async (options: GlobalOptions & { project?: string; limit: string; alerts: number[] }) => {
      const client = await platformClientFor(io, options);
      const project = await projectFor(io, client, options.project);
      printBudget(
        io,
        options,
        await setBudget(client, project.id, { limit: options.limit, alertThresholds: options.alerts }),
      );
    }),
  );

  withGlobalOptions(
    billing
      .command('earnings')
      .description(
        "A publisher project's earnings for a month: by app, version and meter, fees withheld, payable",
      )
      .option('--project <project>', PROJECT_HELP)
      .option('--period <month>', 'YYYY-MM, UTC (default: this month)', parsePeriodOption),
  ).action(
    action(ctx, async (options: GlobalOptions & { project?: string; period?: string }) => {
      const client = await platformClientFor(io, options);
      const project = await projectFor(io, client, options.project);
      printEarnings(io, options, await readEarnings(client, project.id, options.period ?? currentPeriod()));
    }),
  );

  withGlobalOptions(
    billing
      .command('topup')
      .description("Credit a project's prepaid balance (operators)")
      .argument('<project>', 'id or name')
      .argument('<amount>', 'decimal amount in the platform currency, e.g. 12.50')
      .requiredOption('--reason <text>', 'why (kept on the transfer and in the audit trail)'),
  ).action(
    action(ctx, async (projectRef: string, amount: string, options: ReasonOptions) => {
      const client = await platformClientFor(io, options);
      const project = await resolveProject(client, projectRef);
      printTransfer(
        io,
        options,
        await topUp(client, { projectId: project.id, amount, reason: options.reason }),
      );
    }),
  );

  withGlobalOptions(
    billing
      .command('refund')
      .description('Refund a charge, wholly or in part (operators); never more than what is left of it')
      .argument('<charge>', 'charge id (gpuaas billing charges)')
      .option('--amount <amount>', 'decimal amount (default: what is left of the charge)')
      .option('--request', 'file it for a second operator to approve (needed above the platform threshold)')
      .requiredOption('--reason <text>', 'why (kept on the transfer and in the audit trail)'),
  ).action(
    action(ctx, async (chargeId: string, options: ReasonOptions & { amount?: string; request?: boolean }) => {
      const client = await platformClientFor(io, options);
      const input = { chargeId, reason: options.reason, ...compact({ amount: options.amount }) };
      if (options.request !== true) {
        printTransfer(io, options, await refundCharge(client, input));
        return;
      }
      const request = await requestRefund(client, input);
      if (wantsJson(options)) {
        printResource(io, options, request);
        return;
      }
      const { amount_micros, ...rest } = request;
      printResource(io, options, { ...rest, amount: formatMicros(amount_micros) });
      printDiagnostic(io, `another operator approves it with: gpuaas billing approve ${request.id}`);
    }),
  );

  withGlobalOptions(
    billing
      .command('approve')
      .description("Approve another operator's refund request, making the refund (operators)")
      .argument('<request>', 'refund request id (from gpuaas billing refund --request)'),
  ).action(
    action(ctx, async (requestId: string, options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      printTransfer(io, options, await approveRefund(client, requestId));
    }),
  );

  withGlobalOptions(
    billing
      .command('credit')
      .description('Grant a project promotional credit that expires (operators)')
      .argument('<project>', 'id or name')
      .argument('<amount>', 'decimal amount, e.g. 25.00')
      .requiredOption('--expires <when>', 'a date (2027-01-31), a time, or a duration from now (30d)', (v) =>
        parseExpiry(v),
      )
      .requiredOption('--reason <text>', 'why (kept on the transfer and in the audit trail)'),
  ).action(
    action(ctx, async (projectRef: string, amount: string, options: ReasonOptions & { expires: string }) => {
      const client = await platformClientFor(io, options);
      const project = await resolveProject(client, projectRef);
      const credit = await grantCredit(client, {
        projectId: project.id,
        amount,
        expiresAt: options.expires,
        reason: options.reason,
      });
      if (wantsJson(options)) {
        printResource(io, options, credit);
        return;
      }
      const { transfer, amount_micros, ...rest } = credit;
      printResource(io, options, { ...rest, amount: formatMicros(amount_micros), transfer_id: transfer.id });
    }),
  );
};
