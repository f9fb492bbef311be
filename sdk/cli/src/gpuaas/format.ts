/**
 * Parsing and formatting shared by the compute commands (catalog, nodes, allocations): money in
 * micro-units, durations, and one-line summaries of API objects for tables.
 */
import type { components } from '@gpuaas/platform-contract';
import { SdkError, formatDuration, parseDuration } from '@gpuaas/sdk/common';
import type { DurationProblem } from '@gpuaas/sdk/common';

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

/** The longest wait a Node.js timer holds; past it `setTimeout` fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** What the API accepts for `ttl` and `idle_timeout` (openapi.yaml `AllocationCreate`). */
export const MAX_TTL_MS = 30 * 86_400_000;
export const MAX_IDLE_TIMEOUT_MS = 7 * 86_400_000;

/** What a refused duration flag says, by the library parser's problem. */
const DURATION_REFUSAL: Record<DurationProblem, (flag: string, text: string, maxMs: number) => string> = {
  malformed: (flag, text) => `${flag} must be a duration such as 90s, 30m, 2h or 1h30m (got "${text}")`,
  not_positive: (flag, text) => `${flag} must be longer than zero (got "${text}")`,
  too_long: (flag, text, maxMs) => `${flag} must be at most ${formatDurationMs(maxMs)} (got "${text}")`,
};

/**
 * A commander parser for a duration flag: `90` (seconds), `90s`, `30m`, `2h`, `1d`, `1h30m` →
 * milliseconds, from 1 s up to `maxMs` (default: the longest timer, so a `--timeout` never
 * overflows into an immediate expiry); a USAGE error naming the flag otherwise. The grammar is the
 * library's parseDuration, the one the platform checks `ttl` with.
 */
export function durationFlag(flag: string, maxMs: number = MAX_TIMER_MS) {
  return (text: string): number => {
    const parsed = parseDuration(text, Math.floor(maxMs / 1000));
    if (!parsed.ok) throw new SdkError('USAGE', DURATION_REFUSAL[parsed.problem](flag, text, maxMs));
    return parsed.seconds * 1000;
  };
}

/** Milliseconds → `1h30m`, `5m`, `45s` (whole seconds). */
export function formatDurationMs(ms: number): string {
  return formatDuration(ms / 1000);
}

/** Checks a duration flag the API takes as text (`--ttl 2h`), so a typo fails before any request. */
export function durationText(flag: string, maxMs: number) {
  const parse = durationFlag(flag, maxMs);
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
