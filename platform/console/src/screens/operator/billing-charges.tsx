/**
 * A project's charges (`GET /v1/billing/charges`), newest first, with what was refunded of each,
 * and the refund form for the one the operator picks.
 */
import { collectAll } from '@gpuaas/sdk/browser';
import { useState } from 'react';
import { useAsync } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import type { Project } from '../../context.js';
import { formatMicros, formatTime } from '../../format.js';
import { DataTable, Loaded } from '../../ui/loaded.js';
import { RefundForm } from './billing-refund.js';

export function Charges({
  project,
  generation,
  onRefunded,
}: {
  project: Project;
  /** Bumped by the screen when money moved elsewhere (a top-up, an approval). */
  generation: number;
  onRefunded: () => void;
}) {
  const { client } = useConsole();
  const [chosen, setChosen] = useState<string>();
  const charges = useAsync(
    async (signal) =>
      (
        await collectAll((cursor) =>
          client.api.GET('/v1/billing/charges', {
            params: {
              query: { project_id: project.id, limit: 100, ...(cursor === undefined ? {} : { cursor }) },
            },
            signal,
          }),
        )
      ).reverse(),
    [client, project.id, generation],
  );
  const charge = charges.data?.find((c) => c.id === chosen);

  return (
    <section aria-labelledby="charges-title">
      <h2 id="charges-title">Charges to {project.name}</h2>
      <Loaded
        state={charges}
        what="charges"
        failed="Could not load the charges"
        empty={<p>No charges yet.</p>}
      >
        {(list) => (
          <DataTable
            caption={<>Charges to {project.name}, newest first</>}
            columns={['Charge', 'Kind', 'Period', 'Amount', 'Refunded', { hidden: 'Refund' }]}
          >
            {list.map((c) => (
              <tr key={c.id} data-charge={c.id}>
                <th scope="row">
                  <code>{c.id}</code>
                </th>
                <td>{c.kind}</td>
                <td>
                  {formatTime(c.period_start)} – {formatTime(c.period_end)}
                </td>
                <td>{formatMicros(String(c.amount_micros), c.currency)}</td>
                <td data-testid="refunded">{formatMicros(String(c.refunded_micros), c.currency)}</td>
                <td>
                  {c.refunded_micros < c.amount_micros && (
                    <button type="button" onClick={() => setChosen(c.id)} aria-pressed={c.id === chosen}>
                      Refund<span className="visually-hidden"> {c.id}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Loaded>
      {charge !== undefined && (
        <RefundForm
          key={charge.id}
          charge={charge}
          onDone={() => {
            charges.reload();
            onRefunded();
          }}
          onCancel={() => setChosen(undefined)}
        />
      )}
    </section>
  );
}
