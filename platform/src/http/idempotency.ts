/**
 * Idempotency-Key for POSTs that create or bill. The first request with a key stores its response
 * (status and body) with a hash of the request, in the DATABASE so every instance sees it:
 * - a retry with the same key and request gets the stored response and `Idempotent-Replayed: true`;
 * - the same key with another body, method or path gets 422 IDEMPOTENCY_KEY_REUSED;
 * - a retry while the first is still running gets 409 IDEMPOTENCY_IN_FLIGHT with Retry-After;
 * - a 5xx is not stored (the key is released so a retry can succeed), 4xx answers are.
 * An in-flight lock older than the lock timeout is presumed dead (crashed instance) and taken over.
 */
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { principalKey } from '../auth/principal.js';
import type { PlatformConfig } from '../config.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { isoTime } from '../ids.js';
import type { Logger } from '../logger.js';
import { beforeEnd } from './before-end.js';
import type { RequestContext } from '../context.js';
import { operationOf } from './pipeline.js';

/** Response headers worth replaying. */
const REPLAYED_HEADERS = ['content-type', 'etag', 'location'];

/** JSON with object keys sorted, so key order in the client's body does not change the hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalJson(body)}`)
    .digest('base64url');
}

export function idempotency(db: Kysely<Tables>, config: PlatformConfig, logger: Logger): RequestHandler {
  const { ttlSeconds, lockTimeoutSeconds } = config.idempotency;
  return async (req, res, next) => {
    const op = operationOf(res);
    const key = req.headers['idempotency-key'];
    if (!op.def.idempotent || typeof key !== 'string') {
      next();
      return;
    }
    const context = res.locals.context as RequestContext;
    const scope =
      context.principal === undefined ? `ip:${context.ip ?? ''}` : principalKey(context.principal);
    const hash = requestHash(req.method, req.path, req.body);
    const where = { scope, key };

    let owned = false;
    for (let attempt = 0; attempt < 3 && !owned; attempt++) {
      const now = Date.now();
      const inserted = await db
        .insertInto('idempotency_keys')
        .values({
          scope,
          key,
          method: req.method,
          path: req.path,
          request_hash: hash,
          state: 'in_flight',
          response_status: null,
          response_headers: null,
          response_body: null,
          created_at: isoTime(now),
          locked_at: isoTime(now),
          expires_at: isoTime(now + ttlSeconds * 1000),
        })
        .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) {
        owned = true;
        break;
      }

      const row = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('scope', '=', scope)
        .where('key', '=', key)
        .executeTakeFirst();
      if (row === undefined) continue; // released by a failed first attempt: try to take it
      if (row.expires_at < isoTime(now)) {
        await db
          .deleteFrom('idempotency_keys')
          .where('scope', '=', scope)
          .where('key', '=', key)
          .where('expires_at', '=', row.expires_at)
          .execute();
        continue;
      }
      if (row.request_hash !== hash) {
        throw new PlatformError(
          'IDEMPOTENCY_KEY_REUSED',
          `Idempotency-Key ${key} was used for a different request (${row.method} ${row.path} with another body)`,
        );
      }
      if (row.state === 'done') {
        for (const [name, value] of Object.entries(
          JSON.parse(row.response_headers ?? '{}') as Record<string, string>,
        )) {
          res.setHeader(name, value);
        }
        res.setHeader('Idempotent-Replayed', 'true');
        res.status(row.response_status ?? 200).send(row.response_body ?? '');
        return;
      }
      const lockExpired = row.locked_at < isoTime(now - lockTimeoutSeconds * 1000);
      if (lockExpired) {
        const taken = await db
          .updateTable('idempotency_keys')
          .set({ locked_at: isoTime(now) })
          .where('scope', '=', scope)
          .where('key', '=', key)
          .where('state', '=', 'in_flight')
          .where('locked_at', '=', row.locked_at)
          .executeTakeFirst();
        if (Number(taken.numUpdatedRows) === 1) {
          owned = true;
          break;
        }
      }
      throw new PlatformError(
        'IDEMPOTENCY_IN_FLIGHT',
        `a request with Idempotency-Key ${key} is still in flight`,
        {
          headers: { 'Retry-After': '1' },
        },
      );
    }

    if (!owned) {
      throw new PlatformError('IDEMPOTENCY_IN_FLIGHT', `Idempotency-Key ${key} is contended; retry`, {
        headers: { 'Retry-After': '1' },
      });
    }
    beforeEnd(
      res,
      async (body) => {
        if (res.statusCode >= 500) {
          await db
            .deleteFrom('idempotency_keys')
            .where('scope', '=', where.scope)
            .where('key', '=', where.key)
            .execute();
          return;
        }
        const headers: Record<string, string> = {};
        for (const name of REPLAYED_HEADERS) {
          const value = res.getHeader(name);
          if (value !== undefined) headers[name] = String(value);
        }
        await db
          .updateTable('idempotency_keys')
          .set({
            state: 'done',
            response_status: res.statusCode,
            response_headers: JSON.stringify(headers),
            response_body: body?.toString('utf8') ?? '',
          })
          .where('scope', '=', where.scope)
          .where('key', '=', where.key)
          .execute();
      },
      (error) => logger.error({ err: error }, 'could not record the idempotent response'),
    );
    next();
  };
}
