/**
 * `gpuaas app status|launch|stop` as a person reads it: one `field value` line per fact, nested
 * parts of the runtime's status document (app, probes, hooks, parameters, usage shipping) spelled
 * out in words instead of printed as JSON. `--output json` prints the document itself.
 */
import { formatTable, printJson, printLine } from '../output.js';
import type { CliIo } from '../output.js';
import { wantsJson } from './common.js';
import type { GlobalOptions } from './common.js';

type Doc = Record<string, unknown>;

const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'string' ? v : scalarOrList(v);

function scalarOrList(v: unknown): string {
  if (Array.isArray(v)) return v.map(str).join(', ');
  if (isObject(v))
    return Object.entries(v)
      .map(([k, x]) => `${k}=${str(x)}`)
      .join(', ');
  return String(v);
}

/** Failed hooks show this many of their last output lines (all of them: `gpuaas app logs`). */
const HOOK_TAIL = 5;

function hookRows(name: string, h: Doc): [string, string][] {
  const seconds = typeof h.duration_ms === 'number' ? `${(h.duration_ms / 1000).toFixed(1)} s` : undefined;
  const attempts =
    typeof h.attempts === 'number' ? `${h.attempts} attempt${h.attempts === 1 ? '' : 's'}` : '';
  const how = [
    h.ok === true ? 'ok' : 'failed',
    attempts,
    h.exit_code === null || h.exit_code === undefined ? '' : `exit ${str(h.exit_code)}`,
    h.signal === null || h.signal === undefined ? '' : `signal ${str(h.signal)}`,
    h.timed_out === true ? 'timed out' : '',
    seconds ?? '',
  ].filter((part) => part !== '');
  const rows: [string, string][] = [[`hook ${name}`, how.join(', ')]];
  if (h.ok !== true && Array.isArray(h.tail))
    for (const line of h.tail.slice(-HOOK_TAIL)) rows.push(['', `| ${str(line)}`]);
  return rows;
}

/** The rows of the table: every field of the status, none of them JSON. */
export function appStatusRows(status: Doc): [string, string][] {
  const rows: [string, string][] = [];
  for (const [key, value] of Object.entries(status)) {
    if (value === undefined) continue;
    if (key === 'app' && isObject(value)) {
      rows.push(['app', `${str(value.name)} ${str(value.version)} by ${str(value.publisher)}`]);
      if (value.digest !== undefined) rows.push(['digest', str(value.digest)]);
    } else if (key === 'probes' && isObject(value)) {
      for (const [name, p] of Object.entries(value)) {
        if (!isObject(p)) continue;
        const detail = [p.status === undefined ? '' : `HTTP ${str(p.status)}`, str(p.message)].filter(
          Boolean,
        );
        rows.push([
          `probe ${name}`,
          `${str(p.verdict)}${detail.length > 0 ? ` (${detail.join(': ')})` : ''}`,
        ]);
      }
    } else if (key === 'hooks' && isObject(value)) {
      for (const [name, h] of Object.entries(value)) if (isObject(h)) rows.push(...hookRows(name, h));
    } else if (key === 'params' && isObject(value)) {
      for (const [name, v] of Object.entries(value)) rows.push([`param ${name}`, str(v)]);
    } else if (key === 'last_exit' && isObject(value)) {
      const how =
        value.signal === null || value.signal === undefined
          ? `code ${str(value.code)}`
          : `signal ${str(value.signal)}`;
      rows.push(['last exit', `${how}${value.reason ? `: ${str(value.reason)}` : ''}`]);
    } else if (key === 'app_status' && isObject(value)) {
      const progress = typeof value.progress === 'number' ? ` (${Math.round(value.progress * 100)}%)` : '';
      rows.push(['app status', `${str(value.message)}${progress}`]);
    } else if (key === 'upgrade' && isObject(value)) {
      rows.push(['upgrade', `${str(value.from)} -> ${str(value.to)}`]);
    } else if (isObject(value)) {
      // Usage shipping and whatever a newer runtime adds: `key value, key value`.
      rows.push([
        key.replace(/_/g, ' '),
        Object.entries(value)
          .filter(([, v]) => !isObject(v))
          .map(([k, v]) => `${k.replace(/_/g, ' ')} ${str(v)}`)
          .join(', '),
      ]);
    } else {
      rows.push([key.replace(/_/g, ' '), str(value)]);
    }
  }
  return rows;
}

/** Prints an app status: `field value` lines, or the runtime's document with `--output json`. */
export function printAppStatus(io: CliIo, options: GlobalOptions, status: Doc): void {
  if (wantsJson(options)) {
    printJson(io, status);
    return;
  }
  printLine(io, formatTable(['field', 'value'], appStatusRows(status)).split('\n').slice(1).join('\n'));
}
