/**
 * One allocation, followed live: its state (announced to screen readers as it changes), why it
 * waits, its GPUs and history, a terminal while it runs, and release.
 */
import { ALLOCATION_EVENTS, isApiError, isFinal } from '@gpuaas/sdk/browser';
import { Suspense, lazy, useState } from 'react';
import { dataOf } from '../api/client.js';
import { useAsync, useInterval } from '../api/use-async.js';
import { useEvents } from '../api/use-events.js';
import { useConsole } from '../context.js';
import { formatTime, shortId } from '../format.js';
import { Link } from '../router.js';
import { ErrorMessage, LiveStatus, Loading } from '../ui/feedback.js';
import { ScreenTitle } from '../ui/layout.js';
import { StateBadge } from './allocations.js';
import type { Allocation } from './allocations.js';
import { DataTable } from '../ui/loaded.js';

// xterm.js is most of the console's code: loaded only when a terminal opens.
const TerminalPanel = lazy(() => import('../terminal/terminal-panel.js'));

function Release({ allocation, onReleased }: { allocation: Allocation; onReleased: () => void }) {
  const { client } = useConsole();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  if (isFinal(allocation) || allocation.state === 'releasing') return null;
  const release = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await client.api.POST('/v1/allocations/{allocation_id}/release', {
        params: { path: { allocation_id: allocation.id } },
      });
      setConfirming(false);
      onReleased();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="actions">
      {confirming ? (
        <>
          <span>Release it? Its processes stop and its GPUs are freed.</span>
          <button type="button" className="danger" disabled={busy} onClick={() => void release()} autoFocus>
            Confirm release
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </>
      ) : (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Release
        </button>
      )}
      <ErrorMessage error={error} what="Could not release" />
    </div>
  );
}

export function AllocationScreen({ id }: { id: string }) {
  const { client } = useConsole();
  const allocation = useAsync(
    async (signal) =>
      dataOf(
        await client.api.GET('/v1/allocations/{allocation_id}', {
          params: { path: { allocation_id: id } },
          signal,
        }),
      ),
    [client, id],
  );
  const a = allocation.data;
  const live = useEvents(ALLOCATION_EVENTS, a?.project_id, (event) => {
    if (event.subject === `allocation/${id}`) allocation.reload();
  });
  useInterval(() => {
    if (a !== undefined && !isFinal(a)) allocation.reload();
  }, 10_000);
  const [terminalOpen, setTerminalOpen] = useState(false);
  const title = a?.name ?? `Allocation ${shortId(id)}`;

  if (allocation.error !== undefined && a === undefined) {
    const missing = isApiError(allocation.error) && allocation.error.status === 404;
    return (
      <>
        <ScreenTitle title="Allocation not found">
          {missing ? 'Allocation not found' : 'Allocation'}
        </ScreenTitle>
        {missing ? (
          <p>No allocation {id} is visible to you.</p>
        ) : (
          <ErrorMessage error={allocation.error} what="Could not load the allocation" />
        )}
        <p>
          <Link to="/allocations">All allocations</Link>
        </p>
      </>
    );
  }
  if (a === undefined) return <Loading what="the allocation" />;

  return (
    <>
      <ScreenTitle title={title}>{title}</ScreenTitle>
      <p>
        <Link to="/allocations">All allocations</Link>
      </p>
      <section aria-labelledby="state-heading" className="card">
        <h2 id="state-heading">State</h2>
        <p role="status" aria-live="polite" data-testid="allocation-state">
          <StateBadge state={a.state} /> <span className="muted">{a.state_reason}</span>
        </p>
        {a.pending_message !== null && <p>{a.pending_message}</p>}
        <p>
          <LiveStatus status={live} everySeconds={10} />
        </p>
        <dl className="facts">
          <dt>Id</dt>
          <dd>
            <code>{a.id}</code>
          </dd>
          <dt>GPUs</dt>
          <dd>
            {a.gpus.length > 0
              ? a.gpus.map((g) => `#${g.index} ${g.model}`).join(', ')
              : `${a.request.count} requested${a.request.models.length > 0 ? ` (${a.request.models.join(', ')})` : ''}`}
          </dd>
          <dt>Created</dt>
          <dd>{formatTime(a.created_at)}</dd>
          <dt>Expires</dt>
          <dd>{formatTime(a.expires_at)}</dd>
        </dl>
        <ErrorMessage error={allocation.error} what="Could not refresh" />
        <Release allocation={a} onReleased={allocation.reload} />
      </section>
      <section aria-labelledby="terminal-heading" className="card">
        <h2 id="terminal-heading">Terminal</h2>
        {terminalOpen ? (
          <Suspense fallback={<Loading what="the terminal" />}>
            <TerminalPanel allocation={a} onClose={() => setTerminalOpen(false)} />
          </Suspense>
        ) : a.state === 'running' ? (
          <button type="button" className="primary" onClick={() => setTerminalOpen(true)}>
            Open terminal
          </button>
        ) : (
          <p className="muted">A terminal opens once the allocation is running.</p>
        )}
      </section>
      {a.transitions !== undefined && a.transitions.length > 0 && (
        <section aria-labelledby="history-heading">
          <h2 id="history-heading">History</h2>
          <DataTable columns={['When', 'From', 'To', 'Reason']}>
            {a.transitions.map((t, i) => (
              <tr key={i}>
                <td>{formatTime(t.at)}</td>
                <td>{t.from ?? '—'}</td>
                <td>{t.to}</td>
                <td>{t.reason}</td>
              </tr>
            ))}
          </DataTable>
        </section>
      )}
    </>
  );
}
