/**
 * The project's allocations, newest first, kept current by the event stream (each state change
 * re-reads the list), and the form to create one.
 */
import { ALLOCATION_EVENTS } from '@gpuaas/sdk/browser';
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import { dataOf } from '../api/client.js';
import { useAsync, useInterval } from '../api/use-async.js';
import { useEvents } from '../api/use-events.js';
import { useConsole } from '../context.js';
import { formatTime, shortId } from '../format.js';
import { Link } from '../router.js';
import { LiveStatus } from '../ui/feedback.js';
import { DataTable, Loaded } from '../ui/loaded.js';
import { ScreenTitle } from '../ui/layout.js';
import { AllocationForm } from './allocation-form.js';
import { NeedsProject } from './projects.js';

export type Allocation = PlatformComponents['schemas']['Allocation'];

export function StateBadge({ state }: { state: Allocation['state'] }) {
  return <span className={`state state-${state}`}>{state}</span>;
}

export function AllocationsScreen() {
  const { client, project } = useConsole();
  const projectId = project?.id;
  const list = useAsync(
    async (signal) =>
      projectId === undefined
        ? []
        : dataOf(
            await client.api.GET('/v1/allocations', {
              params: { query: { project_id: projectId, limit: 50 } },
              signal,
            }),
          ).items,
    [client, projectId],
  );
  const live = useEvents(ALLOCATION_EVENTS, projectId, list.reload);
  // A safety net for a stream that cannot open (no events:read, a proxy that buffers).
  useInterval(list.reload, 15_000);

  return (
    <>
      <ScreenTitle title="Allocations">Allocations</ScreenTitle>
      {project === undefined ? (
        <NeedsProject />
      ) : (
        <>
          <AllocationForm project={project} onCreated={list.reload} />
          <h2>In {project.name}</h2>
          <p>
            <LiveStatus status={live} everySeconds={15} />
          </p>
          <Loaded
            state={list}
            what="allocations"
            failed="Could not load the allocations"
            empty={<p>No allocations yet.</p>}
          >
            {(items) => (
              <DataTable
                caption={<>Allocations in {project.name}</>}
                columns={['Allocation', 'State', 'GPUs', 'Created', 'Expires']}
              >
                {items.map((a) => (
                  <tr key={a.id} data-allocation={a.id}>
                    <th scope="row">
                      <Link to={`/allocations/${a.id}`}>{a.name ?? shortId(a.id)}</Link>
                    </th>
                    <td>
                      <StateBadge state={a.state} />
                      {a.pending_message !== null && <span className="muted"> {a.pending_message}</span>}
                    </td>
                    <td>
                      {a.request.count}
                      {a.request.models.length > 0 && (
                        <span className="muted"> {a.request.models.join(', ')}</span>
                      )}
                    </td>
                    <td>{formatTime(a.created_at)}</td>
                    <td>{formatTime(a.expires_at)}</td>
                  </tr>
                ))}
              </DataTable>
            )}
          </Loaded>
        </>
      )}
    </>
  );
}
