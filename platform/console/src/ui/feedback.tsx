/** Errors and waiting, the same on every screen. */
import { isApiError } from '@gpuaas/sdk/browser';
import { SessionEndedError } from '../auth/session.js';

/** A refusal or failure, with what the platform said (code, detail, fields, correlation id). */
export function ErrorMessage({ error, what }: { error: unknown; what: string }) {
  if (error === undefined || error === null) return null;
  if (error instanceof SessionEndedError) {
    return <p role="status">Your session ended. Signing in again…</p>;
  }
  if (isApiError(error)) {
    return (
      <div role="alert" className="error">
        <p>
          <strong>{what}:</strong> {error.detail ?? error.title} <code>{error.code}</code>
        </p>
        {error.errors.length > 0 && (
          <ul>
            {error.errors.map((e) => (
              <li key={`${e.in}:${e.pointer}:${e.detail}`}>
                <code>{e.pointer}</code> {e.detail}
              </li>
            ))}
          </ul>
        )}
        {error.correlationId !== undefined && <p className="muted">Correlation id {error.correlationId}</p>}
      </div>
    );
  }
  return (
    <div role="alert" className="error">
      <p>
        <strong>{what}:</strong> {error instanceof Error ? error.message : JSON.stringify(error)}
      </p>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

/** Whether the screen follows the event stream, or only re-reads on a timer. */
export function LiveStatus({
  status,
  everySeconds,
}: {
  status: 'connecting' | 'live' | 'unavailable';
  everySeconds: number;
}) {
  const text =
    status === 'live'
      ? 'Live updates on.'
      : status === 'connecting'
        ? 'Connecting to live updates…'
        : `Live updates unavailable: refreshing every ${everySeconds} s.`;
  return (
    <span className="muted" data-testid="live" data-status={status}>
      {text}
    </span>
  );
}
