/**
 * The project's app instances, newest first: state kept current by the event stream (each
 * `app_instance.*` event re-reads the list, a timer stands in when the stream is refused), the
 * app and version, and the allocation each runs in.
 */
import { dataOf } from '../../api/client.js';
import { useAsync, useInterval } from '../../api/use-async.js';
import { useEvents } from '../../api/use-events.js';
import { useConsole } from '../../context.js';
import { formatTime, shortId } from '../../format.js';
import { Link } from '../../router.js';
import { LiveStatus } from '../../ui/feedback.js';
import { DataTable, Loaded } from '../../ui/loaded.js';
import { ScreenTitle } from '../../ui/layout.js';
import { NeedsProject } from '../projects.js';
import { InstanceStateBadge } from './instance-badge.js';
import { APP_INSTANCE_EVENTS, instanceLabel } from './instance-model.js';
import { useDebounced } from './use-debounced.js';
import './instances.css';

/** How many running instances the list asks the runtime about. */
const RUNTIME_STATES = 25;

export function InstancesScreen(_props: { id?: string | undefined; app?: string | undefined }) {
  const { client, project } = useConsole();
  const projectId = project?.id;
  const list = useAsync(
    async (signal) => {
      if (projectId === undefined) return [];
      const { items } = dataOf(
        await client.api.GET('/v1/apps/instances', {
          params: { query: { project_id: projectId, limit: 100 } },
          signal,
        }),
      );
      // The list holds the stored state (`running`); each running one's runtime says more
      // (`ready`, `starting`, `failed`…), as its own page shows it.
      return Promise.all(
        items.map(async (item, n) =>
          item.state !== 'running' || n >= RUNTIME_STATES
            ? item
            : client.api
                .GET('/v1/apps/instances/{instance_id}', {
                  params: { path: { instance_id: item.id } },
                  signal,
                })
                .then((r) => r.data ?? item)
                .catch(() => item),
        ),
      );
    },
    [client, projectId],
  );
  // Events come in bursts (a launch is several state changes): one re-read per burst.
  const reload = useDebounced(list.reload, 400);
  const live = useEvents(APP_INSTANCE_EVENTS, projectId, reload);
  useInterval(list.reload, 15_000);

  return (
    <>
      <ScreenTitle title="App instances">App instances</ScreenTitle>
      {project === undefined ? (
        <NeedsProject />
      ) : (
        <>
          <p>
            Apps launched in {project.name}. Launch another from the <Link to="/apps">app catalog</Link>.{' '}
            <LiveStatus status={live} everySeconds={15} />
          </p>
          <Loaded
            state={list}
            what="app instances"
            failed="Could not load the app instances"
            empty={<p>No app instances yet.</p>}
          >
            {(items) => (
              <DataTable
                caption={<>App instances in {project.name}</>}
                columns={['Instance', 'State', 'App', 'Version', 'Allocation', 'Launched']}
              >
                {items.map((i) => (
                  <tr key={i.id} data-instance={i.id}>
                    <th scope="row">
                      <Link to={`/instances/${encodeURIComponent(i.id)}`}>{instanceLabel(i.id)}</Link>
                    </th>
                    <td data-testid="instance-state">
                      <InstanceStateBadge state={i.state} />
                      {i.failure != null && <span className="muted"> {i.failure.code}</span>}
                    </td>
                    <td>{i.app ?? <span className="muted">{i.reference}</span>}</td>
                    <td>{i.version ?? '—'}</td>
                    <td>
                      <Link to={`/allocations/${encodeURIComponent(i.allocation_id)}`}>
                        {shortId(i.allocation_id)}
                      </Link>
                    </td>
                    <td>{formatTime(i.launched_at)}</td>
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
