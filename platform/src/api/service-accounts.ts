/**
 * Service accounts: OAuth clients (client_credentials) that act inside one project within their
 * scopes and never above their creator's current role there (auth/standing.ts). Managed by project
 * owners (and operators), never by service accounts themselves, so a leaked credential cannot mint
 * more; an account is created only with scopes its creator's role has. Secrets are 256-bit random
 * values shown once and stored as a SHA-256 hash.
 */
import type { Response } from 'express';
import type { Selectable } from 'kysely';
import { requirePrincipal } from '../auth/middleware.js';
import { hashClientSecret, newClientSecret } from '../auth/passwords.js';
import { SCOPES } from '../auth/principal.js';
import type { ServiceAccountsTable } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { publishAccessChange } from '../events/access.js';
import { setAuditTarget } from '../http/audit.js';
import { pageOf } from '../http/pagination.js';
import { operationOf } from '../http/pipeline.js';
import { projectAccess, requireGrantable, requireUserPrincipal } from '../identity/access.js';
import { isUniqueViolation } from '../identity/store.js';
import { isoTime, newId } from '../ids.js';
import { serviceAccountClientId } from '../oidc/clients.js';
import { pageRequest } from './identity.js';
import type { Handlers, Services } from './services.js';

type ServiceAccountRow = Selectable<ServiceAccountsTable>;

function serviceAccountView(row: ServiceAccountRow) {
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

/** Every scope the API declares, the vocabulary service accounts may be given. */
export function declaredScopes(s: Pick<Services, 'api'>): Set<string> {
  return new Set([...SCOPES, ...s.api.operations.flatMap((o) => o.scopes)]);
}

export function serviceAccountHandlers(s: Services): Handlers {
  const { db } = s;

  /** The caller must be a person who owns the project (or an operator). */
  const ownerOf = async (res: Response) => {
    const { params } = operationOf(res);
    const projectId = params.project_id ?? '';
    const principal = requireUserPrincipal(requirePrincipal(res), 'manage service accounts');
    const { role } = await projectAccess(db, principal, projectId, 'owner');
    return { principal, role, projectId, accountId: params.service_account_id ?? '' };
  };

  const find = async (projectId: string, id: string) => {
    const row = await db
      .selectFrom('service_accounts')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) {
      throw new PlatformError('NOT_FOUND', `service account ${id} not found in project ${projectId}`);
    }
    return row;
  };

  return {
    listServiceAccounts: async (_req, res) => {
      const { projectId } = await ownerOf(res);
      const { limit, after } = pageRequest(s, res);
      let query = db
        .selectFrom('service_accounts')
        .selectAll()
        .where('project_id', '=', projectId)
        .orderBy('id')
        .limit(limit + 1);
      if (after !== undefined) query = query.where('id', '>', after);
      const page = pageOf(await query.execute(), limit, (last) =>
        s.cursors.encode('listServiceAccounts', [last.id]),
      );
      res.json({ items: page.items.map(serviceAccountView), next_cursor: page.next_cursor });
    },

    createServiceAccount: async (req, res) => {
      const { principal, role, projectId } = await ownerOf(res);
      const { name, scopes } = req.body as { name: string; scopes: string[] };
      const known = declaredScopes(s);
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
      requireGrantable(principal, role, scopes, '/scopes');
      const existing = await db
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
        created_by: principal.id,
        created_at: isoTime(),
        revoked_at: null,
        secret_rotated_at: null,
        allocation_id: null,
      };
      try {
        await db.insertInto('service_accounts').values(row).execute();
      } catch (error) {
        if (isUniqueViolation(error))
          throw new PlatformError('ALREADY_EXISTS', `service account ${name} exists`);
        throw error;
      }
      setAuditTarget(res, { id: row.id, projectId, details: { name, scopes } });
      res.status(201).setHeader('Location', `/v1/projects/${projectId}/service-accounts/${row.id}`);
      res.json({ ...serviceAccountView(row), client_secret: secret });
    },

    getServiceAccount: async (_req, res) => {
      const { projectId, accountId } = await ownerOf(res);
      res.json(serviceAccountView(await find(projectId, accountId)));
    },

    rotateServiceAccountSecret: async (_req, res) => {
      const { projectId, accountId } = await ownerOf(res);
      const row = await find(projectId, accountId);
      if (row.revoked_at !== null) {
        throw new PlatformError('NOT_FOUND', `service account ${accountId} is revoked`);
      }
      const secret = newClientSecret();
      const rotatedAt = isoTime();
      await db
        .updateTable('service_accounts')
        .set({ secret_hash: hashClientSecret(secret), secret_rotated_at: rotatedAt })
        .where('id', '=', accountId)
        .execute();
      setAuditTarget(res, { id: accountId, projectId });
      await publishAccessChange(s.compute.bus, db, {
        change: 'service_account_rotated',
        principalType: 'service_account',
        principalId: accountId,
        projectId,
      });
      res.json({ ...serviceAccountView({ ...row, secret_rotated_at: rotatedAt }), client_secret: secret });
    },

    revokeServiceAccount: async (_req, res) => {
      const { projectId, accountId } = await ownerOf(res);
      const result = await db
        .updateTable('service_accounts')
        .set({ revoked_at: isoTime(), secret_hash: null })
        .where('project_id', '=', projectId)
        .where('id', '=', accountId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) {
        throw new PlatformError(
          'NOT_FOUND',
          `service account ${accountId} not found in project ${projectId}`,
        );
      }
      setAuditTarget(res, { id: accountId, projectId });
      await publishAccessChange(s.compute.bus, db, {
        change: 'service_account_revoked',
        principalType: 'service_account',
        principalId: accountId,
        projectId,
      });
      res.status(204).end();
    },
  };
}
