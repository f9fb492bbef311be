/**
 * Output conventions shared by every CLI command: human text to stdout, diagnostics to stderr,
 * `--json` for machines, progress bars only on an interactive terminal (plain lines in CI).
 */
import type { Writable } from 'node:stream';

export interface CliIo {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** True when a person is at the terminal: stdin and stderr are TTYs and CI is not set. */
export function isInteractive(io: CliIo): boolean {
  const ci = io.env.CI;
  return Boolean(io.stdin.isTTY && io.stderr.isTTY) && (ci === undefined || ci === '' || ci === 'false');
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function printLine(io: CliIo, line = ''): void {
  io.stdout.write(line + '\n');
}

export function printDiagnostic(io: CliIo, line: string): void {
  io.stderr.write(line + '\n');
}

function formatCell(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return '';
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      return value === null ? '' : JSON.stringify(value);
  }
}

/** Renders rows as an aligned text table (the default human output of list commands). */
export function formatTable(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = [columns.map((c) => c.toUpperCase()), ...rows.map((r) => r.map(formatCell))];
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export interface Progress {
  /** Advance to `done` of `total` units (bytes, files). */
  update(done: number): void;
  /** Finish with a final message. */
  done(message?: string): void;
}

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/**
 * A progress display for one task. On an interactive terminal it redraws a bar on stderr at most
 * every 100 ms; elsewhere it prints a plain line at start, every 25% and at the end, so CI logs
 * stay readable. With `quiet` (e.g. under --json) it prints nothing.
 */
export function createProgress(
  io: CliIo,
  label: string,
  total: number,
  options: { quiet?: boolean; unit?: 'bytes' | 'items' } = {},
): Progress {
  const fmt = (n: number): string => (options.unit === 'items' ? String(n) : formatBytes(n));
  if (options.quiet) return { update: () => undefined, done: () => undefined };
  if (isInteractive(io)) {
    let last = 0;
    const draw = (done: number): void => {
      const width = 30;
      const ratio = total > 0 ? Math.min(1, done / total) : 1;
      const filled = Math.round(ratio * width);
      io.stderr.write(
        `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${fmt(done)}/${fmt(total)}`,
      );
    };
    return {
      update(done) {
        const now = Date.now();
        if (now - last < 100 && done < total) return;
        last = now;
        draw(done);
      },
      done(message) {
        draw(total);
        io.stderr.write(message ? `  ${message}\n` : '\n');
      },
    };
  }
  let nextQuarter = 0;
  io.stderr.write(`${label}: ${fmt(total)}\n`);
  return {
    update(done) {
      const quarter = total > 0 ? Math.floor((done / total) * 4) : 4;
      if (quarter > nextQuarter && quarter < 4) {
        nextQuarter = quarter;
        io.stderr.write(`${label}: ${quarter * 25}%\n`);
      }
    },
    done(message) {
      io.stderr.write(`${label}: done${message ? ` (${message})` : ''}\n`);
    },
  };
}
