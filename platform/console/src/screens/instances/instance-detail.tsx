/**
 * One app instance, followed live: its state (announced as it changes) and history from the
 * `app_instance.*` events, a failed hook with its output, its UI extension, its logs, stop and
 * uninstall, the channel it follows and upgrades with the consent they need.
 */
import { isApiError } from '@gpuaas/sdk/browser';
import type { PlatformEvent } from '@gpuaas/sdk/browser';
import { useCallback, useRef, useState } from 'react';
import { dataOf } from '../../api/client.js';
import { useAsync, useInterval } from '../../api/use-async.js';
import { useEvents } from '../../api/use-events.js';
import { useConsole } from '../../context.js';
import { formatTime, shortId } from '../../format.js';
import { Link } from '../../router.js';
import { ErrorMessage, LiveStatus, Loading } from '../../ui/feedback.js';
import { ScreenTitle } from '../../ui/layout.js';
import { InstanceStateBadge } from './instance-badge.js';
import { InstanceActions } from './instance-actions.js';
import { FailurePanel } from './instance-failure.js';
import { InstanceHistory } from './instance-history.js';
import { InstanceLogs } from './instance-logs.js';
import { APP_INSTANCE_EVENTS, historyOf, isEnded, isServing } from './instance-model.js';
import type { AppInstance, HistoryEntry } from './instance-model.js';
import { InstanceSettings } from './instance-settings.js';
import { InstanceUpgrade } from './instance-upgrade.js';
import { UiExtension } from './ui-extension.js';
import './instances.css';

/** How many live events the history keeps. */
const HISTORY_LIMIT = 200;

function Facts({ instance: i }: { instance: AppInstance }) {
  return (
    <dl className="facts">
      <dt>App</dt>
      <dd>{i.app ?? i.reference}</dd>
      <dt>Version</dt>
      <dd data-testid="instance-version">{i.version ?? '—'}</dd>
      <dt>Allocation</dt>
      <dd>
        <Link to={`/allocations/${encodeURIComponent(i.allocation_id)}`}>{shortId(i.allocation_id)}</Link>
      </dd>
      <dt>Launched</dt>
      <dd>{formatTime(i.launched_at)}</dd>
      {i.ended_at !== null && (
        <>
          <dt>Ended</dt>
          <dd>{formatTime(i.ended_at)}</dd>
        </>
      )}
      <dt>Id</dt>
      <dd>
        <code>{i.id}</code>
      </dd>
      {i.endpoints.length > 0 && (
        <>
          <dt>Endpoints</dt>
          <dd>
            {i.endpoints.map((e) => (
              <code key={e.name} className="endpoint" title={e.url}>
                {e.name}
              </code>
            ))}
          </dd>
        </>
      )}
    </dl>
  );
}

export function InstanceScreen({ id }: { id: string; app?: string | undefined }) {
  const { client } = useConsole();
  const instance = useAsync(
    async (signal) =>
      dataOf(
        await client.api.GET('/v1/apps/instances/{instance_id}', {
          params: { path: { instance_id: id } },
          signal,
        }),
      ),
    [client, id],
  );
  const i = instance.data;
  const [events, setEvents] = useState<HistoryEntry[]>([]);
  const [historyGeneration, setHistoryGeneration] = useState(0);
  const logsRef = useRef<HTMLElement>(null);
  const onEvent = useCallback(
    (event: PlatformEvent) => {
      if (event.subject !== `app_instance/${id}`) return;
      const entry = historyOf(event);
      if (entry !== undefined) setEvents((list) => [entry, ...list].slice(0, HISTORY_LIMIT));
      if (event.type === 'app_instance.upgraded') setHistoryGeneration((g) => g + 1);
      instance.reload();
    },
    [id, instance.reload],
  );
  const live = useEvents(APP_INSTANCE_EVENTS, i?.project_id, onEvent);
  useInterval(() => {
    if (i !== undefined && !isEnded(i)) instance.reload();
  }, 10_000);
  const changed = useCallback(() => {
    instance.reload();
    setHistoryGeneration((g) => g + 1);
  }, [instance.reload]);

  if (instance.error !== undefined && i === undefined) {
    const missing = isApiError(instance.error) && instance.error.status === 404;
    return (
      <>
        <ScreenTitle title="App instance not found">
          {missing ? 'App instance not found' : 'App instance'}
        </ScreenTitle>
        {missing ? (
          <p>No app instance {id} is visible to you.</p>
        ) : (
          <ErrorMessage error={instance.error} what="Could not load the app instance" />
        )}
        <p>
          <Link to="/instances">All app instances</Link>
        </p>
      </>
    );
  }
  if (i === undefined) return <Loading what="the app instance" />;
  const title = `${i.app ?? 'App'} ${i.version ?? ''}`.trim();
  const ended = isEnded(i);
  const serving = isServing(i);

  return (
    <>
      <ScreenTitle title={title}>{title}</ScreenTitle>
      <p>
        <Link to="/instances">All app instances</Link>
      </p>
      <section aria-labelledby="instance-state-heading" className="card">
        <h2 id="instance-state-heading">State</h2>
        <p role="status" aria-live="polite" data-testid="instance-state">
          <InstanceStateBadge state={i.state} />
          {i.failure != null && <span className="muted"> {i.failure.code}</span>}
        </p>
        <p>
          <LiveStatus status={live} everySeconds={10} />
        </p>
        <Facts instance={i} />
        <ErrorMessage error={instance.error} what="Could not refresh" />
        <InstanceActions instance={i} onChanged={changed} />
      </section>
      <FailurePanel instance={i} events={events} />
      {serving && (
        <UiExtension instance={i} onNavigate={(view) => view === 'logs' && logsRef.current?.focus()} />
      )}
      <InstanceLogs ref={logsRef} allocationId={i.allocation_id} live={!ended} />
      {serving && <InstanceUpgrade instance={i} onUpgraded={changed} />}
      {serving && <InstanceSettings instance={i} onSaved={instance.reload} />}
      <InstanceHistory instance={i} events={events} generation={historyGeneration} />
    </>
  );
}
