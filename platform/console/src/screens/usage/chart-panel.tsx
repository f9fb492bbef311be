/**
 * A chart of one measure (GPU-seconds or spend) per series over the range's buckets, with its text
 * alternative: a legend that says what each colour is and its total, and the data as a table
 * behind a disclosure (the canvas itself says nothing to a screen reader). uPlot arrives with the
 * lazily loaded chart module; until then the legend and the table are already there.
 */
import { Suspense, lazy, useCallback, useId, useMemo } from 'react';
import { formatMicros } from '../../format.js';
import { limitSeries } from './aggregate.js';
import type { Aggregate, Series } from './aggregate.js';
import { ChartBoundary } from './chart-boundary.js';
import { bucketLabel, formatGpuSeconds, plotUnits } from './usage-format.js';

const UsageChart = lazy(() => import('./usage-chart.js').then((m) => ({ default: m.UsageChart })));

/** The series the chart draws at most (the rest add up to "Other"); colours --series-0 … -7. */
export const MAX_CHART_SERIES = 8;

export type Measure = 'gpu' | 'spend';

/** An axis tick: at most six significant digits. */
const format = (v: number) => String(Number(v.toPrecision(6)));

export interface ChartPanelProps {
  title: string;
  measure: Measure;
  aggregate: Aggregate;
  label: (key: string) => string;
  currency: string;
  testId: string;
}

export function ChartPanel({ title, measure, aggregate, label, currency, testId }: ChartPanelProps) {
  const headingId = useId();
  const shown = useMemo(() => limitSeries(aggregate.series, MAX_CHART_SERIES), [aggregate]);
  const value = useCallback(
    (s: Series, i: number) =>
      measure === 'gpu'
        ? formatGpuSeconds(s.gpuMs[i] ?? 0)
        : formatMicros(String(s.spendMicros[i] ?? 0n), currency),
    [measure, currency],
  );
  const total = (s: Series) =>
    measure === 'gpu'
      ? `${formatGpuSeconds(s.totalGpuMs)} GPU-s`
      : formatMicros(String(s.totalSpendMicros), currency);
  const chartSeries = useMemo(
    () =>
      shown.map((s, i) => ({
        label: label(s.key),
        color: `--series-${i}`,
        values:
          measure === 'gpu'
            ? s.gpuMs.map((ms) => ms / 1000)
            : s.spendMicros.map((micros) => plotUnits(micros)),
      })),
    [shown, label, measure],
  );
  const rows = aggregate.starts
    .map((start, i) => ({ start, i }))
    .filter(({ i }) => shown.some((s) => (s.gpuMs[i] ?? 0) !== 0 || (s.spendMicros[i] ?? 0n) !== 0n));

  return (
    <section className="usage-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {aggregate.series.length === 0 ? (
        <p>Nothing in this range.</p>
      ) : (
        <>
          <ChartBoundary>
            <Suspense fallback={<p className="muted usage-chart-placeholder">Loading the chart…</p>}>
              <UsageChart starts={aggregate.starts} series={chartSeries} format={format} testId={testId} />
            </Suspense>
          </ChartBoundary>
          <ul className="usage-legend" aria-label={`${title}: totals`}>
            {shown.map((s, i) => (
              <li key={s.key}>
                <span className={`swatch swatch-${i}`} aria-hidden="true" />
                {label(s.key)}: {total(s)}
              </li>
            ))}
          </ul>
          <details className="usage-data">
            <summary>{title}: show the data as a table</summary>
            <table className="data">
              <caption className="visually-hidden">{title}, per time bucket</caption>
              <thead>
                <tr>
                  <th scope="col">From</th>
                  {shown.map((s) => (
                    <th scope="col" key={s.key}>
                      {label(s.key)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map(({ start, i }) => (
                  <tr key={start}>
                    <th scope="row">{bucketLabel(start, aggregate.bucketMs)}</th>
                    {shown.map((s) => (
                      <td key={s.key}>{value(s, i)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted">Time buckets with nothing in them are left out.</p>
          </details>
        </>
      )}
    </section>
  );
}
