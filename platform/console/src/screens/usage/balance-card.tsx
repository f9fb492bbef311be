/**
 * The project's balance (GET /v1/billing/balance) and when it runs out at the recent rate of
 * spend (run-out.ts), or why no projection can be made.
 */
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import { formatMicros, formatTime } from '../../format.js';
import { formatSpan, projectRunOut } from './run-out.js';
import type { SpendPoint } from './run-out.js';

export type Balance = PlatformComponents['schemas']['BillingBalance'];

const money = (micros: number | bigint, currency: string) => formatMicros(String(micros), currency);

export function BalanceCard({
  balance,
  points,
  now,
}: {
  balance: Balance;
  points: readonly SpendPoint[];
  now: number;
}) {
  const { currency } = balance;
  const runOut = projectRunOut(points, BigInt(balance.available_micros), now);
  return (
    <section className="card" aria-labelledby="balance-heading">
      <h2 id="balance-heading">Balance</h2>
      <dl className="facts" data-testid="balance">
        <dt>Balance</dt>
        <dd data-testid="balance-total">{money(balance.balance_micros, currency)}</dd>
        <dt>Available to spend</dt>
        <dd data-testid="balance-available">{money(balance.available_micros, currency)}</dd>
        <dt>Held for running allocations</dt>
        <dd>{money(balance.holds_micros, currency)}</dd>
        <dt>Prepaid</dt>
        <dd>{money(balance.prepaid_micros, currency)}</dd>
        <dt>Promotional credit</dt>
        <dd>{money(balance.promotional_micros, currency)}</dd>
        <dt>Projected run-out</dt>
        <dd data-testid="run-out" data-kind={runOut.kind}>
          {runOut.kind === 'no-spend' && 'No spend in the last 24 hours: nothing to project.'}
          {runOut.kind === 'exhausted' && 'Nothing is left to spend.'}
          {runOut.kind === 'projected' && (
            <>
              At the last 24 hours’ rate ({money(runOut.perHourMicros, currency)} an hour), the available
              balance lasts about {formatSpan(runOut.afterMs)}
              {runOut.afterMs < 365 * 86_400_000 && (
                <> (until {formatTime(new Date(runOut.at).toISOString())})</>
              )}
              .{balance.running_interval_micros === 0 && ' Nothing is running now.'}
            </>
          )}
        </dd>
      </dl>
      {balance.funds_exhausted !== null && (
        <p role="alert" className="funds-warning">
          Funds exhausted since {formatTime(balance.funds_exhausted.since)}: running allocations are released
          from {formatTime(balance.funds_exhausted.release_after)} unless funds arrive first.
        </p>
      )}
    </section>
  );
}
