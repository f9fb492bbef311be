/**
 * A month's statement of the project (GET /v1/billing/statements/{project}/{period}): its status,
 * balances and totals (the API's own cent-rounded `display` values), its lines, and downloads in
 * the API's own formats — CSV (`format=csv`) and the JSON body byte for byte, so the file matches
 * the statement's `X-Statement-Sha256`.
 */
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import { useId, useState } from 'react';
import { dataOf } from '../../api/client.js';
import { useAsync } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import type { Project } from '../../context.js';
import { formatMicros, formatTime } from '../../format.js';
import { ErrorMessage, Loading } from '../../ui/feedback.js';
import { periodLabel, recentPeriods, statementFileName } from './periods.js';

type Statement = PlatformComponents['schemas']['BillingStatement'];

/** The newest lines shown on screen; the downloads hold them all. */
const SHOWN_LINES = 50;

/** Saves `text` as a file through a temporary link (no navigation, nothing leaves the page). */
function saveFile(text: string, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The months a statement can be picked for: this one and the eleven before. */
export const PERIODS_SHOWN = 12;

export function StatementPanel({
  project,
  period,
  onPeriod,
}: {
  project: Project;
  period: string;
  onPeriod: (period: string) => void;
}) {
  const { client } = useConsole();
  const periods = recentPeriods(Date.now(), PERIODS_SHOWN);
  const periodId = useId();
  const statement = useAsync(
    async (signal) => {
      const result = await client.api.GET('/v1/billing/statements/{project_id}/{period}', {
        params: { path: { project_id: project.id, period } },
        signal,
      });
      const body = dataOf(result);
      if (typeof body === 'string') throw new TypeError('the platform answered the statement as text');
      return { body, sha256: result.response.headers.get('x-statement-sha256') };
    },
    [client, project.id, period],
  );
  const [downloading, setDownloading] = useState<'csv' | 'json'>();
  const [downloadError, setDownloadError] = useState<unknown>();

  const download = async (format: 'csv' | 'json') => {
    setDownloading(format);
    setDownloadError(undefined);
    try {
      const text = dataOf(
        await client.api.GET('/v1/billing/statements/{project_id}/{period}', {
          params: { path: { project_id: project.id, period }, query: { format } },
          parseAs: 'text',
        }),
      );
      saveFile(
        text,
        statementFileName(project.name, period, format),
        format === 'csv' ? 'text/csv' : 'application/json',
      );
    } catch (failure) {
      setDownloadError(failure);
    } finally {
      setDownloading(undefined);
    }
  };

  return (
    <section aria-labelledby="statement-heading">
      <h2 id="statement-heading">Statement</h2>
      <div className="usage-controls">
        <div>
          <label htmlFor={periodId}>Month (UTC)</label>
          <select id={periodId} value={period} onChange={(e) => onPeriod(e.target.value)}>
            {periods.map((p) => (
              <option key={p} value={p}>
                {periodLabel(p)}
              </option>
            ))}
          </select>
        </div>
        <div className="downloads">
          <button type="button" disabled={downloading !== undefined} onClick={() => void download('csv')}>
            {downloading === 'csv' ? 'Downloading…' : 'Download CSV'}
          </button>
          <button type="button" disabled={downloading !== undefined} onClick={() => void download('json')}>
            {downloading === 'json' ? 'Downloading…' : 'Download JSON'}
          </button>
        </div>
      </div>
      <ErrorMessage error={downloadError} what="Could not download the statement" />
      <ErrorMessage error={statement.error} what="Could not load the statement" />
      {statement.data === undefined ? (
        statement.error === undefined && <Loading what="the statement" />
      ) : (
        <StatementView statement={statement.data.body} sha256={statement.data.sha256} />
      )}
    </section>
  );
}

function StatementView({ statement, sha256 }: { statement: Statement; sha256: string | null }) {
  const { display, currency } = statement;
  const lines = statement.lines.slice(-SHOWN_LINES).reverse();
  return (
    <>
      <dl className="facts" data-testid="statement">
        <dt>Status</dt>
        <dd data-testid="statement-status">
          {statement.status === 'closed'
            ? `Closed ${formatTime(statement.closed_at)} (number ${statement.seq ?? '—'})`
            : 'Open: lines are added until the month is closed'}
        </dd>
        <dt>Opening balance</dt>
        <dd>
          {display.opening_balance} {currency}
        </dd>
        <dt>Charges</dt>
        <dd data-testid="statement-charges">
          {display.charges} {currency}
        </dd>
        <dt>Refunds</dt>
        <dd>
          {display.refunds} {currency}
        </dd>
        <dt>Top-ups</dt>
        <dd>
          {display.topups} {currency}
        </dd>
        <dt>Promotional credit applied</dt>
        <dd>
          {display.credits} {currency}
        </dd>
        <dt>Closing balance</dt>
        <dd data-testid="statement-closing">
          {display.closing_balance} {currency}
        </dd>
        {sha256 !== null && (
          <>
            <dt>SHA-256 of the JSON</dt>
            <dd>
              <code className="hash">{sha256}</code>
            </dd>
          </>
        )}
      </dl>
      <p className="muted">{statement.rounding}</p>
      {statement.lines.length === 0 ? (
        <p>No lines this month.</p>
      ) : (
        <table className="data" data-testid="statement-lines">
          <caption>
            {statement.lines.length > SHOWN_LINES
              ? `The newest ${SHOWN_LINES} of ${statement.lines.length} lines (the downloads hold them all)`
              : `${statement.lines.length} lines, newest first`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Posted</th>
              <th scope="col">Kind</th>
              <th scope="col">For</th>
              <th scope="col">Amount</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr key={line.transfer_id}>
                <td>{formatTime(line.posted_at)}</td>
                <td>
                  {line.kind}
                  {line.adjusts_period !== null && (
                    <span className="muted"> (adjusts {line.adjusts_period})</span>
                  )}
                </td>
                <td>
                  {line.category}
                  {line.reason !== null && <span className="muted"> {line.reason}</span>}
                </td>
                <td>{formatMicros(String(line.amount_micros), currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
