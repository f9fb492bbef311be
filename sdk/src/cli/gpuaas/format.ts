/**
 * Parsing and formatting shared by the compute commands (catalog, nodes, allocations): money in
 * micro-units, durations, and one-line summaries of API objects for tables.
 */
import type { components } from '@gpuaas/platform-contract';
import { SdkError } from '../../errors.js';

type Allocation = components['schemas']['Allocation'];
type Node = components['schemas']['Node'];

/**
 * `2490000` micro-units → `2.49 USD`. String arithmetic only: a price is never a float, so no
 * rounding can change what the platform bills. At least two decimals, more only when they are set.
 */
export function formatMicros(micros: string, currency: string): string {
  const match = /^(-?)([0-9]+)$/.exec(micros);
  if (match === null) return `${micros} micro-${currency}`;
  const digits = (match[2] ?? '0').replace(/^0+(?=[0-9])/, '').padStart(7, '0');
  const whole = digits.slice(0, -6);
  const fraction = digits.slice(-6).replace(/0+$/, '').padEnd(2, '0');
  const sign = match[1] === '-' && /[1-9]/.test(digits) ? '-' : '';
  return `${sign}${whole}.${fraction} ${currency}`;
}

/** The API's Duration grammar (openapi.yaml): at most four parts of at most 7 digits. */
const DURATION = /^([0-9]{1,7}|([0-9]{1,7}[smhd]){1,4})$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** The longest wait a Node.js timer holds; past it `setTimeout` fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** What the API accepts for `ttl` and `idle_timeout` (openapi.yaml `AllocationCreate`). */
export const MAX_TTL_MS = 30 * 86_400_000;
export const MAX_IDLE_TIMEOUT_MS = 7 * 86_400_000;

/**
 * `90` (seconds), `90s`, `30m`, `2h`, `1d`, `1h30m` → milliseconds, from 1 s up to `maxMs`
 * (default: the longest timer, so a `--timeout` never overflows into an immediate expiry).
 */
export function parseDuration(flag: string, maxMs: number = MAX_TIMER_MS) {
  return (text: string): number => {
    if (!DURATION.test(text)) {
      throw new SdkError('USAGE', `${flag} must be a duration such as 90s, 30m, 2h or 1h30m (got "${text}")`);
    }
    let total = 0;
    if (/^[0-9]+$/.test(text)) total = Number(text) * 1000;
    else
      for (const [, n, unit] of text.matchAll(/([0-9]+)([smhd])/g))
        total += Number(n) * (UNIT_MS[unit ?? 's'] ?? 0);
    if (total <= 0) throw new SdkError('USAGE', `${flag} must be longer than zero (got "${text}")`);
    if (total > maxMs) {
      throw new SdkError('USAGE', `${flag} must be at most ${formatDuration(maxMs)} (got "${text}")`);
    }
    return total;
  };
}

/** Milliseconds → `1h30m`, `5m`, `45s` (whole seconds). */
export function formatDuration(ms: number): string {
  let s = Math.max(0, Math.round(ms / 1000));
  if (s === 0) return '0s';
  let text = '';
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (s >= size) {
      text += `${Math.floor(s / size)}${unit}`;
      s %= size;
    }
  }
  return text;
}

/** Checks a duration flag the API takes as text (`--ttl 2h`), so a typo fails before any request. */
export function durationText(flag: string, maxMs: number) {
  const parse = parseDuration(flag, maxMs);
  return (text: string): string => {
    parse(text);
    return text;
  };
}

export function parseInteger(flag: string, min: number, max: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^-?[0-9]+$/.test(text) || n < min || n > max) {
      throw new SdkError('USAGE', `${flag} must be an integer from ${min} to ${max} (got "${text}")`);
    }
    return n;
  };
}

export function oneOf<T extends string>(flag: string, values: readonly T[]) {
  return (text: string): T => {
    if (!(values as readonly string[]).includes(text)) {
      throw new SdkError('USAGE', `${flag} must be one of ${values.join(', ')} (got "${text}")`);
    }
    return text as T;
  };
}

/** For repeatable options: `--model a --model b` → `['a', 'b']`. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `2 × NVIDIA H100 80GB HBM3` — counts per model, in order of first appearance. */
export function gpuSummary(gpus: readonly { model: string }[]): string {
  const counts = new Map<string, number>();
  for (const g of gpus) counts.set(g.model, (counts.get(g.model) ?? 0) + 1);
  return [...counts].map(([model, n]) => `${n} × ${model}`).join(', ');
}

export function requestSummary(request: Allocation['request']): string {
  const parts = [`${request.count} GPU${request.count === 1 ? '' : 's'}`];
  parts.push(request.models.length === 0 ? 'any model' : request.models.join(' | '));
  if (request.min_memory_gib !== null) parts.push(`≥ ${request.min_memory_gib} GiB`);
  parts.push(`topology ${request.topology}`);
  return parts.join(', ');
}

/** What an allocation is waiting for, or its state's reason: one short phrase. */
export function stateDetail(a: Allocation): string {
  if (a.state === 'queued' && a.pending_reason !== null) {
    return a.pending_message === null ? a.pending_reason : `${a.pending_reason}: ${a.pending_message}`;
  }
  const unreachable = a.node_status === 'unreachable' ? ' (node unreachable)' : '';
  return `${a.state_reason}${unreachable}`;
}

/** An allocation as `field value` rows (the JSON keeps the API's shape). */
export function allocationFields(a: Allocation): Record<string, unknown> {
  return {
    id: a.id,
    name: a.name,
    project_id: a.project_id,
    state: a.state,
    state_reason: a.state_reason,
    pending_reason: a.pending_reason,
    pending_message: a.pending_message,
    request: requestSummary(a.request),
    gpus:
      a.gpus.length === 0 ? null : `${gpuSummary(a.gpus)} (index ${a.gpus.map((g) => g.index).join(',')})`,
    node_id: a.node_id,
    node_status: a.node_status,
    priority: a.priority,
    created_by: a.created_by,
    created_at: a.created_at,
    expires_at: a.expires_at,
    idle_timeout_seconds: a.idle_timeout_seconds,
    last_activity_at: a.last_activity_at,
    released_at: a.released_at,
  };
}

export const ALLOCATION_COLUMNS = ['id', 'name', 'state', 'detail', 'gpus', 'node_id', 'created_at'] as const;

export function allocationRow(a: Allocation): unknown[] {
  const gpus = a.gpus.length === 0 ? requestSummary(a.request) : gpuSummary(a.gpus);
  return [a.id, a.name, a.state, stateDetail(a), gpus, a.node_id, a.created_at];
}

export const NODE_COLUMNS = [
  'id',
  'name',
  'region',
  'status',
  'schedulable',
  'gpus',
  'free',
  'allocations',
  'last_heartbeat_at',
] as const;

export function nodeRow(n: Node): unknown[] {
  const free = n.gpus.filter((g) => g.allocation_id === null).length;
  return [
    n.id,
    n.name,
    n.region,
    n.status,
    n.schedulable ? 'yes' : 'cordoned',
    gpuSummary(n.gpus),
    free,
    n.allocations.length,
    n.last_heartbeat_at,
  ];
}
