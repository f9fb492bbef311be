/**
 * Statement periods: calendar months in UTC, written `YYYY-MM`. Their text sorts in time order,
 * which the statement code relies on when it compares periods.
 */
import { BillingError } from './errors.js';

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

export interface PeriodBounds {
  /** First instant of the month (inclusive), ISO 8601 UTC. */
  start: string;
  /** First instant of the next month (exclusive). */
  end: string;
}

export function parsePeriod(period: string): PeriodBounds {
  const match = PERIOD.exec(period);
  if (match === null) {
    throw new BillingError('STATEMENT_PERIOD_INVALID', `${period} is not a month`, {
      hint: 'a period is a calendar month in UTC, e.g. 2026-12',
    });
  }
  const year = Number(match[1]);
  const month = Number(match[2]);
  return {
    start: new Date(Date.UTC(year, month - 1, 1)).toISOString(),
    end: new Date(Date.UTC(year, month, 1)).toISOString(),
  };
}

/** The period an instant falls in. */
export function periodOf(instant: string): string {
  return new Date(instant).toISOString().slice(0, 7);
}

/** The month after `period`. */
export function nextPeriod(period: string): string {
  return periodOf(parsePeriod(period).end);
}
