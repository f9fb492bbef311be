/** Project members and their roles: HTTP over the member service (identity/members.ts). */
import type { Response } from 'express';
import { requirePrincipal } from '../auth/middleware.js';
import { memberView } from '../identity/members.js';
import { setAuditTarget } from '../http/audit.js';
import { checkIfMatch, etagOf } from '../http/etag.js';
import { pageOf } from '../http/pagination.js';
import { operationOf } from '../http/pipeline.js';
import { pageRequest } from './identity.js';
import type { Handlers, Services } from './services.js';

function target(res: Response): { projectId: string; userId: string } {
  const { params } = operationOf(res);
  return { projectId: params.project_id ?? '', userId: params.user_id ?? '' };
}

export function memberHandlers(s: Services): Handlers {
  return {
    listMembers: async (_req, res) => {
      const { projectId } = target(res);
      const { limit, after } = pageRequest(s, res);
      const rows = await s.members.list(requirePrincipal(res), projectId, { limit, after });
      const page = pageOf(rows, limit, (last) => s.cursors.encode('listMembers', [last.user_id]));
      res.json({ items: page.items.map(memberView), next_cursor: page.next_cursor });
    },

    addMember: async (req, res) => {
      const { projectId } = target(res);
      const body = req.body;
      const member = await s.members.add(requirePrincipal(res), projectId, body);
      setAuditTarget(res, {
        id: member.user_id,
        projectId,
        details: { email: member.email, role: member.role },
      });
      res.status(201).setHeader('ETag', etagOf(member.version));
      res.setHeader('Location', `/v1/projects/${projectId}/members/${member.user_id}`);
      res.json(memberView(member));
    },

    updateMember: async (req, res) => {
      const { projectId, userId } = target(res);
      const { role } = req.body;
      const { member, previousRole } = await s.members.changeRole(
        requirePrincipal(res),
        projectId,
        userId,
        role,
        (version) => checkIfMatch(req.headers['if-match'], version),
      );
      setAuditTarget(res, { id: userId, projectId, details: { from: previousRole, to: role } });
      res.setHeader('ETag', etagOf(member.version));
      res.json(memberView(member));
    },

    removeMember: async (_req, res) => {
      const { projectId, userId } = target(res);
      await s.members.remove(requirePrincipal(res), projectId, userId);
      setAuditTarget(res, { id: userId, projectId });
      res.status(204).end();
    },
  };
}
