/**
 * An app inside an allocation: launch, status, stop and logs, relayed to the allocation's runtime.
 * A launch gets its own service account in the allocation's project, limited to the scopes the
 * tenant grants (never more than the launching caller may do there: a member cannot hand an app
 * `members:write`) plus `usage:write` (the runtime ships usage with it); the runtime then asks for
 * tokens limited further to what the app's manifest declares. The account acts with its creator's
 * role, so demoting or removing the launcher shrinks it too. The account is revoked when the
 * allocation ends (allocations/transitions.ts).
 *
 * Trust: a reference into the embedded registry or matching a registered app version is the
 * platform's own business (apps/launch-trust.ts): it must be an approved version whose approval
 * covers the allocation's project, checked in the database at every launch (so a revocation
 * applies at once on every instance), and the runtime launches the RELEASE reference pinned by
 * digest under a trust policy issued for this launch, pulling with a short-lived `registry:pull`
 * token of the launch account. Any other reference runs under the operator's `--app-trust-policy`.
 * Every launch is recorded in `app_launches` with the prices it runs at. The launch itself is
 * apps/launcher.ts, shared with the catalog's `POST /v1/apps/instances`.
 */
import type { Response } from 'express';
import { requirePrincipal } from '../auth/middleware.js';
import { callRuntime, openRuntime } from '../allocations/runtime-client.js';
import { allocationAccess } from '../allocations/access.js';
import { endLaunches, launchInAllocation, runtimeOf } from '../apps/launcher.js';
import type { AppStatus } from '../apps/launcher.js';
import { PlatformError } from '../errors.js';
import { setAuditTarget } from '../http/audit.js';
import { operationOf } from '../http/pipeline.js';
import type { Handlers, Services } from './services.js';

export function appHandlers(s: Services): Handlers {
  const { db } = s;
  const allocationOf = async (res: Response, role: 'viewer' | 'member') =>
    allocationAccess(db, requirePrincipal(res), operationOf(res).params.allocation_id ?? '', role);

  return {
    launchApp: async (req, res) => {
      const row = await allocationOf(res, 'member');
      setAuditTarget(res, { id: row.id, projectId: row.project_id });
      const body = req.body;
      const { status, managed, serviceAccountId, scopes } = await launchInAllocation(s, {
        allocation: row,
        launcher: requirePrincipal(res),
        artifact: body.artifact,
        parameters: body.parameters ?? {},
        scopes: body.scopes ?? [],
        scopesPointer: '/scopes',
      });
      setAuditTarget(res, {
        id: row.id,
        projectId: row.project_id,
        details: {
          artifact: body.artifact,
          scopes,
          service_account: serviceAccountId,
          ...(managed === undefined
            ? {}
            : { version_id: managed.version.id, digest: managed.digest, release: managed.reference }),
        },
      });
      res.status(202).json(managed?.warnings.length ? { ...status, warnings: managed.warnings } : status);
    },

    getApp: async (_req, res) => {
      const row = await allocationOf(res, 'viewer');
      const { body } = await callRuntime<AppStatus>(runtimeOf(row), {
        method: 'GET',
        path: '/v1/app',
      });
      res.json(body);
    },

    stopApp: async (_req, res) => {
      const row = await allocationOf(res, 'member');
      setAuditTarget(res, { id: row.id, projectId: row.project_id });
      const { body } = await callRuntime<AppStatus>(runtimeOf(row), {
        method: 'POST',
        path: '/v1/app/stop',
        timeoutMs: 10 * 60_000,
      });
      await endLaunches(db, { allocationId: row.id });
      res.json(body);
    },

    getAppLogs: async (req, res) => {
      const row = await allocationOf(res, 'viewer');
      const op = operationOf(res);
      const query = new URLSearchParams({
        stream: (op.query.stream as string | undefined) ?? 'stdout',
        tail: String((op.query.tail as number | undefined) ?? 200),
        follow: String(op.query.follow === true),
      });
      const upstream = await openRuntime(runtimeOf(row), {
        method: 'GET',
        path: `/v1/app/logs?${query.toString()}`,
        timeoutMs: 0,
      });
      if ((upstream.statusCode ?? 500) >= 400) {
        upstream.resume();
        throw new PlatformError(
          'NOT_FOUND',
          `allocation ${row.id} has no app logs (runtime answered ${upstream.statusCode})`,
        );
      }
      res.status(200).type('text/plain; charset=utf-8');
      res.flushHeaders();
      req.on('close', () => upstream.destroy());
      upstream.pipe(res);
    },
  };
}
