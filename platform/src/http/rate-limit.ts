/**
 * Rate limits per credential (per client IP when anonymous) in fixed windows aligned to the epoch.
 * On PostgreSQL the counter lives in the database and is bumped by one atomic upsert-increment
 * (one per bucket and event-loop turn, see WindowCounter), so several instances on one PostgreSQL
 * share each caller's budget exactly. On SQLite, which one platform process serves, the counters
 * are that process's own (MemoryWindows): as exact, without a database write per request (the
 * write was most of a cached GET's cost); a restart begins fresh windows. Every counted response carries
 * `RateLimit-Policy` and `RateLimit` (IETF draft-ietf-httpapi-ratelimit-headers structured-field
 * syntax); an exhausted budget answers 429 RATE_LIMITED with Retry-After.
 */
import type { RequestHandler } from 'express';
import { PostgresAdapter, sql } from 'kysely';
import type { Kysely } from 'kysely';
import { principalKey } from '../auth/principal.js';
import type { PlatformConfig, RateLimitPolicy } from '../config.js';
import { prepare } from '../db/prepared.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { isoTime } from '../ids.js';
import type { RequestContext } from '../context.js';
import { operationOf } from './pipeline.js';

// One statement, atomic on both dialects: insert the window with `n` or add `n` to it, returning
// the new count.
const bumpWindow = prepare((db, p: { bucket: string; start: string; expires: string; n: number }) =>
  db
    .insertInto('rate_limit_windows')
    .values({ bucket: p.bucket, window_start: p.start, count: p.n, expires_at: p.expires })
    .onConflict((oc) =>
      oc
        .columns(['bucket', 'window_start'])
        .doUpdateSet({ count: sql<number>`rate_limit_windows.count + ${p.n}` }),
    )
    .returning('count'),
);

export interface WindowCount {
  count: number;
  /** Seconds until the window ends. */
  resetSeconds: number;
}

interface PendingWindow {
  bucket: string;
  start: string;
  expires: string;
  waiters: { resolve: (count: number) => void; reject: (error: unknown) => void }[];
}

/**
 * Group commit for the counters: the requests of one bucket and window that reach the limiter in
 * the same event-loop turn share one upsert that adds their number and returns the new total; the
 * i-th of n gets `total - n + 1 + i`. That is exactly what n single increments in a row would have
 * answered (the database applies the batch atomically, so other instances interleave only between
 * batches), at one write per batch instead of one per request.
 */
class WindowCounter {
  readonly #db: Kysely<Tables>;
  #pending = new Map<string, PendingWindow>();
  #scheduled = false;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  add(bucket: string, start: string, expires: string): Promise<number> {
    const id = `${bucket}\u0000${start}`;
    let window = this.#pending.get(id);
    if (window === undefined) {
      window = { bucket, start, expires, waiters: [] };
      this.#pending.set(id, window);
    }
    const waiters = window.waiters;
    const counted = new Promise<number>((resolve, reject) => waiters.push({ resolve, reject }));
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
    return counted;
  }

  #flush(): void {
    const batch = this.#pending;
    this.#pending = new Map();
    this.#scheduled = false;
    for (const window of batch.values()) void this.#bump(window);
  }

  async #bump(window: PendingWindow): Promise<void> {
    const { bucket, start, expires, waiters } = window;
    const n = waiters.length;
    try {
      const [row] = await bumpWindow(this.#db, { bucket, start, expires, n });
      if (row === undefined) throw new Error('rate limit upsert returned no row');
      const total = Number(row.count);
      waiters.forEach((w, i) => w.resolve(total - n + 1 + i));
    } catch (error) {
      for (const w of waiters) w.reject(error);
    }
  }
}

/** The counters of a single-process (SQLite) platform: exact without a database. */
class MemoryWindows {
  readonly #windows = new Map<string, { count: number; expires: string }>();

  add(bucket: string, start: string, expires: string): Promise<number> {
    const id = `${bucket}\u0000${start}`;
    const window = this.#windows.get(id);
    if (window !== undefined) return Promise.resolve(++window.count);
    this.#windows.set(id, { count: 1, expires });
    return Promise.resolve(1);
  }

  /** Forgets the windows that ended before `cutoff` (an ISO time, as stored). */
  sweep(cutoff: string): void {
    for (const [id, window] of this.#windows) if (window.expires < cutoff) this.#windows.delete(id);
  }
}

const counters = new WeakMap<Kysely<Tables>, WindowCounter | MemoryWindows>();

function counterFor(db: Kysely<Tables>): WindowCounter | MemoryWindows {
  let counter = counters.get(db);
  if (counter === undefined) {
    counter =
      db.getExecutor().adapter instanceof PostgresAdapter ? new WindowCounter(db) : new MemoryWindows();
    counters.set(db, counter);
  }
  return counter;
}

/** A window's bounds as stored, formatted once per window and length (every request asks). */
const formattedWindows = new Map<number, { at: number; start: string; expires: string }>();
function windowTimes(start: number, windowMs: number): { start: string; expires: string } {
  const known = formattedWindows.get(windowMs);
  if (known?.at === start) return known;
  const formatted = { at: start, start: isoTime(start), expires: isoTime(start + windowMs) };
  formattedWindows.set(windowMs, formatted);
  return formatted;
}

/** Counts one request for `bucket` in the current window and returns the window's count. */
export async function countRequest(
  db: Kysely<Tables>,
  bucket: string,
  policy: RateLimitPolicy,
  now: number = Date.now(),
): Promise<WindowCount> {
  const windowMs = policy.windowSeconds * 1000;
  const start = Math.floor(now / windowMs) * windowMs;
  const window = windowTimes(start, windowMs);
  const count = await counterFor(db).add(bucket, window.start, window.expires);
  return { count, resetSeconds: Math.max(1, Math.ceil((start + windowMs - now) / 1000)) };
}

export function rateLimit(db: Kysely<Tables>, config: PlatformConfig): RequestHandler {
  return async (_req, res, next) => {
    const op = operationOf(res);
    if (!config.rateLimit.enabled || !op.def.rateLimited) {
      next();
      return;
    }
    const context = res.locals.context as RequestContext;
    const principal = context.principal;
    const policy = principal === undefined ? config.rateLimit.anonymous : config.rateLimit.authenticated;
    const name = principal === undefined ? 'ip' : 'credential';
    const bucket = principal === undefined ? `ip:${context.ip ?? 'unknown'}` : principalKey(principal);
    await enforceRateLimit(db, { policy, name, bucket }, (header, value) => res.setHeader(header, value));
    next();
  };
}

/**
 * Counts one request in `bucket` under `policy`, tells the caller where it stands
 * (`RateLimit-Policy` and `RateLimit`, named `name`, through `setHeader`) and refuses past the
 * limit: 429 RATE_LIMITED with Retry-After. For routes outside the OpenAPI pipeline (the app
 * endpoint relay) as much as for the pipeline's own middleware.
 */
export async function enforceRateLimit(
  db: Kysely<Tables>,
  limit: { policy: RateLimitPolicy; name: string; bucket: string },
  setHeader: (name: string, value: string) => void,
): Promise<void> {
  const { policy, name } = limit;
  const { count, resetSeconds } = await countRequest(db, limit.bucket, policy);
  const remaining = Math.max(0, policy.limit - count);
  setHeader('RateLimit-Policy', `"${name}";q=${policy.limit};w=${policy.windowSeconds}`);
  setHeader('RateLimit', `"${name}";r=${remaining};t=${resetSeconds}`);
  if (count > policy.limit) {
    throw new PlatformError(
      'RATE_LIMITED',
      `rate limit of ${policy.limit} requests per ${policy.windowSeconds} s exceeded; retry in ${resetSeconds} s`,
      { headers: { 'Retry-After': String(resetSeconds) } },
    );
  }
}

/** Deletes expired rate-limit windows and idempotency keys; each instance runs it periodically. */
export async function sweepExpired(db: Kysely<Tables>, now: number = Date.now()): Promise<void> {
  const cutoff = isoTime(now);
  const counter = counters.get(db);
  if (counter instanceof MemoryWindows) counter.sweep(cutoff);
  await db.deleteFrom('rate_limit_windows').where('expires_at', '<', cutoff).execute();
  await db.deleteFrom('idempotency_keys').where('expires_at', '<', cutoff).execute();
}
