/**
 * Authorisation decisions, in one place. Visibility comes first: a caller with no relation to a
 * project gets 404 (its existence is not revealed); a member whose role is too low gets 403.
 * Operators (the database's flag) may do anything; service accounts act only in their own project,
 * within their scopes (checked by the authentication middleware) and with their creator's current
 * role (`actsAs`), so an account never does more than whoever made it could do now.
 */
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { grantableScopes, roleAtLeast } from '../auth/principal.js';
import type { ProjectRole, Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { prepare } from '../db/prepared.js';
import { findProject } from './store.js';
import type { OrganizationRow, ProjectRow } from './store.js';

// The hot path of every project-scoped request: the project and the caller's role in one query.
// The role is a scalar subquery, not a LEFT JOIN: the SQLite we ship (STAT4 build) re-prepares a
// joined statement whenever its parameters are bound, i.e. on every run (~20 µs of CPU, most of
// the query's cost); the single-table form is not re-prepared. Same answer: (project_id, user_id)
// is the memberships key, so the join matched at most one row.
const projectWithRole = prepare((db, p: { projectId: string; userId: string }) =>
  db
    .selectFrom('projects')
    .selectAll('projects')
    .select((eb) =>
      eb
        .selectFrom('memberships')
        .select('memberships.role')
        .whereRef('memberships.project_id', '=', 'projects.id')
        .where('memberships.user_id', '=', p.userId)
        .as('role'),
    )
    .where('projects.id', '=', p.projectId),
);

export interface ProjectAccess {
  project: ProjectRow;
  /** The caller's own role (null for operators without one and for service accounts). */
  role: ProjectRole | null;
}

export function isOperator(principal: Principal): boolean {
  return principal.type === 'user' && principal.operator;
}

/**
 * Refuses a service account whose creator's role is below `minimum` (or gone), the check every
 * project-scoped path applies to service accounts.
 */
export function requireServiceAccountRole(
  principal: Extract<Principal, { type: 'service_account' }>,
  minimum: ProjectRole,
): void {
  const role = principal.actsAs ?? null;
  if (role === null) {
    throw new PlatformError(
      'FORBIDDEN',
      `service account ${principal.id} has no rights in project ${principal.projectId}: whoever created it no longer has a role there (create a new one)`,
    );
  }
  if (!roleAtLeast(role, minimum)) {
    throw new PlatformError(
      'FORBIDDEN',
      `this needs the ${minimum} role in project ${principal.projectId}; service account ${principal.id} acts with its creator's role, ${role}`,
    );
  }
}

/**
 * Refuses to hand on a scope the caller could not use itself in the project (403
 * SCOPE_NOT_GRANTABLE, naming each one by JSON pointer); nothing is created then.
 */
export function requireGrantable(
  principal: Principal,
  role: ProjectRole | null,
  requested: readonly string[],
  pointer: string,
  alwaysGranted: readonly string[] = [],
): void {
  const grantable = grantableScopes(principal, role);
  const refused = requested.flatMap((scope, i) =>
    grantable.has(scope) || alwaysGranted.includes(scope) ? [] : [{ scope, i }],
  );
  if (refused.length === 0) return;
  const allowed = [...grantable].sort().join(', ') || 'none';
  throw new PlatformError(
    'SCOPE_NOT_GRANTABLE',
    `you cannot grant ${refused.map((r) => r.scope).join(', ')}: a credential you create gets at most what you may do in this project (${allowed}); ask an owner to create it`,
    {
      errors: refused.map((r) => ({
        in: 'body' as const,
        pointer: `${pointer}/${r.i}`,
        detail: `"${r.scope}" is above your rights in this project`,
      })),
    },
  );
}

/** Refuses service accounts for operations that only people may perform. */
export function requireUserPrincipal(
  principal: Principal,
  action: string,
): Extract<Principal, { type: 'user' }> {
  if (principal.type !== 'user') throw new PlatformError('FORBIDDEN', `service accounts cannot ${action}`);
  return principal;
}

/** Loads a project the caller may act on with at least `minimum` role. */
export async function projectAccess(
  db: Kysely<Tables>,
  principal: Principal,
  projectId: string,
  minimum: ProjectRole,
): Promise<ProjectAccess> {
  const notFound = () => new PlatformError('NOT_FOUND', `project ${projectId} not found`);
  if (principal.type === 'service_account') {
    if (principal.projectId !== projectId) throw notFound();
    const project = await findProject(db, projectId);
    if (project === undefined) throw notFound();
    requireServiceAccountRole(principal, minimum);
    return { project, role: null };
  }
  const [row] = await projectWithRole(db, { projectId, userId: principal.id });
  if (row === undefined) throw notFound();
  const { role: found, ...project } = row;
  const role = found ?? undefined;
  if (principal.operator) return { project, role: role ?? null };
  if (role === undefined) throw notFound();
  if (!roleAtLeast(role, minimum)) {
    throw new PlatformError(
      'FORBIDDEN',
      `this needs the ${minimum} role in project ${projectId}; you are ${role}`,
    );
  }
  return { project, role };
}

/**
 * Loads an organisation the caller may see (`manage: false`) or create projects in
 * (`manage: true`: its creator, an owner of one of its projects, or an operator).
 */
export async function organizationAccess(
  db: Kysely<Tables>,
  principal: Principal,
  organizationId: string,
  manage: boolean,
): Promise<OrganizationRow> {
  const notFound = () => new PlatformError('NOT_FOUND', `organization ${organizationId} not found`);
  const org = await db
    .selectFrom('organizations')
    .selectAll()
    .where('id', '=', organizationId)
    .executeTakeFirst();
  if (org === undefined) throw notFound();
  if (isOperator(principal)) return org;
  if (principal.type === 'service_account') {
    if (manage) throw new PlatformError('FORBIDDEN', 'service accounts cannot manage organizations');
    const own = await findProject(db, principal.projectId);
    if (own?.organization_id !== organizationId) throw notFound();
    requireServiceAccountRole(principal, 'viewer');
    return org;
  }
  if (org.created_by === principal.id) return org;
  const roles = await db
    .selectFrom('memberships')
    .innerJoin('projects', 'projects.id', 'memberships.project_id')
    .select('memberships.role')
    .where('projects.organization_id', '=', organizationId)
    .where('memberships.user_id', '=', principal.id)
    .execute();
  if (roles.length === 0) throw notFound();
  if (manage && !roles.some((r) => r.role === 'owner')) {
    throw new PlatformError(
      'FORBIDDEN',
      `only the creator or a project owner may add projects to ${organizationId}`,
    );
  }
  return org;
}
