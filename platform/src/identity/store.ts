/**
 * Data access for users, organisations, projects and memberships, shared by the REST handlers and
 * the `gpuaas-platform token` bootstrap command. Every write that must be atomic runs in one
 * transaction; unique-constraint races surface as ALREADY_EXISTS rather than 500s.
 */
import { sql } from 'kysely';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { asBillingDb, isPostgres } from '../billing/db.js';
import { grantStarterCredit } from '../billing/starter-credit.js';
import type { StarterCreditPolicy } from '../billing/starter-credit.js';
import { isUniqueViolation } from '../db/constraint.js';
import type { OrganizationsTable, ProjectRole, ProjectsTable, Tables, UsersTable } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { isoTime, newId } from '../ids.js';

export type UserRow = Selectable<UsersTable>;
export type OrganizationRow = Selectable<OrganizationsTable>;
export type ProjectRow = Selectable<ProjectsTable>;
type Db = Kysely<Tables> | Transaction<Tables>;

/** Lower-cased, trimmed email: the identity key of a user. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Finds the user by email or creates it; `operator: true` also grants the operator flag. */
export async function ensureUser(
  db: Db,
  email: string,
  options: { operator?: boolean } = {},
): Promise<UserRow> {
  const normalized = normalizeEmail(email);
  const now = isoTime();
  await db
    .insertInto('users')
    .values({
      id: newId(),
      email: normalized,
      display_name: null,
      operator: options.operator === true ? 1 : 0,
      created_at: now,
      updated_at: now,
      version: 1,
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  if (options.operator === true) {
    await db
      .updateTable('users')
      .set((eb) => ({ operator: 1, updated_at: now, version: eb('version', '+', 1) }))
      .where('email', '=', normalized)
      .where('operator', '=', 0)
      .execute();
  }
  return db.selectFrom('users').selectAll().where('email', '=', normalized).executeTakeFirstOrThrow();
}

export async function findUser(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function createOrganization(
  db: Db,
  name: string,
  createdBy: string | null,
): Promise<OrganizationRow> {
  const now = isoTime();
  const row: OrganizationRow = {
    id: newId(),
    name,
    created_by: createdBy,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  await db.insertInto('organizations').values(row).execute();
  return row;
}

/** A name for a user's first organisation, derived from the email (pattern of the Name schema). */
export function personalOrganizationName(email: string): string {
  const slug = normalizeEmail(email)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return slug === '' ? 'personal' : slug;
}

/** The user's first organisation, created (named after the email) when there is none. */
export async function defaultOrganization(db: Db, user: UserRow): Promise<OrganizationRow> {
  const existing = await db
    .selectFrom('organizations')
    .selectAll()
    .where('created_by', '=', user.id)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return existing ?? createOrganization(db, personalOrganizationName(user.email), user.id);
}

/**
 * The default organisation of user `userId` (created on first use), read with the user in one
 * query; NOT_FOUND when there is no such user.
 */
export async function defaultOrganizationOf(db: Db, userId: string): Promise<{ id: string }> {
  const row = await db
    .selectFrom('users')
    .select((eb) => [
      'users.id',
      'users.email',
      eb
        .selectFrom('organizations')
        .select('organizations.id')
        .whereRef('organizations.created_by', '=', 'users.id')
        .orderBy('organizations.id')
        .limit(1)
        .as('organization_id'),
    ])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  if (row === undefined) throw new PlatformError('NOT_FOUND', `user ${userId} not found`);
  if (row.organization_id !== null) return { id: row.organization_id };
  return createOrganization(db, personalOrganizationName(row.email), row.id);
}

export interface NewProject {
  organizationId: string;
  name: string;
  description: string | null;
  ownerId: string;
}

/**
 * Creates a project, makes `ownerId` its owner and grants it the starter credit (`policy`),
 * atomically.
 */
export async function createProject(
  db: Kysely<Tables>,
  input: NewProject,
  policy: StarterCreditPolicy,
): Promise<ProjectRow> {
  const now = isoTime();
  const project: ProjectRow = {
    id: newId(),
    organization_id: input.organizationId,
    name: input.name,
    description: input.description,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  try {
    await db.transaction().execute(async (trx) => {
      const projectInsert = trx.insertInto('projects').values(project);
      const membership = {
        project_id: project.id,
        user_id: input.ownerId,
        role: 'owner' as const,
        created_at: now,
        updated_at: now,
        version: 1,
      };
      if (isPostgres(trx)) {
        // One statement for both rows (a unique violation still fails it as a whole).
        await sql`with project as (${projectInsert.returning('id')})
          ${trx.insertInto('memberships').values(membership)}`.execute(trx);
      } else {
        await projectInsert.execute();
        await trx.insertInto('memberships').values(membership).execute();
      }
      await grantStarterCredit(asBillingDb(trx), project.id, policy, new Date(now));
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new PlatformError(
        'ALREADY_EXISTS',
        `a project named "${input.name}" exists in this organisation`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
  return project;
}

export async function findProject(db: Db, id: string): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findProjectByName(
  db: Db,
  organizationId: string,
  name: string,
): Promise<ProjectRow | undefined> {
  return db
    .selectFrom('projects')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('name', '=', name)
    .executeTakeFirst();
}

export async function membershipRole(
  db: Db,
  projectId: string,
  userId: string,
): Promise<ProjectRole | undefined> {
  const row = await db
    .selectFrom('memberships')
    .select('role')
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role;
}

/**
 * Serialises membership changes of one project: a no-op UPDATE takes the project row's write lock
 * on PostgreSQL (SQLite transactions are serialised already), portably, without `FOR UPDATE`.
 */
export async function lockProject(trx: Transaction<Tables>, projectId: string): Promise<void> {
  await trx
    .updateTable('projects')
    .set((eb) => ({ version: eb.ref('version') }))
    .where('id', '=', projectId)
    .execute();
}

/** Number of owners of a project (the last one may not leave or be demoted). */
export async function ownerCount(db: Db, projectId: string): Promise<number> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('project_id', '=', projectId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
