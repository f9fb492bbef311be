/** Project members and their roles. */
import type { Response } from 'express';
import { requirePrincipal } from '../auth/middleware.js';
import type { ProjectRole } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { publishAccessChange } from '../events/access.js';
import { projectAccess } from '../identity/access.js';
import { ensureUser, isUniqueViolation, lockProject, ownerCount } from '../identity/store.js';
import { setAuditTarget } from '../http/audit.js';
import { checkIfMatch, etagOf } from '../http/etag.js';
import { pageOf } from '../http/pagination.js';
import { operationOf } from '../http/pipeline.js';
import { isoTime } from '../ids.js';
import { pageRequest } from './identity.js';
import type { Handlers, Services } from './services.js';

interface MemberRow {
  project_id: string;
  user_id: string;
  email: string;
  role: ProjectRole;
  created_at: string;
  updated_at: string;
  version: number;
}

function memberView(m: MemberRow) {
  return {
    project_id: m.project_id,
    user_id: m.user_id,
    email: m.email,
    role: m.role,
    created_at: m.created_at,
    updated_at: m.updated_at,
  };
}

function target(res: Response): { projectId: string; userId: string } {
  const { params } = operationOf(res);
  return { projectId: params.project_id ?? '', userId: params.user_id ?? '' };
}

export function memberHandlers(s: Services): Handlers {
  const { db } = s;

  // One shape for a member row, whether listed or looked up.
  const membersOf = (projectId: string) =>
    db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select([
        'memberships.project_id',
        'memberships.user_id',
        'users.email',
        'memberships.role',
        'memberships.created_at',
        'memberships.updated_at',
        'memberships.version',
      ])
      .where('memberships.project_id', '=', projectId);

  const findMember = (projectId: string, userId: string) =>
    membersOf(projectId).where('memberships.user_id', '=', userId).executeTakeFirst();

  return {
    listMembers: async (_req, res) => {
      const { projectId } = target(res);
      await projectAccess(db, requirePrincipal(res), projectId, 'viewer');
      const { limit, after } = pageRequest(s, res);
      let query = membersOf(projectId)
        .orderBy('memberships.user_id')
        .limit(limit + 1);
      if (after !== undefined) query = query.where('memberships.user_id', '>', after);
      const page = pageOf(await query.execute(), limit, (last) =>
        s.cursors.encode('listMembers', [last.user_id]),
      );
      res.json({ items: page.items.map(memberView), next_cursor: page.next_cursor });
    },

    addMember: async (req, res) => {
      const { projectId } = target(res);
      await projectAccess(db, requirePrincipal(res), projectId, 'owner');
      const { email, role } = req.body as { email: string; role: ProjectRole };
      const user = await ensureUser(db, email);
      const now = isoTime();
      try {
        await db
          .insertInto('memberships')
          .values({
            project_id: projectId,
            user_id: user.id,
            role,
            created_at: now,
            updated_at: now,
            version: 1,
          })
          .execute();
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new PlatformError(
            'ALREADY_EXISTS',
            `${user.email} is already a member of project ${projectId}`,
          );
        }
        throw error;
      }
      setAuditTarget(res, { id: user.id, projectId, details: { email: user.email, role } });
      res.status(201).setHeader('ETag', etagOf(1));
      res.setHeader('Location', `/v1/projects/${projectId}/members/${user.id}`);
      res.json(
        memberView({
          project_id: projectId,
          user_id: user.id,
          email: user.email,
          role,
          created_at: now,
          updated_at: now,
          version: 1,
        }),
      );
    },

    updateMember: async (req, res) => {
      const { projectId, userId } = target(res);
      await projectAccess(db, requirePrincipal(res), projectId, 'owner');
      const member = await findMember(projectId, userId);
      if (member === undefined)
        throw new PlatformError('NOT_FOUND', `user ${userId} is not a member of ${projectId}`);
      checkIfMatch(req.headers['if-match'], member.version);
      const { role } = req.body as { role: ProjectRole };
      const updated = await db.transaction().execute(async (trx) => {
        await lockProject(trx, projectId);
        const result = await trx
          .updateTable('memberships')
          .set({ role, updated_at: isoTime(), version: member.version + 1 })
          .where('project_id', '=', projectId)
          .where('user_id', '=', userId)
          .where('version', '=', member.version)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) {
          throw new PlatformError('PRECONDITION_FAILED', `membership of ${userId} changed concurrently`);
        }
        // Checked after the write while holding the project lock: two concurrent demotions cannot both pass.
        if (member.role === 'owner' && role !== 'owner' && (await ownerCount(trx, projectId)) === 0) {
          throw new PlatformError('LAST_OWNER', `user ${userId} is the last owner of project ${projectId}`);
        }
        return { ...member, role, version: member.version + 1 };
      });
      setAuditTarget(res, { id: userId, projectId, details: { from: member.role, to: role } });
      if (member.role !== role) {
        await publishAccessChange(s.compute.bus, db, {
          change: 'member_role_changed',
          principalType: 'user',
          principalId: userId,
          projectId,
        });
      }
      res.setHeader('ETag', etagOf(updated.version));
      res.json(memberView(updated));
    },

    removeMember: async (_req, res) => {
      const { projectId, userId } = target(res);
      await projectAccess(db, requirePrincipal(res), projectId, 'owner');
      await db.transaction().execute(async (trx) => {
        await lockProject(trx, projectId);
        const result = await trx
          .deleteFrom('memberships')
          .where('project_id', '=', projectId)
          .where('user_id', '=', userId)
          .returning('role')
          .executeTakeFirst();
        if (result === undefined)
          throw new PlatformError('NOT_FOUND', `user ${userId} is not a member of ${projectId}`);
        if (result.role === 'owner' && (await ownerCount(trx, projectId)) === 0) {
          throw new PlatformError('LAST_OWNER', `user ${userId} is the last owner of project ${projectId}`);
        }
      });
      setAuditTarget(res, { id: userId, projectId });
      // Their open event streams (and those of the service accounts they created) re-check now.
      await publishAccessChange(s.compute.bus, db, {
        change: 'member_removed',
        principalType: 'user',
        principalId: userId,
        projectId,
      });
      res.status(204).end();
    },
  };
}
