/**
 * `gpuaas billing balance|charges` (project viewers) and `topup|refund|credit` (operators). Money
 * prints as decimal text in tables and as the API's integer micro-units with `--output json`;
 * amounts typed on the command line are decimal text (`12.50`), checked by the platform.
 */
import {
  approveRefund,
  collectAll,
  formatMicros,
  grantCredit,
  lowFundsWarning,
  readBalance,
  refundCharge,
  requestRefund,
  resolveAllocationId,
  topUp,
} from '@gpuaas/sdk/client';
import type { BillingBalance, BillingCharge, BillingTransfer } from '@gpuaas/sdk/client';
import { SdkError, parseDuration } from '@gpuaas/sdk/common';
import { printDiagnostic } from '../../output.js';
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
    .description("A project's balance and charges; top-ups, refunds and credit (operators)");

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
