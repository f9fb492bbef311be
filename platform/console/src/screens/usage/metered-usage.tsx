/**
 * The usage each allocation reported, per meter (GET /v1/allocations/{id}/usage): exact decimal
 * totals and event counts, app meters and the runtime's own. The API keeps these as totals, not
 * over time, so they are a table beside the per-meter charts.
 */
import { dataOf } from '../../api/client.js';
import { useAsync } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import { DataTable, Loaded } from '../../ui/loaded.js';
import type { Allocation } from './aggregate.js';

/** Allocations read at most (the most recently charged first). */
const MAX_ALLOCATIONS = 20;

export function MeteredUsage({
  allocationIds,
  allocations,
}: {
  allocationIds: readonly string[];
  allocations: ReadonlyMap<string, Allocation>;
}) {
  const { client } = useConsole();
  const ids = allocationIds.slice(0, MAX_ALLOCATIONS);
  const key = ids.join(',');
  const usage = useAsync(
    (signal) =>
      Promise.all(
        key
          .split(',')
          .filter((id) => id !== '')
          .map(async (id) =>
            dataOf(
              await client.api.GET('/v1/allocations/{allocation_id}/usage', {
                params: { path: { allocation_id: id } },
                signal,
              }),
            ),
          ),
      ),
    [client, key],
  );
  const rows =
    usage.data?.flatMap((u) => u.meters.map((m) => ({ allocationId: u.allocation_id, ...m }))) ?? [];
  return (
    <section aria-labelledby="metered-heading">
      <h2 id="metered-heading">Metered usage per allocation</h2>
      <Loaded
        state={{ data: usage.data === undefined ? undefined : rows, error: usage.error }}
        what="metered usage"
        failed="Could not load the metered usage"
        empty={<p>No metered usage reported by the allocations in this range.</p>}
      >
        {(items) => (
          <DataTable
            caption="Usage reported per allocation and meter (all time)"
            columns={['Allocation', 'Meter', 'Reported by', 'Quantity', 'Events']}
            testId="metered-usage"
          >
            {items.map((r) => (
              <tr key={`${r.allocationId}:${r.origin}:${r.meter}`}>
                <th scope="row">{allocations.get(r.allocationId)?.name ?? r.allocationId.slice(0, 8)}</th>
                <td>{r.meter}</td>
                <td>{r.origin === 'app' ? 'the app' : 'the runtime'}</td>
                <td>{r.quantity}</td>
                <td>{r.events}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Loaded>
      {allocationIds.length > MAX_ALLOCATIONS && (
        <p className="muted">The {MAX_ALLOCATIONS} most recently charged allocations are shown.</p>
      )}
    </section>
  );
}
