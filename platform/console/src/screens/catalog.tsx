/**
 * The GPU catalog with live availability: every SKU with its price and how many GPUs could be
 * allocated right now. Availability changes whenever any allocation starts or ends, most of them
 * other tenants' (whose events this user does not receive): re-read every few seconds while the
 * page is visible, and at once on the project's own allocation events.
 */
import { ALLOCATION_EVENTS } from '@gpuaas/sdk/browser';
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import { useEffect } from 'react';
import { dataOf } from '../api/client.js';
import { useAsync, useInterval } from '../api/use-async.js';
import { useEvents } from '../api/use-events.js';
import { useConsole } from '../context.js';
import { formatMicros } from '../format.js';
import { Link } from '../router.js';
import { LiveStatus } from '../ui/feedback.js';
import { DataTable, Loaded } from '../ui/loaded.js';
import { ScreenTitle } from '../ui/layout.js';

export type GpuSku = PlatformComponents['schemas']['GpuSku'];

const REFRESH_MS = 5000;

function markInteractive(): void {
  // The benchmark's "interactive" point (npm run bench:console): the first screen shows data.
  if (performance.getEntriesByName('console:interactive').length === 0)
    performance.mark('console:interactive');
}

export function CatalogScreen() {
  const { client, project } = useConsole();
  const catalog = useAsync(
    async (signal) => dataOf(await client.api.GET('/v1/catalog/gpus', { signal })).items,
    [client],
  );
  useInterval(catalog.reload, REFRESH_MS);
  const live = useEvents(ALLOCATION_EVENTS, project?.id, catalog.reload);
  useEffect(() => {
    if (catalog.data !== undefined) markInteractive();
  }, [catalog.data]);

  return (
    <>
      <ScreenTitle title="GPU catalog">GPU catalog</ScreenTitle>
      <p className="muted">
        GPUs on offer and how many could be allocated right now.{' '}
        {catalog.at !== undefined && <span>Updated {catalog.at.toLocaleTimeString()}.</span>}{' '}
        {project !== undefined && <LiveStatus status={live} everySeconds={REFRESH_MS / 1000} />}
      </p>
      <Loaded
        state={catalog}
        what="the catalog"
        failed="Could not load the catalog"
        empty={<p>No GPU models are on offer yet.</p>}
      >
        {(items) => (
          <DataTable
            caption="GPU models"
            columns={[
              'Model',
              'Memory',
              'Interconnect',
              'Price per GPU-hour',
              'Available',
              'Most in one allocation',
              { hidden: 'Actions' },
            ]}
            describedBy="catalog-note"
          >
            {items.map((sku) => (
              <tr key={sku.id} data-sku={sku.id}>
                <th scope="row">
                  {sku.model} <span className="muted">({sku.id})</span>
                </th>
                <td>{sku.memory_gib} GiB</td>
                <td>{sku.interconnect}</td>
                <td>{formatMicros(sku.price_per_gpu_hour_micros, sku.currency)}</td>
                <td data-testid="available">
                  {sku.available} of {sku.total}
                </td>
                <td>{sku.max_per_allocation}</td>
                <td>
                  {sku.max_per_allocation === 0 ? (
                    <span className="muted">None free</span>
                  ) : project === undefined ? (
                    <Link to="/projects">
                      Create a project<span className="visually-hidden"> to allocate {sku.model}</span>
                    </Link>
                  ) : (
                    <Link to={`/allocations?model=${encodeURIComponent(sku.id)}`}>
                      Allocate<span className="visually-hidden"> {sku.model}</span>
                    </Link>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Loaded>
      <p id="catalog-note" className="muted">
        Availability counts free GPUs on reachable nodes; one allocation gets GPUs of one node.
      </p>
    </>
  );
}
