/**
 * Idempotency-Key for POSTs that create or bill. The first request with a key stores its response
 * (status and body) with a hash of the request, in the DATABASE so every instance sees it:
 * - a retry with the same key and request gets the stored response and `Idempotent-Replayed: true`;
 * - the same key with another body, method or path gets 422 IDEMPOTENCY_KEY_REUSED;
 * - a retry while the first is still running gets 409 IDEMPOTENCY_IN_FLIGHT with Retry-After;
 * - a 5xx is not stored (the key is released so a retry can succeed), 4xx answers are.
 * An in-flight lock older than the lock timeout is presumed dead (crashed instance) and taken over.
 *
 * The key, the change, its audit record and the stored response commit as one transaction
 * (http/request-transaction.ts), except for the operations that commit step by step (`OWN_COMMITS`
 * there): for them the key is reserved on its own (`in_flight`), the response stored after, and a
 * 5xx releases the key. Inside a transaction the reservation is not visible to other requests
 * until it commits; on PostgreSQL an advisory lock on the key answers a concurrent request
 * IDEMPOTENCY_IN_FLIGHT instead of letting it wait for the first one's row.
 */
import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import { principalKey } from '../auth/principal.js';
import type { PlatformConfig } from '../config.js';
import type { IdempotencyKeysTable, Tables } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { dialectOf } from '../db/database.js';
import { beforeEnd } from './before-end.js';
import type { RequestContext } from '../context.js';
import { idempotentCreation, releaseKey, reserve, storeKey } from './idempotency-keys.js';
import type { IdempotentCreation, Reservation } from './idempotency-keys.js';
import { operationOf } from './pipeline.js';
import { OWN_COMMITS, beginRequestTransaction } from './request-transaction.js';

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

/** Answers with a stored response. */
function replay(res: Response, row: IdempotencyKeysTable): void {
  for (const [name, value] of Object.entries(
    JSON.parse(row.response_headers ?? '{}') as Record<string, string>,
  )) {
    res.setHeader(name, value);
  }
  res.setHeader('Idempotent-Replayed', 'true');
  res.status(row.response_status ?? 200).send(row.response_body ?? '');
}

/** Stores the answer under the key (in the request transaction, when there is one). */
async function storeResponse(
  db: Kysely<Tables>,
  res: Response,
  where: { scope: string; key: string },
  body: Buffer | undefined,
): Promise<void> {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = res.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  await storeKey(db, {
    ...where,
    status: res.statusCode,
    headers: JSON.stringify(headers),
    body: body?.toString('utf8') ?? '',
  });
}

/** What a create that commits step by step (`OWN_COMMITS`) does with its Idempotency-Key. */
export interface CreatedUnderKey {
  /** The id an earlier attempt with this key created in the collection, if its answer was lost. */
  earlierId: string | undefined;
  /** Notes `id` under the key in the transaction that creates it (nothing without a key). */
  record: (trx: Kysely<Tables>, id: string) => Promise<void>;
}

/** For the handler of an `OWN_COMMITS` create of a resource in `collection` (`/v1/allocations`). */
export function createdUnderKey(res: Response, collection: string): CreatedUnderKey {
  const creation = res.locals.idempotentCreation as IdempotentCreation | undefined;
  const prefix = `${collection}/`;
  const id = creation?.created?.startsWith(prefix) === true ? creation.created.slice(prefix.length) : '';
  return {
    earlierId: id !== '' && !id.includes('/') ? id : undefined,
    record: (trx, created) =>
      creation === undefined ? Promise.resolve() : creation.record(trx, `${prefix}${created}`),
  };
}

export function idempotency(db: Kysely<Tables>, config: PlatformConfig, logger: Logger): RequestHandler {
  const advisoryLock = dialectOf(config.databaseUrl) === 'postgres';
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
    const reservation: Reservation = {
      scope,
      key,
      method: req.method,
      path: req.path,
      hash: requestHash(req.method, req.path, req.body),
    };
    const where = { scope, key };

    if (!OWN_COMMITS.has(op.def.operationId)) {
      const tx = await beginRequestTransaction(db, res, logger, (body) =>
        storeResponse(db, res, where, body),
      );
      let found: 'owned' | 'resumed' | IdempotencyKeysTable;
      try {
        found = await tx.transaction.runUnguarded(() =>
          reserve(db, reservation, config.idempotency, advisoryLock),
        );
      } catch (error) {
        await tx.transaction.rollback();
        throw error;
      }
      if (found === 'owned' || found === 'resumed') {
        tx.transaction.run(next);
      } else {
        await tx.transaction.rollback();
        replay(res, found);
      }
      return;
    }

    const found = await reserve(db, reservation, config.idempotency, false);
    if (found !== 'owned' && found !== 'resumed') {
      replay(res, found);
      return;
    }
    res.locals.idempotentCreation = await idempotentCreation(db, where, found === 'resumed');
    beforeEnd(
      res,
      async (body) => {
        if (res.statusCode >= 500) {
          await releaseKey(db, where);
          return;
        }
        await storeResponse(db, res, where, body);
      },
      (error) => logger.error({ err: error }, 'could not record the idempotent response'),
    );
    next();
  };
}
