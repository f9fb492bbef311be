/**
 * A publisher project's earnings for the month (GET /v1/billing/earnings): what tenants were
 * charged for its apps per app, version and meter, the platform's fee and the publisher's share.
 * Shown only when the project has earned something or has something payable: most projects
 * publish nothing.
 */
import { isApiError } from '@gpuaas/sdk/browser';
import { dataOf } from '../../api/client.js';
import { useAsync } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import type { Project } from '../../context.js';
import { formatMicros } from '../../format.js';
import { ErrorMessage } from '../../ui/feedback.js';
import { DataTable } from '../../ui/loaded.js';
import { periodLabel } from './periods.js';

export function EarningsPanel({ project, period }: { project: Project; period: string }) {
  const { client } = useConsole();
  const earnings = useAsync(
    async (signal) => {
      try {
        return dataOf(
          await client.api.GET('/v1/billing/earnings', {
            params: { query: { project_id: project.id, period } },
            signal,
          }),
        );
      } catch (failure) {
        // Not a publisher project the caller may read: nothing to show.
        if (isApiError(failure) && (failure.status === 404 || failure.status === 403)) return undefined;
        throw failure;
      }
    },
    [client, project.id, period],
  );
  const data = earnings.data;
  if (earnings.error !== undefined)
    return <ErrorMessage error={earnings.error} what="Could not load the earnings" />;
  if (
    data === undefined ||
    (data.by_app.length === 0 && data.lines.length === 0 && data.payable_micros === 0)
  )
    return null;
  const money = (micros: number) => formatMicros(String(micros), data.currency);
  return (
    <section aria-labelledby="earnings-heading" data-testid="earnings">
      <h2 id="earnings-heading">Earnings as a publisher, {periodLabel(period)}</h2>
      <p>
        Earned {money(data.totals.earned_micros)}, refunds {money(data.totals.refunds_micros)}, platform fees
        withheld {money(data.totals.fees_withheld_micros)}; payable now {money(data.payable_micros)}.
      </p>
      {data.by_app.length > 0 && (
        <DataTable
          caption="Earnings per app, version and meter"
          columns={['App', 'Version', 'Meter', 'Events', 'Charged', 'Fee', 'Earned']}
        >
          {data.by_app.map((line) => (
            <tr key={`${line.version_id ?? '-'}:${line.meter}`}>
              <th scope="row">{line.app ?? '—'}</th>
              <td>{line.version ?? '—'}</td>
              <td>{line.meter}</td>
              <td>{line.events}</td>
              <td>{money(line.charged_micros)}</td>
              <td>{money(line.fee_micros)}</td>
              <td>{money(line.earned_micros)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
