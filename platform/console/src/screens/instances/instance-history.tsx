/**
 * An instance's history: what was done to it (its audit trail, for those who may read the
 * project's audit log) and what happened to it while this page was open (its live events).
 */
import { dataOf } from '../../api/client.js';
import { useAsync } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import { formatTime } from '../../format.js';
import type { AppInstance, HistoryEntry } from './instance-model.js';
import { DataTable } from '../../ui/loaded.js';

interface Row {
  key: string;
  at: string;
  what: string;
  detail: string;
}

export function InstanceHistory({
  instance,
  events,
  generation,
}: {
  instance: AppInstance;
  events: readonly HistoryEntry[];
  /** Changes when something was done to the instance (re-reads the audit trail). */
  generation: number;
}) {
  const { client } = useConsole();
  const audit = useAsync(
    async (signal) => {
      try {
        return dataOf(
          await client.api.GET('/v1/audit', {
            params: { query: { project_id: instance.project_id, target: instance.id, limit: 50 } },
            signal,
          }),
        ).items;
      } catch {
        // Only owners read the audit log: the others see the live events alone.
        return [];
      }
    },
    [client, instance.id, instance.project_id, generation],
  );
  const rows: Row[] = [
    ...events.map((e) => ({ key: e.key, at: e.at, what: e.what, detail: e.detail })),
    ...(audit.data ?? []).map((a) => ({
      key: a.id,
      at: a.occurred_at,
      what: a.action.replace(/^app\.instance\./, ''),
      detail: `${a.result}${a.actor_id === null ? '' : ` by ${a.actor_type} ${a.actor_id}`}`,
    })),
  ];
  if (!(audit.data ?? []).some((a) => a.action === 'app.instance.launch'))
    rows.push({
      key: 'launched',
      at: instance.launched_at,
      what: 'launch',
      detail: `by ${instance.launched_by}`,
    });
  rows.sort((a, b) => b.at.localeCompare(a.at));

  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <DataTable testId="instance-history" columns={['When', 'What', 'Details']}>
        {rows.map((r) => (
          <tr key={r.key}>
            <td>{formatTime(r.at)}</td>
            <td>{r.what}</td>
            <td>{r.detail}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
