/**
 * What `gpuaas-runtime dev` prints: with `--json` one JSON object per line (the app's events as the
 * control API streams them, plus `usage`, `dev` and `error` lines), otherwise one readable line per
 * event with a short tag in front. Everything goes to stdout except errors in readable mode.
 */
import type { ManifestDiagnostic } from '@gpuaas/sdk/manifest';
import type { AppEvent, HookEvent, ProbeEvent, StateEvent } from '../app/events.js';
import type { UsageRecord } from '../metering/wal.js';

/** A usage event as printed: from the app (local API) or the runtime's own meters. */
export interface UsageEvent {
  type: 'usage';
  id: string;
  meter: string;
  quantity: number;
  unit?: string;
  source: 'app' | 'runtime';
  time: string;
}

/** News of the dev command itself. */
export type DevEvent =
  | {
      type: 'dev';
      event: 'start';
      app: { name: string; version: string };
      dir: string;
      data_dir: string;
      runtime_url: string;
      params: Record<string, unknown>;
      gpus: number;
      once: boolean;
      watch: boolean;
      time: string;
    }
  | { type: 'dev'; event: 'change'; paths: string[]; time: string }
  | { type: 'dev'; event: 'waiting'; message: string; time: string }
  | { type: 'dev'; event: 'exit'; exit_code: number; ok: boolean; problems: string[]; time: string };

export interface ErrorEvent {
  type: 'error';
  code: string;
  message: string;
  /** Manifest diagnostics (file, line, column, message, hint) of a MANIFEST_INVALID. */
  errors?: ManifestDiagnostic[];
  time: string;
}

export type DevOutputEvent = AppEvent | UsageEvent | DevEvent | ErrorEvent;

export function usageEvent(record: UsageRecord): UsageEvent {
  return {
    type: 'usage',
    id: record.id,
    meter: record.meter,
    quantity: record.quantity,
    ...(record.unit !== undefined && { unit: record.unit }),
    source: record.source,
    time: record.time,
  };
}

export interface Printer {
  print(event: DevOutputEvent): void;
}

export function createPrinter(
  json: boolean,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Printer {
  if (json) return { print: (event) => void out.write(`${JSON.stringify(event)}\n`) };
  return {
    print(event) {
      const text = formatEvent(event);
      if (text === undefined) return;
      (event.type === 'error' ? err : out).write(`${text}\n`);
    },
  };
}

const TAG_WIDTH = 7;
const tag = (name: string, text: string): string => `${name.padEnd(TAG_WIDTH)} ${text}`;

function hookLine(e: HookEvent): string {
  const attempts = `${e.attempts} attempt${e.attempts === 1 ? '' : 's'}`;
  if (e.ok) return tag('hook', `${e.hook} ok (${attempts}, ${e.duration_ms} ms)`);
  const how = e.timed_out
    ? 'timed out'
    : e.exit_code !== null
      ? `exit code ${e.exit_code}`
      : `killed by ${e.signal ?? 'a signal'}`;
  const lines = [tag('hook', `${e.hook} FAILED: ${how} after ${attempts} (${e.duration_ms} ms)`)];
  for (const line of e.tail) lines.push(`${' '.repeat(TAG_WIDTH)} | ${line}`);
  return lines.join('\n');
}

function probeLine(e: ProbeEvent): string {
  const detail = e.message ?? (e.status === undefined ? '' : `HTTP ${e.status}`);
  return tag('probe', `${e.probe} ${e.ok ? 'ok' : 'failing'}${detail === '' ? '' : ` (${detail})`}`);
}

function stateLine(e: StateEvent): string {
  return tag('state', `${e.state}${e.reason === undefined ? '' : ` (${e.reason})`}`);
}

function diagnosticLines(errors: readonly ManifestDiagnostic[]): string[] {
  const lines: string[] = [];
  for (const d of errors) {
    lines.push(`${d.file}:${d.line}:${d.column}  ${d.severity}  ${d.message}  [${d.code}]`);
    if (d.hint !== undefined) lines.push(`  hint: ${d.hint}`);
  }
  return lines;
}

/** One readable line (or a few) for an event; undefined prints nothing. */
export function formatEvent(event: DevOutputEvent): string | undefined {
  switch (event.type) {
    case 'state':
      return stateLine(event);
    case 'hook':
      return hookLine(event);
    case 'probe':
      return probeLine(event);
    case 'log':
      return tag(event.stream === 'stdout' ? 'app' : 'app!', event.line);
    case 'upgrade':
      return tag(
        'upgrade',
        `${event.from} → ${event.to} ${event.outcome}${event.reason === undefined ? '' : ` (${event.reason})`}`,
      );
    case 'status':
      return tag(
        'status',
        `${event.message}${event.progress === undefined ? '' : ` (${Math.round(event.progress * 100)}%)`}`,
      );
    case 'usage':
      return tag(
        'usage',
        `${event.meter} ${event.quantity}${event.unit ? ` ${event.unit}` : ''} (${event.source})`,
      );
    case 'error':
      return [`error[${event.code}]: ${event.message}`, ...diagnosticLines(event.errors ?? [])].join('\n');
    case 'dev':
      switch (event.event) {
        case 'start': {
          const params = Object.entries(event.params)
            .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join(' ');
          return [
            tag('dev', `${event.app.name} ${event.app.version} from ${event.dir}`),
            tag('dev', `data ${event.data_dir}; app API ${event.runtime_url}; GPUs ${event.gpus}`),
            ...(params === '' ? [] : [tag('dev', `params ${params}`)]),
          ].join('\n');
        }
        case 'change':
          return tag(
            'dev',
            `changed: ${event.paths.slice(0, 5).join(', ')}${event.paths.length > 5 ? ` and ${event.paths.length - 5} more` : ''}; restarting`,
          );
        case 'waiting':
          return tag('dev', event.message);
        case 'exit':
          return event.ok
            ? tag('dev', 'ok: every hook and probe passed')
            : [
                tag('dev', `FAILED (exit ${event.exit_code}):`),
                ...event.problems.map((p) => `${' '.repeat(TAG_WIDTH)} - ${p}`),
              ].join('\n');
      }
  }
}
