/**
 * A verified token says who is calling; the database says what they may still do. Every request
 * (and every open event stream, periodically and on access changes) re-reads the caller's
 * standing: a user must still exist and their operator flag comes from the `users` row, never from
 * the token's claim; a service account must not be revoked or rotated since the token was issued,
 * and acts with its creator's current role in the project.
 *
 * Users' rows are cached briefly (USER_CACHE_TTL_MS) because every request needs one; a change
 * made through this instance invalidates its entry at once, other instances see it within the TTL.
 */
import type { Kysely } from 'kysely';
import type { ProjectRole, Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import type { Principal, ServiceAccountPrincipal, UserPrincipal } from './principal.js';

/** How long another instance may keep honouring a removed operator flag or a deleted user. */
export const USER_CACHE_TTL_MS = 5_000;
const USER_CACHE_LIMIT = 10_000;
/** A launch by a launch's account by a service account…: deeper chains grant nothing. */
const MAX_CREATOR_DEPTH = 4;

interface UserStanding {
  operator: boolean;
}

/** The `users` rows requests need, cached for USER_CACHE_TTL_MS (misses included). */
export class UserDirectory {
  readonly #db: Kysely<Tables>;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, { standing: UserStanding | undefined; until: number }>();

  constructor(db: Kysely<Tables>, ttlMs = USER_CACHE_TTL_MS) {
    this.#db = db;
    this.#ttlMs = ttlMs;
  }

  /** The user's standing, or undefined when no such user exists. */
  async lookup(id: string): Promise<UserStanding | undefined> {
    const now = Date.now();
    const hit = this.#cache.get(id);
    if (hit !== undefined && hit.until > now) return hit.standing;
    const row = await this.#db.selectFrom('users').select('operator').where('id', '=', id).executeTakeFirst();
    const standing = row === undefined ? undefined : { operator: row.operator === 1 };
    if (this.#cache.size >= USER_CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(id, { standing, until: now + this.#ttlMs });
    return standing;
  }

  /** Forgets one user (after a change to their row), or everyone. */
  invalidate(id?: string): void {
    if (id === undefined) this.#cache.clear();
    else this.#cache.delete(id);
  }
}

/** The principal with what the database says now; TOKEN_INVALID when it no longer stands. */
export async function currentStanding(
  db: Kysely<Tables>,
  users: UserDirectory,
  principal: Principal,
): Promise<Principal> {
  return principal.type === 'user' ? userStanding(users, principal) : serviceAccountStanding(db, principal);
}

async function userStanding(users: UserDirectory, principal: UserPrincipal): Promise<UserPrincipal> {
  const standing = await users.lookup(principal.id);
  if (standing === undefined) {
    throw new PlatformError('TOKEN_INVALID', 'the user this token was issued to no longer exists');
  }
  return { ...principal, operator: standing.operator };
}

async function serviceAccountStanding(
  db: Kysely<Tables>,
  principal: ServiceAccountPrincipal,
): Promise<ServiceAccountPrincipal> {
  const account = await accountRow(db, principal.id);
  if (account === undefined || account.revoked_at !== null || account.project_id !== principal.projectId) {
    throw new PlatformError('TOKEN_INVALID', 'the service account is revoked or unknown');
  }
  // Rotating a secret (e.g. after a leak) also ends the tokens obtained with the old one.
  const rotated = account.secret_rotated_at ?? null;
  if (rotated !== null && (principal.issuedAt ?? 0) < Math.floor(Date.parse(rotated) / 1000)) {
    throw new PlatformError('TOKEN_INVALID', 'the token predates the service account secret rotation');
  }
  return { ...principal, actsAs: await creatorRole(db, account, 1) };
}

type AccountRow = NonNullable<Awaited<ReturnType<typeof accountRow>>>;

// Read on every service-account request. The creator's user row and membership are scalar
// subqueries rather than LEFT JOINs: the SQLite we ship re-prepares a joined statement each time
// its parameters are bound (~20 µs of CPU a run), a single-table one it does not. Same answer:
// both are looked up by their keys, so each join matched at most one row.
function accountRow(db: Kysely<Tables>, id: string) {
  return db
    .selectFrom('service_accounts as sa')
    .select((eb) => [
      'sa.project_id',
      'sa.revoked_at',
      'sa.secret_rotated_at',
      'sa.created_by',
      eb.selectFrom('users as u').select('u.id').whereRef('u.id', '=', 'sa.created_by').as('creator_user_id'),
      eb
        .selectFrom('users as u')
        .select('u.operator')
        .whereRef('u.id', '=', 'sa.created_by')
        .as('creator_operator'),
      eb
        .selectFrom('memberships as m')
        .select('m.role')
        .whereRef('m.project_id', '=', 'sa.project_id')
        .whereRef('m.user_id', '=', 'sa.created_by')
        .as('creator_role'),
    ])
    .where('sa.id', '=', id)
    .executeTakeFirst();
}

/**
 * The role an account acts with: its creator's role in the project now (an operator's is owner);
 * an account created by another service account (a launch by a pipeline) gets that account's, so
 * revoking it or demoting its creator reaches every account made with it.
 */
async function creatorRole(
  db: Kysely<Tables>,
  account: AccountRow,
  depth: number,
): Promise<ProjectRole | null> {
  if (account.created_by === null) return null;
  if (account.creator_user_id !== null) {
    return account.creator_operator === 1 ? 'owner' : (account.creator_role ?? null);
  }
  if (depth >= MAX_CREATOR_DEPTH) return null;
  const parent = await accountRow(db, account.created_by);
  if (parent === undefined || parent.revoked_at !== null || parent.project_id !== account.project_id) {
    return null;
  }
  return creatorRole(db, parent, depth + 1);
}
