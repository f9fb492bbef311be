/**
 * Rate limits per credential (per client IP when anonymous) in fixed windows aligned to the epoch.
 * The counter lives in the database and is bumped by one atomic upsert-increment, so several
 * instances on one PostgreSQL share each caller's budget exactly. Every counted response carries
 * `RateLimit-Policy` and `RateLimit` (IETF draft-ietf-httpapi-ratelimit-headers structured-field
 * syntax); an exhausted budget answers 429 RATE_LIMITED with Retry-After.
 */
import type { RequestHandler } from 'express';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { principalKey } from '../auth/principal.js';
import type { PlatformConfig, RateLimitPolicy } from '../config.js';
import { prepare } from '../db/prepared.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { isoTime } from '../ids.js';
import type { RequestContext } from './context.js';
import { operationOf } from './pipeline.js';

// One statement, atomic on both dialects: insert the window or add one to it, returning the count.
const bumpWindow = prepare((db, p: { bucket: string; start: string; expires: string }) =>
  db
    .insertInto('rate_limit_windows')
    .values({ bucket: p.bucket, window_start: p.start, count: 1, expires_at: p.expires })
    .onConflict((oc) =>
      oc
        .columns(['bucket', 'window_start'])
        .doUpdateSet({ count: sql<number>`rate_limit_windows.count + 1` }),
    )
    .returning('count'),
);

export interface WindowCount {
  count: number;
  /** Seconds until the window ends. */
  resetSeconds: number;
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
  const [row] = await bumpWindow(db, { bucket, start: isoTime(start), expires: isoTime(start + windowMs) });
  if (row === undefined) throw new Error('rate limit upsert returned no row');
  return { count: Number(row.count), resetSeconds: Math.max(1, Math.ceil((start + windowMs - now) / 1000)) };
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
    const { count, resetSeconds } = await countRequest(db, bucket, policy);
    const remaining = Math.max(0, policy.limit - count);
    res.setHeader('RateLimit-Policy', `"${name}";q=${policy.limit};w=${policy.windowSeconds}`);
    res.setHeader('RateLimit', `"${name}";r=${remaining};t=${resetSeconds}`);
    if (count > policy.limit) {
      throw new PlatformError(
        'RATE_LIMITED',
        `rate limit of ${policy.limit} requests per ${policy.windowSeconds} s exceeded; retry in ${resetSeconds} s`,
        { headers: { 'Retry-After': String(resetSeconds) } },
      );
    }
    next();
  };
}

/** Deletes expired rate-limit windows and idempotency keys; each instance runs it periodically. */
export async function sweepExpired(db: Kysely<Tables>, now: number = Date.now()): Promise<void> {
  const cutoff = isoTime(now);
  await db.deleteFrom('rate_limit_windows').where('expires_at', '<', cutoff).execute();
  await db.deleteFrom('idempotency_keys').where('expires_at', '<', cutoff).execute();
}
