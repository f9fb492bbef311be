/**
 * Statement periods (calendar months in UTC, `YYYY-MM`, as the API names them) and the names of
 * downloaded statement files. Pure (periods.test.ts).
 */

export const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

export function periodOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** This month and the `count − 1` before it, newest first. */
export function recentPeriods(now: number, count: number): string[] {
  const d = new Date(now);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  return Array.from({ length: count }, (_, i) => periodOf(Date.UTC(year, month - i, 1)));
}

/** A month for people: `December 2026` (the API's month is UTC, so the name is too). */
export function periodLabel(period: string, locale?: string): string {
  if (!PERIOD_PATTERN.test(period)) return period;
  const [year, month] = period.split('-').map(Number);
  return new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, 1)).toLocaleDateString(locale, {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** `statement-<project>-<period>.<ext>`, with anything unsafe in a file name replaced. */
export function statementFileName(projectName: string, period: string, ext: 'csv' | 'json'): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `statement-${safe(projectName)}-${safe(period)}.${ext}`;
}
