/**
 * The app's logs, following new lines while the instance lives. Scrolling up stops following (the
 * view holds still while lines keep arriving, counted); "Resume following" jumps back to the end.
 * The buffer is bounded and the view re-rendered at most every RENDER_MS, so a flood of output
 * keeps the page responsive.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { Ref } from 'react';
import { useConsole } from '../../context.js';
import { ErrorMessage } from '../../ui/feedback.js';
import { LogBuffer } from './log-buffer.js';
import { readLogs } from './log-reader.js';
import type { LogStatus } from './log-reader.js';

const RENDER_MS = 150;
/** How close to the end (px) still counts as "at the end". */
const END_SLACK = 8;

const STATUS_TEXT: Record<LogStatus, string> = {
  connecting: 'Connecting…',
  following: 'Following new lines.',
  ended: 'The latest lines (the app no longer runs).',
  failed: 'The log stream failed; retrying.',
};

export function InstanceLogs({
  allocationId,
  live,
  ref,
}: {
  allocationId: string;
  /** Whether the app can still write (follow new lines). */
  live: boolean;
  ref?: Ref<HTMLElement>;
}) {
  const { client } = useConsole();
  const streamId = useId();
  const [stream, setStream] = useState<'stdout' | 'stderr'>('stdout');
  const [status, setStatus] = useState<LogStatus>('connecting');
  const [error, setError] = useState<unknown>();
  const buffer = useRef(new LogBuffer());
  const [, setVersion] = useState(0);
  /** The lines on screen while following is paused (undefined: following). */
  const [frozen, setFrozen] = useState<{ lines: readonly string[]; version: number }>();
  const view = useRef<HTMLPreElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    buffer.current = new LogBuffer();
    setVersion(buffer.current.version);
    setFrozen(undefined);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const render = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        setVersion(buffer.current.version);
      }, RENDER_MS);
    };
    void readLogs({
      client,
      allocationId,
      stream,
      follow: live,
      buffer: buffer.current,
      signal: controller.signal,
      onText: render,
      onStatus: (next, failure) => {
        setStatus(next);
        setError(failure);
      },
    });
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [client, allocationId, stream, live]);

  const following = frozen === undefined;
  const lines = frozen?.lines ?? buffer.current.lines();
  const text = lines.join('\n');
  useLayoutEffect(() => {
    const el = view.current;
    if (following && el !== null) el.scrollTop = el.scrollHeight;
  }, [following, text]);

  const onScroll = () => {
    const el = view.current;
    if (el === null || !following) return;
    if (el.scrollHeight - el.scrollTop - el.clientHeight > END_SLACK) {
      setFrozen({ lines: [...buffer.current.lines()], version: buffer.current.version });
    }
  };
  const waiting = frozen === undefined ? 0 : Math.max(0, buffer.current.lines().length - frozen.lines.length);
  const dropped = buffer.current.dropped;

  return (
    <section aria-labelledby="logs-heading" className="card" ref={ref} tabIndex={-1}>
      <h2 id="logs-heading">Logs</h2>
      <div className="actions">
        <label htmlFor={streamId}>Stream</label>
        <select
          id={streamId}
          value={stream}
          onChange={(e) => setStream(e.target.value === 'stderr' ? 'stderr' : 'stdout')}
        >
          <option value="stdout">stdout</option>
          <option value="stderr">stderr</option>
        </select>
        <span className="muted" data-testid="logs-status" data-status={status}>
          {STATUS_TEXT[status]}
        </span>
        {!live ? null : following ? (
          <button
            type="button"
            onClick={() => setFrozen({ lines: [...lines], version: buffer.current.version })}
          >
            Pause
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => setFrozen(undefined)}>
            Resume following
          </button>
        )}
        {!following && (
          <span role="status" data-testid="logs-paused">
            Paused{frozen.version !== buffer.current.version ? ': new lines are waiting' : ''}
            {waiting > 0 ? ` (${waiting} more)` : ''}.
          </span>
        )}
      </div>
      {dropped > 0 && <p className="muted">{dropped} earlier lines are no longer kept here.</p>}
      <pre
        ref={view}
        className="logs"
        data-testid="logs"
        role="log"
        aria-live="off"
        aria-label={`The app's ${stream}`}
        tabIndex={0}
        onScroll={onScroll}
      >
        {text === '' ? (status === 'connecting' ? '' : '(nothing yet)') : text}
      </pre>
      <ErrorMessage error={error} what="Could not read the logs" />
    </section>
  );
}
