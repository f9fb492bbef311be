/**
 * The lease table's statements (migration 0017). Each is one conditional statement, so the
 * database decides every race: of two instances taking an expired lease, one updates the row and
 * the other's WHERE no longer matches. Times are the caller's clock (injected in tests) as ISO
 * text; instances' clocks must agree to well within a lease's ttl.
 */
import type { Kysely, Transaction } from 'kysely';
import type { LeasesTable, Tables } from '../db/schema.js';
import { isoTime } from '../ids.js';

type Db = Kysely<Tables> | Transaction<Tables>;

export interface LeaseClaim {
  name: string;
  /** The instance taking it. */
  owner: string;
  /** Fresh for this acquisition. */
  token: string;
  /** Milliseconds since the epoch. */
  now: number;
  ttlMs: number;
  /**
   * Takes the lease whoever holds it: only for an instance that knows it is alone on its
   * database (serve's SQLite instance lock), where any other owner is a process that died.
   */
  force?: boolean;
}

/**
 * Takes the lease when no row exists, when it expired, or when it is `owner`'s own (an instance
 * that lost track of it); never a live lease of another owner. True when taken.
 */
export async function acquireLease(db: Db, claim: LeaseClaim): Promise<boolean> {
  const now = isoTime(claim.now);
  const taken = {
    owner: claim.owner,
    token: claim.token,
    acquired_at: now,
    renewed_at: now,
    expires_at: isoTime(claim.now + claim.ttlMs),
  };
  const inserted = await db
    .insertInto('leases')
    .values({ name: claim.name, ...taken })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return true;
  const updated = await db
    .updateTable('leases')
    .set(taken)
    .where('name', '=', claim.name)
    .$if(claim.force !== true, (q) =>
      q.where((eb) => eb.or([eb('expires_at', '<=', now), eb('owner', '=', claim.owner)])),
    )
    .executeTakeFirst();
  return updated.numUpdatedRows === 1n;
}

/**
 * Moves the expiry on while the token is still the row's: a lease nobody took over stays its
 * holder's even when renewed late. False when another instance took it.
 */
export async function renewLease(
  db: Db,
  lease: { name: string; token: string; now: number; ttlMs: number },
): Promise<boolean> {
  const result = await db
    .updateTable('leases')
    .set({ renewed_at: isoTime(lease.now), expires_at: isoTime(lease.now + lease.ttlMs) })
    .where('name', '=', lease.name)
    .where('token', '=', lease.token)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Gives the lease up (clean stop), so another instance takes it at its next attempt. */
export async function releaseLease(db: Db, lease: { name: string; token: string }): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', lease.name).where('token', '=', lease.token).execute();
}

/**
 * The fencing check, run inside the job's write transaction before its writes: true when the
 * token still holds an unexpired lease. It is an UPDATE (of nothing) rather than a read so that
 * on PostgreSQL it locks the lease row until the transaction ends: a takeover waits for this
 * commit, and a write can never land after another instance took the lease.
 */
export async function fenceLease(
  trx: Transaction<Tables>,
  lease: { name: string; token: string; now: number },
): Promise<boolean> {
  const result = await trx
    .updateTable('leases')
    .set((eb) => ({ token: eb.ref('token') }))
    .where('name', '=', lease.name)
    .where('token', '=', lease.token)
    .where('expires_at', '>', isoTime(lease.now))
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Every lease row, by name (for tests and operators). */
export function listLeases(db: Db): Promise<LeasesTable[]> {
  return db.selectFrom('leases').selectAll().orderBy('name').execute();
}
