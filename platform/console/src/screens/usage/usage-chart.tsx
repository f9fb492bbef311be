/**
 * One time-series chart drawn by uPlot on a canvas. This module is loaded lazily (usage.tsx,
 * React.lazy), so uPlot never weighs on the first screen. The canvas is hidden from assistive
 * technology: the screen gives every chart a legend and a data table as its text alternative. The
 * colours follow the console's theme (its CSS variables), redrawn when the theme changes.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  /** A CSS custom property of the theme, e.g. `--series-0`. */
  color: string;
  /** One value per bucket (plotted numbers only; the screen keeps the exact amounts). */
  values: number[];
}

export interface UsageChartProps {
  /** Bucket start times, epoch ms. */
  starts: number[];
  series: ChartSeries[];
  /** Formats a y value for the axis. */
  format: (value: number) => string;
  testId: string;
}

const HEIGHT = 240;

/** The colour a theme variable stands for now (the themes write them as light-dark() pairs). */
function themeColor(name: string, fallback: string): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${name}, ${fallback})`;
  document.body.append(probe);
  const value = getComputedStyle(probe).color;
  probe.remove();
  return value === '' ? fallback : value;
}

function options(props: UsageChartProps, width: number): uPlot.Options {
  const fg = themeColor('--muted', '#57606a');
  const grid = themeColor('--line', '#d0d7de');
  const axis = (values?: uPlot.Axis['values']): uPlot.Axis => ({
    stroke: fg,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
    ...(values === undefined ? {} : { values }),
  });
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: true },
      y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
    },
    axes: [axis(), axis((_u, ticks) => ticks.map((t) => props.format(t)))],
    series: [
      {},
      ...props.series.map((s): uPlot.Series => {
        const color = themeColor(s.color, fg);
        return { label: s.label, stroke: color, width: 2, points: { show: true, size: 5, fill: color } };
      }),
    ],
  };
}

/** Redrawn when `starts`, `series` or `format` change: the caller memoises them. */
export function UsageChart({ starts, series, format, testId }: UsageChartProps) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (el === null) return undefined;
    const data: uPlot.AlignedData = [starts.map((ms) => ms / 1000), ...series.map((s) => s.values)];
    let plot: uPlot | undefined;
    const draw = () => {
      plot?.destroy();
      plot = new uPlot(options({ starts, series, format, testId }, Math.max(el.clientWidth, 200)), data, el);
    };
    draw();
    const resize = new ResizeObserver(() =>
      plot?.setSize({ width: Math.max(el.clientWidth, 200), height: HEIGHT }),
    );
    resize.observe(el);
    // The theme picker sets data-theme; "system" follows the colour scheme.
    const themed = new MutationObserver(draw);
    themed.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', draw);
    return () => {
      resize.disconnect();
      themed.disconnect();
      scheme.removeEventListener('change', draw);
      plot?.destroy();
    };
  }, [starts, series, format, testId]);

  return <div ref={box} className="usage-chart" aria-hidden="true" data-testid={testId} />;
}
