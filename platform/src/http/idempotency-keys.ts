/**
 * The `idempotency_keys` rows behind http/idempotency.ts: taking a key for a request (or finding
 * who has it, or the answer stored under it) and storing the answer.
 */
import { CompiledQuery } from 'kysely';
import type { Kysely } from 'kysely';
import type { PlatformConfig } from '../config.js';
import { prepare } from '../db/prepared.js';
import type { IdempotencyKeysTable, Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { isoTime } from '../ids.js';

// The hot queries, compiled once (db/prepared.ts) rather than by Kysely on every request.
const insertKey = prepare(
  (
    db,
    p: {
      scope: string;
      key: string;
      method: string;
      path: string;
      hash: string;
      now: string;
      expires: string;
    },
  ) =>
    db
      .insertInto('idempotency_keys')
      .values({
        scope: p.scope,
        key: p.key,
        method: p.method,
        path: p.path,
        request_hash: p.hash,
        state: 'in_flight',
        response_status: null,
        response_headers: null,
        response_body: null,
        created_at: p.now,
        locked_at: p.now,
        expires_at: p.expires,
      })
      .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
      .returning('key'),
);

/**
 * PostgreSQL, inside the request transaction, in one round trip: the key's transaction-scoped
 * advisory lock (held by a concurrent request with the same key until it ends); the key's row,
 * inserted when the lock was free and the key new; and the row already stored under the key, if
 * any (the statement's snapshot does not see its own insert), so a replay needs no second query.
 * `got` false and no stored row: another request has the key in flight.
 */
const LOCK_AND_INSERT_KEY = `with lock as (
  select pg_try_advisory_xact_lock(hashtextextended($1::text || chr(10) || $2::text, 0)) as got
), ins as (
  insert into idempotency_keys (scope, key, method, path, request_hash, state, created_at, locked_at, expires_at)
  select $1::text, $2::text, $3::text, $4::text, $5::text, 'in_flight', $6::text, $6::text, $7::text
  from lock where got
  on conflict (scope, key) do nothing
  returning 1
)
select lock.got, (select count(*) from ins) as inserted, k.*
from lock left join idempotency_keys k on k.scope = $1::text and k.key = $2::text`;

const selectKey = prepare((db, p: { scope: string; key: string }) =>
  db.selectFrom('idempotency_keys').selectAll().where('scope', '=', p.scope).where('key', '=', p.key),
);

/**
 * What a request of an operation that commits step by step (`OWN_COMMITS`) created, noted under
 * its key in the transaction that creates it: should its instance die before the answer is
 * stored, the retry that takes the key over answers with that resource instead of creating a
 * second one (a create retried after a kill -9 made two allocations, one the client never saw).
 */
export interface IdempotentCreation {
  /** Where the resource an earlier attempt created lives (`/v1/allocations/ID`), if one did. */
  created: string | undefined;
  /** Notes `location` under the key, in the caller's transaction. */
  record(trx: Kysely<Tables>, location: string): Promise<void>;
}

/** `resumed`: the key was taken over from an attempt presumed dead (only then is it read). */
export async function idempotentCreation(
  db: Kysely<Tables>,
  where: { scope: string; key: string },
  resumed: boolean,
): Promise<IdempotentCreation> {
  const [row] = resumed ? await selectKey(db, where) : [];
  const headers = JSON.parse(row?.response_headers ?? '{}') as { location?: string };
  return {
    created: row?.state === 'in_flight' ? headers.location : undefined,
    record: async (trx, location) => {
      await trx
        .updateTable('idempotency_keys')
        .set({ response_headers: JSON.stringify({ location }) })
        .where('scope', '=', where.scope)
        .where('key', '=', where.key)
        .where('state', '=', 'in_flight')
        .execute();
    },
  };
}

/**
 * After a 5xx of an operation that commits step by step: the key is freed so that a retry can
 * succeed — deleted when nothing was created under it, else its lock dropped, so the next retry
 * takes it over at once and answers with what was created instead of creating it again.
 */
export async function releaseKey(db: Kysely<Tables>, where: { scope: string; key: string }): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('scope', '=', where.scope)
    .where('key', '=', where.key)
    .where('state', '=', 'in_flight')
    .where('response_headers', 'is', null)
    .execute();
  await db
    .updateTable('idempotency_keys')
    .set({ locked_at: isoTime(0) })
    .where('scope', '=', where.scope)
    .where('key', '=', where.key)
    .where('state', '=', 'in_flight')
    .execute();
}

export const storeKey = prepare(
  (db, p: { scope: string; key: string; status: number; headers: string; body: string }) =>
    db
      .updateTable('idempotency_keys')
      .set({
        state: 'done',
        response_status: p.status,
        response_headers: p.headers,
        response_body: p.body,
      })
      .where('scope', '=', p.scope)
      .where('key', '=', p.key),
);

export interface Reservation {
  scope: string;
  key: string;
  method: string;
  path: string;
  hash: string;
}

/**
 * Takes the key for this request, or finds who has it: 'owned', or the stored answer to replay.
 * Throws IDEMPOTENCY_KEY_REUSED / IDEMPOTENCY_IN_FLIGHT. `advisoryLock`: inside a PostgreSQL
 * transaction, first take the key's transaction-scoped advisory lock (a concurrent request with
 * the same key holds it until it commits).
 */
export async function reserve(
  db: Kysely<Tables>,
  r: Reservation,
  config: PlatformConfig['idempotency'],
  advisoryLock: boolean,
): Promise<'owned' | 'resumed' | IdempotencyKeysTable> {
  const { scope, key, hash } = r;
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = Date.now();
    const values = {
      scope,
      key,
      method: r.method,
      path: r.path,
      hash,
      now: isoTime(now),
      expires: isoTime(now + config.ttlSeconds * 1000),
    };
    let row: IdempotencyKeysTable | undefined;
    if (advisoryLock) {
      const { rows } = await db.executeQuery<
        { got: boolean; inserted: string } & (IdempotencyKeysTable | Record<keyof IdempotencyKeysTable, null>)
      >(
        CompiledQuery.raw(LOCK_AND_INSERT_KEY, [
          values.scope,
          values.key,
          values.method,
          values.path,
          values.hash,
          values.now,
          values.expires,
        ]),
      );
      const [result] = rows;
      if (result === undefined) throw new Error('the idempotency key statement returned no row');
      if (Number(result.inserted) === 1) return 'owned';
      const { got, inserted: _inserted, ...stored } = result;
      if (stored.scope !== null) row = stored;
      else if (!got) throw inFlight(key);
    } else {
      const inserted = await insertKey(db, values);
      if (inserted.length === 1) return 'owned';
      [row] = await selectKey(db, { scope, key });
    }
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
    if (row.state === 'done') return row;
    // An in-flight row that committed: a request of an operation that commits step by step, or
    // one from before transactions. Older than the lock timeout, its instance is presumed dead.
    const lockExpired = row.locked_at < isoTime(now - config.lockTimeoutSeconds * 1000);
    if (lockExpired) {
      const taken = await db
        .updateTable('idempotency_keys')
        .set({ locked_at: isoTime(now) })
        .where('scope', '=', scope)
        .where('key', '=', key)
        .where('state', '=', 'in_flight')
        .where('locked_at', '=', row.locked_at)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 1) return 'resumed';
    }
    throw inFlight(key);
  }
  throw new PlatformError('IDEMPOTENCY_IN_FLIGHT', `Idempotency-Key ${key} is contended; retry`, {
    headers: { 'Retry-After': '1' },
  });
}

function inFlight(key: string): PlatformError {
  return new PlatformError(
    'IDEMPOTENCY_IN_FLIGHT',
    `a request with Idempotency-Key ${key} is still in flight`,
    {
      headers: { 'Retry-After': '1' },
    },
  );
}
