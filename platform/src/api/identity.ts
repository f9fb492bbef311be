/** The caller, organisations and projects. */
import type { Response } from 'express';
import type { Kysely } from 'kysely';
import { requirePrincipal } from '../auth/middleware.js';
import type { ProjectRole, Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import {
  organizationAccess,
  projectAccess,
  requireServiceAccountRole,
  requireUserPrincipal,
} from '../identity/access.js';
import { createOrganization, createProject, defaultOrganizationOf, findUser } from '../identity/store.js';
import type { OrganizationRow, ProjectRow } from '../identity/store.js';
import { isUniqueViolation } from '../db/constraint.js';
import { setAuditTarget } from '../http/audit.js';
import { checkIfMatch, etagOf } from '../http/etag.js';
import { pageOf } from '../http/pagination.js';
import { operationOf } from '../http/pipeline.js';
import { isoTime } from '../ids.js';
import type { Handlers, Services } from './services.js';

function organizationView(org: OrganizationRow) {
  return { id: org.id, name: org.name, created_at: org.created_at, updated_at: org.updated_at };
}

function projectView(project: ProjectRow, role: ProjectRole | null) {
  return {
    id: project.id,
    organization_id: project.organization_id,
    name: project.name,
    description: project.description,
    role,
    created_at: project.created_at,
    updated_at: project.updated_at,
  };
}

/** Page size and the position after which the page starts. */
export function pageRequest(s: Services, res: Response): { limit: number; after: string | undefined } {
  const op = operationOf(res);
  const limit = op.query.limit as number;
  const cursor = op.query.cursor as string | undefined;
  const after = cursor === undefined ? undefined : s.cursors.decode(op.def.operationId, cursor)[0];
  return { limit, after };
}

async function currentUser(db: Kysely<Tables>, res: Response) {
  const principal = requireUserPrincipal(requirePrincipal(res), 'act as a user');
  const user = await findUser(db, principal.id);
  if (user === undefined) throw new PlatformError('NOT_FOUND', `user ${principal.id} not found`);
  return user;
}

export function identityHandlers(s: Services): Handlers {
  const { db } = s;
  return {
    getCurrentUser: async (_req, res) => {
      const user = await currentUser(db, res);
      res.json({
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        operator: user.operator === 1,
        created_at: user.created_at,
      });
    },

    listOrganizations: async (_req, res) => {
      const principal = requirePrincipal(res);
      const { limit, after } = pageRequest(s, res);
      let query = db
        .selectFrom('organizations')
        .selectAll()
        .orderBy('id')
        .limit(limit + 1);
      if (after !== undefined) query = query.where('id', '>', after);
      if (principal.type === 'service_account') {
        requireServiceAccountRole(principal, 'viewer');
        query = query.where(
          'id',
          'in',
          db.selectFrom('projects').select('organization_id').where('id', '=', principal.projectId),
        );
      } else if (!principal.operator) {
        query = query.where((eb) =>
          eb.or([
            eb('created_by', '=', principal.id),
            eb(
              'id',
              'in',
              eb
                .selectFrom('projects')
                .innerJoin('memberships', 'memberships.project_id', 'projects.id')
                .select('projects.organization_id')
                .where('memberships.user_id', '=', principal.id),
            ),
          ]),
        );
      }
      const page = pageOf(await query.execute(), limit, (last) =>
        s.cursors.encode('listOrganizations', [last.id]),
      );
      res.json({ items: page.items.map(organizationView), next_cursor: page.next_cursor });
    },

    createOrganization: async (req, res) => {
      const principal = requireUserPrincipal(requirePrincipal(res), 'create organizations');
      const { name } = req.body;
      const org = await createOrganization(db, name, principal.id);
      setAuditTarget(res, { id: org.id, details: { name } });
      res.status(201).setHeader('ETag', etagOf(org.version));
      res.setHeader('Location', `/v1/organizations/${org.id}`);
      res.json(organizationView(org));
    },

    getOrganization: async (_req, res) => {
      const org = await organizationAccess(
        db,
        requirePrincipal(res),
        operationOf(res).params.organization_id ?? '',
        false,
      );
      res.setHeader('ETag', etagOf(org.version));
      res.json(organizationView(org));
    },

    listProjects: async (_req, res) => {
      const principal = requirePrincipal(res);
      const { limit, after } = pageRequest(s, res);
      const me = principal.type === 'user' ? principal.id : '';
      let query = db
        .selectFrom('projects')
        .leftJoin('memberships', (join) =>
          join.onRef('memberships.project_id', '=', 'projects.id').on('memberships.user_id', '=', me),
        )
        .selectAll('projects')
        .select('memberships.role')
        .orderBy('projects.id')
        .limit(limit + 1);
      if (after !== undefined) query = query.where('projects.id', '>', after);
      if (principal.type === 'service_account') {
        requireServiceAccountRole(principal, 'viewer');
        query = query.where('projects.id', '=', principal.projectId);
      } else if (!principal.operator) {
        query = query.where('memberships.user_id', '=', me);
      }
      const page = pageOf(await query.execute(), limit, (last) =>
        s.cursors.encode('listProjects', [last.id]),
      );
      res.json({ items: page.items.map((p) => projectView(p, p.role)), next_cursor: page.next_cursor });
    },

    createProject: async (req, res) => {
      const principal = requireUserPrincipal(requirePrincipal(res), 'create projects');
      const body = req.body;
      const org =
        body.organization_id === undefined
          ? await defaultOrganizationOf(db, principal.id)
          : await organizationAccess(db, principal, body.organization_id, true);
      const project = await createProject(
        db,
        {
          organizationId: org.id,
          name: body.name,
          description: body.description ?? null,
          ownerId: principal.id,
        },
        s.config.billing,
      );
      setAuditTarget(res, { id: project.id, projectId: project.id, details: { name: project.name } });
      res.status(201).setHeader('ETag', etagOf(project.version));
      res.setHeader('Location', `/v1/projects/${project.id}`);
      res.json(projectView(project, 'owner'));
    },

    getProject: async (_req, res) => {
      const access = await projectAccess(
        db,
        requirePrincipal(res),
        operationOf(res).params.project_id ?? '',
        'viewer',
      );
      res.setHeader('ETag', etagOf(access.project.version));
      res.json(projectView(access.project, access.role));
    },

    updateProject: async (req, res) => {
      const principal = requirePrincipal(res);
      const id = operationOf(res).params.project_id ?? '';
      const { project, role } = await projectAccess(db, principal, id, 'owner');
      checkIfMatch(req.headers['if-match'], project.version);
      const changes = req.body;
      let updated: ProjectRow | undefined;
      try {
        updated = await db
          .updateTable('projects')
          .set({ ...changes, updated_at: isoTime(), version: project.version + 1 })
          .where('id', '=', id)
          .where('version', '=', project.version)
          .returningAll()
          .executeTakeFirst();
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new PlatformError(
            'ALREADY_EXISTS',
            `a project named "${changes.name ?? ''}" exists in this organisation`,
          );
        }
        throw error;
      }
      // Another request updated it between our read and write: its ETag is stale after all.
      if (updated === undefined)
        throw new PlatformError('PRECONDITION_FAILED', `project ${id} changed concurrently`);
      setAuditTarget(res, { id, projectId: id, details: { fields: Object.keys(changes) } });
      res.setHeader('ETag', etagOf(updated.version));
      res.json(projectView(updated, role));
    },
  };
}
