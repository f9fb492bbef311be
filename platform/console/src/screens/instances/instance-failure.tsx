/**
 * Why an instance failed, with the output of the hook that failed: the instance's `failure` (the
 * runtime's code and reason, which quotes the hook's last lines), the hook results of the
 * runtime's status while its allocation runs, and the `app_instance.hook_failed` events seen here.
 */
import { dataOf } from '../../api/client.js';
import { useAsync } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import { formatTime } from '../../format.js';
import { hookResults, splitFailure } from './instance-model.js';
import type { AppInstance, HistoryEntry } from './instance-model.js';

function Output({ lines, label }: { lines: readonly string[]; label: string }) {
  if (lines.length === 0) return <p className="muted">It printed nothing.</p>;
  return (
    <pre className="hook-output" tabIndex={0} aria-label={label} data-testid="hook-output">
      {lines.join('\n')}
    </pre>
  );
}

export function FailurePanel({
  instance,
  events,
}: {
  instance: AppInstance;
  events: readonly HistoryEntry[];
}) {
  const { client } = useConsole();
  const hookEvents = events.filter((e) => e.output !== undefined);
  const failed = instance.failure != null || instance.state === 'failed' || hookEvents.length > 0;
  // The runtime keeps each hook's result (and output) while the allocation runs.
  const status = useAsync(
    async (signal) =>
      failed && instance.ended_at === null
        ? dataOf(
            await client.api.GET('/v1/allocations/{allocation_id}/app', {
              params: { path: { allocation_id: instance.allocation_id } },
              signal,
            }),
          )
        : undefined,
    [client, failed, instance.allocation_id, instance.ended_at, instance.state],
  );
  if (!failed) return null;
  // A stored failure, else the runtime's own (its app failed while the instance stays open).
  const code = instance.failure?.code ?? status.data?.code;
  const detail = instance.failure?.detail ?? status.data?.reason ?? '';
  const failure = code === undefined ? undefined : { code, ...splitFailure(detail) };
  const failedHooks = hookResults(status.data).filter((h) => !h.ok);

  return (
    <section aria-labelledby="failure-heading" className="card failure">
      <h2 id="failure-heading">What went wrong</h2>
      {failure !== undefined && (
        <div data-testid="instance-failure">
          <p>
            <code>{failure.code}</code> {failure.summary}
          </p>
          {failure.output.length > 0 && failedHooks.length === 0 && (
            <Output lines={failure.output} label="Output of the failed hook" />
          )}
        </div>
      )}
      {failedHooks.map((h) => (
        <div key={h.hook}>
          <h3>
            The {h.hook} hook failed
            {h.timedOut ? ' (timed out)' : h.exitCode !== null ? ` with exit code ${h.exitCode}` : ''}
            {h.attempts > 1 ? ` after ${h.attempts} attempts` : ''}
          </h3>
          {h.time !== '' && <p className="muted">{formatTime(h.time)}</p>}
          <Output lines={h.tail} label={`Output of the ${h.hook} hook`} />
        </div>
      ))}
      {failedHooks.length === 0 &&
        hookEvents.map((e) => (
          <div key={e.key}>
            <h3>{e.detail}</h3>
            <p className="muted">{formatTime(e.at)}</p>
            <Output lines={e.output ?? []} label={`Output: ${e.detail}`} />
          </div>
        ))}
    </section>
  );
}
