/**
 * A statement as CSV (RFC 4180, CRLF): one row per line, framed by the opening balance and the
 * totals, so a spreadsheet sums the same figures the JSON states (a publisher statement has
 * `total_earnings` and its refunds negative, no top-ups). Derived from the statement's
 * document alone, so a closed statement's CSV is as fixed as its stored JSON.
 */
import type { StatementDoc } from './statement-document.js';
import { formatMoney } from './money.js';

export const STATEMENT_CSV_COLUMNS = [
  'project_id',
  'period',
  'row',
  'kind',
  'category',
  'transfer_id',
  'allocation_id',
  'period_start',
  'period_end',
  'posted_at',
  'adjusts_period',
  'amount_micros',
  'amount',
  'transfer_ids',
] as const;

function field(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Exact decimal of signed micros (lines are never rounded). */
function exact(micros: number): string {
  return micros < 0 ? `-${formatMoney(BigInt(-micros))}` : formatMoney(BigInt(micros));
}

export function statementCsv(doc: StatementDoc): string {
  const rows: (string | number | null)[][] = [[...STATEMENT_CSV_COLUMNS]];
  const summary = (row: string, micros: number, display: string) =>
    rows.push([
      doc.project_id,
      doc.period,
      row,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      micros,
      display,
      null,
    ]);
  summary('opening_balance', doc.opening_balance_micros, doc.display.opening_balance);
  for (const line of doc.lines) {
    rows.push([
      doc.project_id,
      doc.period,
      line.adjusts_period === null ? 'line' : 'adjustment',
      line.kind,
      line.category,
      line.transfer_id,
      line.allocation_id,
      line.period_start,
      line.period_end,
      line.posted_at,
      line.adjusts_period,
      line.amount_micros,
      exact(line.amount_micros),
      line.transfer_ids.join(' '),
    ]);
  }
  summary(
    'total_charges',
    -doc.totals.charges_micros,
    doc.display.charges === '0.00' ? '0.00' : `-${doc.display.charges}`,
  );
  if (doc.account === 'publisher') {
    // A publisher's refunds take its share back: signed as the lines are.
    summary('total_earnings', doc.totals.earnings_micros ?? 0, doc.display.earnings ?? '0.00');
    summary(
      'total_refunds',
      -doc.totals.refunds_micros,
      doc.display.refunds === '0.00' ? '0.00' : `-${doc.display.refunds}`,
    );
  } else {
    summary('total_refunds', doc.totals.refunds_micros, doc.display.refunds);
    summary('total_topups', doc.totals.topups_micros, doc.display.topups);
  }
  summary('total_credits', doc.totals.credits_micros, doc.display.credits);
  summary('closing_balance', doc.closing_balance_micros, doc.display.closing_balance);
  return rows.map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
