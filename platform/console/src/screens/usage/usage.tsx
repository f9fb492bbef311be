/**
 * `/usage`: GPU-seconds and spend over a chosen range, per allocation, app or meter, as charts
 * (uPlot, loaded lazily) with their text alternatives; the totals per series; the balance and when
 * it runs out. The range and the grouping live in the address (`?range=day&by=app`), so a view can
 * be linked to. Everything is derived from the public API (use-usage-data.ts, aggregate.ts).
 */
import { useCallback, useId, useMemo } from 'react';
import { useConsole } from '../../context.js';
import { formatMicros } from '../../format.js';
import { Link, navigate, takeFocusRequest, useLocation } from '../../router.js';
import { ErrorMessage, LiveStatus, Loading } from '../../ui/feedback.js';
import { ScreenTitle } from '../../ui/layout.js';
import { NeedsProject } from '../projects.js';
import { RANGES, aggregate, isRangeId } from './aggregate.js';
import type { Dimension, RangeId } from './aggregate.js';
import { BalanceCard } from './balance-card.js';
import { ChartPanel } from './chart-panel.js';
import { MeteredUsage } from './metered-usage.js';
import { useUsageData } from './use-usage-data.js';
import { formatGpuSeconds, seriesLabel } from './usage-format.js';
import type { UsageData } from './use-usage-data.js';
import './usage.css';

const DIMENSIONS: Record<Dimension, string> = { allocation: 'Allocation', app: 'App', meter: 'Meter' };
const isDimension = (v: string): v is Dimension => Object.hasOwn(DIMENSIONS, v);

export function UsageScreen(_props: { id?: string | undefined; app?: string | undefined }) {
  const { project } = useConsole();
  const { search } = useLocation();
  const data = useUsageData(project?.id);
  const rangeParam = search.get('range') ?? 'day';
  const byParam = search.get('by') ?? 'allocation';
  const range: RangeId = isRangeId(rangeParam) ? rangeParam : 'day';
  const by: Dimension = isDimension(byParam) ? byParam : 'allocation';
  const ids = { range: useId(), by: useId() };
  const choose = (key: 'range' | 'by', value: string) => {
    const next = new URLSearchParams(search);
    next.set(key, value);
    navigate(`/usage?${next.toString()}`, { replace: true });
    // The same screen stays: the focus stays on the control, not on the heading.
    takeFocusRequest();
  };

  return (
    <>
      <ScreenTitle title="Usage and cost">Usage and cost</ScreenTitle>
      {project === undefined ? (
        <NeedsProject />
      ) : (
        <>
          <p>
            GPU time and spend of {project.name}, from its charges (net of refunds).{' '}
            <Link to="/billing">Statements and budget</Link>
          </p>
          <p>
            <LiveStatus status={data.live} everySeconds={30} />
          </p>
          <ErrorMessage error={data.error} what="Could not load the usage" />
          {data.data === undefined ? (
            data.error === undefined && <Loading what="usage" />
          ) : (
            <>
              <BalanceCard balance={data.data.balance} points={data.data.records} now={data.data.now} />
              <div className="usage-controls">
                <div>
                  <label htmlFor={ids.range}>Range</label>
                  <select id={ids.range} value={range} onChange={(e) => choose('range', e.target.value)}>
                    {Object.entries(RANGES).map(([id, r]) => (
                      <option key={id} value={id}>
                        {r.label}
                      </option>
                    ))}
                  </select>
                </div>
                <div>
                  <label htmlFor={ids.by}>Group by</label>
                  <select id={ids.by} value={by} onChange={(e) => choose('by', e.target.value)}>
                    {Object.entries(DIMENSIONS).map(([id, label]) => (
                      <option key={id} value={id}>
                        {label}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
              <UsageView data={data.data} range={range} by={by} />
            </>
          )}
        </>
      )}
    </>
  );
}

/** The allocations charged since `from`, the most recently charged first. */
function allocationsIn(data: UsageData, from: number): string[] {
  const latest = new Map<string, number>();
  for (const r of data.records)
    if (r.allocationId !== null && r.at >= from)
      latest.set(r.allocationId, Math.max(r.at, latest.get(r.allocationId) ?? 0));
  return [...latest.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
}

function UsageView({ data, range, by }: { data: UsageData; range: RangeId; by: Dimension }) {
  const summed = useMemo(() => aggregate(data.records, by, RANGES[range], data.now), [data, by, range]);
  const label = useCallback((key: string) => seriesLabel(key, by, data.allocations), [by, data.allocations]);
  const { currency } = data.balance;
  const per = DIMENSIONS[by].toLowerCase();
  const when = RANGES[range].label.toLowerCase();
  return (
    <>
      {by === 'app' && data.instances === undefined && (
        <p className="notice">The app instances could not be read: all usage shows as “No app”.</p>
      )}
      <div className="usage-panels">
        <ChartPanel
          title={`GPU-seconds per ${per}, ${when}`}
          measure="gpu"
          aggregate={summed}
          label={label}
          currency={currency}
          testId="chart-gpu"
        />
        <ChartPanel
          title={`Spend per ${per}, ${when}`}
          measure="spend"
          aggregate={summed}
          label={label}
          currency={currency}
          testId="chart-spend"
        />
      </div>
      <h2>Totals per {per}</h2>
      {summed.series.length === 0 ? (
        <p>No usage {when}.</p>
      ) : (
        <table className="data" data-testid="usage-totals">
          <caption className="visually-hidden">
            GPU-seconds and spend per {per}, {when}
          </caption>
          <thead>
            <tr>
              <th scope="col">{DIMENSIONS[by]}</th>
              <th scope="col">GPU-seconds</th>
              <th scope="col">Spend</th>
            </tr>
          </thead>
          <tbody>
            {summed.series.map((s) => (
              <tr key={s.key} data-key={s.key}>
                <th scope="row">
                  {by === 'allocation' && s.key !== '' ? (
                    <Link to={`/allocations/${s.key}`}>{label(s.key)}</Link>
                  ) : (
                    label(s.key)
                  )}
                </th>
                <td data-testid="gpu-seconds">{formatGpuSeconds(s.totalGpuMs)}</td>
                <td data-testid="spend" data-micros={s.totalSpendMicros.toString()}>
                  {formatMicros(s.totalSpendMicros.toString(), currency)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td>{formatGpuSeconds(summed.totalGpuMs)}</td>
              <td>{formatMicros(summed.totalSpendMicros.toString(), currency)}</td>
            </tr>
          </tfoot>
        </table>
      )}
      {by === 'meter' && (
        <MeteredUsage
          allocationIds={allocationsIn(data, summed.starts[0] ?? data.now)}
          allocations={data.allocations}
        />
      )}
    </>
  );
}
