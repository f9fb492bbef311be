/**
 * Service accounts: OAuth clients (client_credentials) that act inside one project within their
 * scopes and never above their creator's current role there (auth/standing.ts). Managed by project
 * owners (and operators), never by service accounts themselves, so a leaked credential cannot mint
 * more; an account is created only with scopes its creator's role has. Secrets are 256-bit random
 * values shown once and stored as a SHA-256 hash.
 */
import type { components } from '@gpuaas/platform-contract';
import type { Kysely, Selectable } from 'kysely';
import { hashClientSecret, newClientSecret } from '../auth/passwords.js';
import { SCOPES } from '../auth/principal.js';
import type { Principal } from '../auth/principal.js';
import { isUniqueViolation } from '../db/constraint.js';
import type { KeysetPage } from '../db/keyset.js';
import type { ServiceAccountsTable, Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { publishAccessChange } from '../events/access.js';
import type { EventBus } from '../events/bus.js';
import { isoTime, newId } from '../ids.js';
import { serviceAccountClientId } from '../oidc/clients.js';
import { projectAccess, requireGrantable, requireUserPrincipal } from './access.js';

export type ServiceAccountRow = Selectable<ServiceAccountsTable>;

export function serviceAccountView(row: ServiceAccountRow): components['schemas']['ServiceAccount'] {
  return {
    id: row.id,
    project_id: row.project_id,
    name: row.name,
    client_id: serviceAccountClientId(row.id),
    scopes: row.scopes.split(' ').filter(Boolean),
    created_by: row.created_by,
    created_at: row.created_at,
    secret_rotated_at: row.secret_rotated_at ?? null,
    revoked_at: row.revoked_at,
  };
}

/** An account with the secret just made for it: the one time the secret is seen. */
export interface WithSecret {
  row: ServiceAccountRow;
  secret: string;
}

export class ServiceAccountService {
  readonly #db: Kysely<Tables>;
  readonly #bus: EventBus;

  constructor(deps: { db: Kysely<Tables>; bus: EventBus }) {
    this.#db = deps.db;
    this.#bus = deps.bus;
  }

  /** A page of the project's accounts by id (`limit + 1` rows). */
  async list(principal: Principal, projectId: string, page: KeysetPage): Promise<ServiceAccountRow[]> {
    await this.#owner(principal, projectId);
    let query = this.#db
      .selectFrom('service_accounts')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('id')
      .limit(page.limit + 1);
    if (page.after !== undefined) query = query.where('id', '>', page.after);
    return query.execute();
  }

  /**
   * Creates an account with `scopes`: each must be a scope of the API (VALIDATION_FAILED naming
   * `/scopes/<i>`) and within the creator's role (SCOPE_NOT_GRANTABLE); names are unique among
   * the project's live accounts.
   */
  async create(
    principal: Principal,
    projectId: string,
    input: { name: string; scopes: string[] },
  ): Promise<WithSecret> {
    const { user, role } = await this.#owner(principal, projectId);
    const { name, scopes } = input;
    const known: ReadonlySet<string> = new Set(SCOPES);
    const unknown = scopes.flatMap((scope, i) => (known.has(scope) ? [] : [{ scope, i }]));
    if (unknown.length > 0) {
      throw new PlatformError(
        'VALIDATION_FAILED',
        `unknown scope ${unknown.map((u) => u.scope).join(', ')}`,
        {
          errors: unknown.map((u) => ({
            in: 'body' as const,
            pointer: `/scopes/${u.i}`,
            detail: `"${u.scope}" is not a scope of this API (one of: ${[...known].sort().join(', ')})`,
          })),
        },
      );
    }
    requireGrantable(user, role, scopes, '/scopes');
    const existing = await this.#db
      .selectFrom('service_accounts')
      .select('id')
      .where('project_id', '=', projectId)
      .where('name', '=', name)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (existing !== undefined) {
      throw new PlatformError('ALREADY_EXISTS', `project ${projectId} has a service account named ${name}`);
    }
    const secret = newClientSecret();
    const row: ServiceAccountRow = {
      id: newId(),
      project_id: projectId,
      name,
      scopes: scopes.join(' '),
      secret_hash: hashClientSecret(secret),
      created_by: user.id,
      created_at: isoTime(),
      revoked_at: null,
      secret_rotated_at: null,
      allocation_id: null,
    };
    try {
      await this.#db.insertInto('service_accounts').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error))
        throw new PlatformError('ALREADY_EXISTS', `service account ${name} exists`);
      throw error;
    }
    return { row, secret };
  }

  async get(principal: Principal, projectId: string, id: string): Promise<ServiceAccountRow> {
    await this.#owner(principal, projectId);
    return this.#find(projectId, id);
  }

  /** A new secret (the old one stops working at once, and so do tokens issued before). */
  async rotateSecret(principal: Principal, projectId: string, id: string): Promise<WithSecret> {
    await this.#owner(principal, projectId);
    const row = await this.#find(projectId, id);
    if (row.revoked_at !== null) throw new PlatformError('NOT_FOUND', `service account ${id} is revoked`);
    const secret = newClientSecret();
    const rotatedAt = isoTime();
    await this.#db
      .updateTable('service_accounts')
      .set({ secret_hash: hashClientSecret(secret), secret_rotated_at: rotatedAt })
      .where('id', '=', id)
      .execute();
    await publishAccessChange(this.#bus, this.#db, {
      change: 'service_account_rotated',
      principalType: 'service_account',
      principalId: id,
      projectId,
    });
    return { row: { ...row, secret_rotated_at: rotatedAt }, secret };
  }

  async revoke(principal: Principal, projectId: string, id: string): Promise<void> {
    await this.#owner(principal, projectId);
    const result = await this.#db
      .updateTable('service_accounts')
      .set({ revoked_at: isoTime(), secret_hash: null })
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) {
      throw new PlatformError('NOT_FOUND', `service account ${id} not found in project ${projectId}`);
    }
    await publishAccessChange(this.#bus, this.#db, {
      change: 'service_account_revoked',
      principalType: 'service_account',
      principalId: id,
      projectId,
    });
  }

  /** The caller must be a person who owns the project (or an operator). */
  async #owner(principal: Principal, projectId: string) {
    const user = requireUserPrincipal(principal, 'manage service accounts');
    const { role } = await projectAccess(this.#db, user, projectId, 'owner');
    return { user, role };
  }

  async #find(projectId: string, id: string): Promise<ServiceAccountRow> {
    const row = await this.#db
      .selectFrom('service_accounts')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) {
      throw new PlatformError('NOT_FOUND', `service account ${id} not found in project ${projectId}`);
    }
    return row;
  }
}
