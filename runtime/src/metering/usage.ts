/**
 * The runtime's own usage: `app_seconds` (time the app was ready) and `gpu_seconds` (the same
 * times the allocation's GPU count), counted from `ready` on and written to the usage log once per
 * wall-clock interval (default 60 s) and at stop.
 *
 * Ids are `<instanceId>:<meter>:<intervalMs>:<index>` with `index = floor(epoch ms / intervalMs)`.
 * One instance therefore has at most one event per meter and interval, whoever writes it: when a
 * runtime restarts after a crash (or an instance is started again within an interval) and writes an
 * interval that an earlier run already wrote, the log (or the platform) treats it as a duplicate.
 * An interval is never counted twice; the price is that a restart may leave the second run's share
 * of that one interval uncounted (at most one interval per restart, in the tenant's favour).
 */
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { UsageInput, UsageRecord, UsageWal } from './wal.js';

export const OWN_METERS = ['app_seconds', 'gpu_seconds'] as const;
export type OwnMeter = (typeof OWN_METERS)[number];

export interface OwnUsageOptions {
  wal: UsageWal;
  /** Stable id of the app instance (launch); part of every event id. */
  instanceId: string;
  /** GPUs of the allocation (see gpuCountFromEnv); 0 writes no gpu_seconds. */
  gpus: number;
  /** Length of one interval (default 60 000 ms). */
  intervalMs?: number;
  allocationId?: string;
  projectId?: string;
  /** Clock in epoch ms (default Date.now); tests drive it by hand. */
  now?: () => number;
  /** false: no timer, the caller calls flushDue() (default true). */
  timer?: boolean;
  logger?: Logger;
  /** Called for each new record once it is in the log (not for duplicates). */
  onUsage?: (record: UsageRecord) => void;
}

export interface OwnUsageMeter {
  /** Starts (or resumes) counting at `at` (default now): the app is ready, billing starts. */
  ready(at?: number): void;
  /** Stops counting at `at` until the next ready() (the app left ready). */
  pause(at?: number): void;
  readonly counting: boolean;
  /** Writes the intervals that have ended by `at`; the timer calls it at each boundary. */
  flushDue(at?: number): Promise<UsageRecord[]>;
  /** Pauses, writes everything counted (the current interval too) and ends the timer. */
  stop(at?: number): Promise<UsageRecord[]>;
}

/**
 * GPUs given to the runtime: `GPUAAS_GPUS` when set (the node agent's JSON list, or a count), else the entries of
 * `CUDA_VISIBLE_DEVICES` (none for an empty value, `-1` or `NoDevFiles`), else 0.
 */
export function gpuCountFromEnv(env: Record<string, string | undefined> = process.env): number {
  const explicit = env.GPUAAS_GPUS?.trim();
  if (explicit !== undefined && explicit !== '') {
    // The node agent sets the JSON list of the allocation's GPUs; a bare count is accepted too.
    if (explicit.startsWith('[')) {
      try {
        const list: unknown = JSON.parse(explicit);
        if (Array.isArray(list)) return list.length;
      } catch {
        return 0;
      }
    }
    const count = Number(explicit);
    return Number.isInteger(count) && count >= 0 ? count : 0;
  }
  const visible = env.CUDA_VISIBLE_DEVICES?.trim();
  if (visible === undefined || visible === '' || visible === '-1' || visible === 'NoDevFiles') return 0;
  return visible.split(',').filter((d) => d.trim() !== '').length;
}

export function ownUsageId(instanceId: string, meter: OwnMeter, intervalMs: number, index: number): string {
  return `${instanceId}:${meter}:${intervalMs}:${index}`;
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

export function startOwnUsage(options: OwnUsageOptions): OwnUsageMeter {
  const intervalMs = options.intervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? pino({ level: 'silent' });
  // Milliseconds of ready time per interval index not yet in the log.
  const counted = new Map<number, number>();
  let since: number | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<unknown> = Promise.resolve();

  function accrue(until: number): void {
    if (since === undefined || until <= since) return;
    let from = since;
    while (from < until) {
      const index = Math.floor(from / intervalMs);
      const end = Math.min(until, (index + 1) * intervalMs);
      counted.set(index, (counted.get(index) ?? 0) + (end - from));
      from = end;
    }
    since = until;
  }

  async function write(at: number, all: boolean): Promise<UsageRecord[]> {
    accrue(at);
    const current = Math.floor(at / intervalMs);
    const due = [...counted.entries()]
      .filter(([index, ms]) => ms > 0 && (all || index < current))
      .sort(([a], [b]) => a - b);
    if (due.length === 0) return [];
    const inputs: UsageInput[] = [];
    for (const [index, ms] of due) {
      counted.delete(index);
      const time = new Date(Math.min(at, (index + 1) * intervalMs)).toISOString();
      const base = { source: 'runtime' as const, unit: 'second', time };
      const extra = {
        ...(options.allocationId === undefined ? {} : { allocation_id: options.allocationId }),
        ...(options.projectId === undefined ? {} : { project_id: options.projectId }),
      };
      const seconds = ms / 1000;
      inputs.push({
        ...base,
        ...extra,
        id: ownUsageId(options.instanceId, 'app_seconds', intervalMs, index),
        meter: 'app_seconds',
        quantity: round3(seconds),
      });
      if (options.gpus > 0) {
        inputs.push({
          ...base,
          ...extra,
          id: ownUsageId(options.instanceId, 'gpu_seconds', intervalMs, index),
          meter: 'gpu_seconds',
          quantity: round3(seconds * options.gpus),
        });
      }
    }
    let results;
    try {
      results = await options.wal.appendMany(inputs);
    } catch (error) {
      // Put the time back: the ids are deterministic, so the next attempt cannot double count.
      for (const [index, ms] of due) counted.set(index, (counted.get(index) ?? 0) + ms);
      throw error;
    }
    const written: UsageRecord[] = [];
    for (const { record, duplicate } of results) {
      if (duplicate) {
        logger.warn(
          { id: record.id },
          'own usage: an earlier run of this instance already recorded this interval; the share of this run is not counted',
        );
        continue;
      }
      written.push(record);
      options.onUsage?.(record);
    }
    return written;
  }

  const serial = (at: number, all: boolean): Promise<UsageRecord[]> => {
    const run = chain.then(() => write(at, all));
    chain = run.catch(() => undefined);
    return run;
  };

  function schedule(): void {
    if (options.timer === false || stopped || timer !== undefined) return;
    const wait = intervalMs - (now() % intervalMs) + 5;
    timer = setTimeout(() => {
      timer = undefined;
      serial(now(), false)
        .catch((error: unknown) =>
          logger.error({ err: error }, 'own usage: writing an interval failed; retried later'),
        )
        .finally(() => {
          if (since !== undefined || counted.size > 0) schedule();
        });
    }, wait);
    timer.unref();
  }

  return {
    ready(at = now()) {
      if (stopped || since !== undefined) return;
      since = at;
      schedule();
    },
    pause(at = now()) {
      accrue(at);
      since = undefined;
    },
    get counting() {
      return since !== undefined;
    },
    flushDue: (at = now()) => serial(at, false),
    async stop(at = now()) {
      accrue(at);
      since = undefined;
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      return serial(at, true);
    },
  };
}
