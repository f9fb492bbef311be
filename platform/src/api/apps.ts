/**
 * An app inside an allocation: launch, status, stop and logs, relayed to the allocation's runtime.
 * A launch gets its own service account in the allocation's project, limited to the scopes the
 * tenant grants (never more than the launching caller may do there: a member cannot hand an app
 * `members:write`) plus `usage:write` (the runtime ships usage with it); the runtime then asks for
 * tokens limited further to what the app's manifest declares. The account acts with its creator's
 * role, so demoting or removing the launcher shrinks it too. The account is revoked when the
 * allocation ends (allocations/transitions.ts).
 */
import type { Response } from 'express';
import type { components } from '@gpuaas/platform-contract';
import { requirePrincipal } from '../auth/middleware.js';
import { hashClientSecret, newClientSecret } from '../auth/passwords.js';
import { callRuntime, openRuntime } from '../allocations/runtime-client.js';
import type { RuntimeTarget } from '../allocations/runtime-client.js';
import type { AllocationRow } from '../allocations/views.js';
import { PlatformError } from '../errors.js';
import { setAuditTarget } from '../http/audit.js';
import { operationOf } from '../http/pipeline.js';
import { isoTime, newId } from '../ids.js';
import { serviceAccountClientId } from '../oidc/clients.js';
import { projectAccess, requireGrantable } from '../identity/access.js';
import { allocationAccess } from '../allocations/access.js';
import type { Handlers, Services } from './services.js';

const USAGE_SCOPE = 'usage:write';

/** The runtime's status document, relayed unchanged (response validation checks it in tests). */
type AppStatus = components['schemas']['AppStatus'];

function runtimeOf(row: AllocationRow): RuntimeTarget {
  if (row.state !== 'running' || row.endpoint === null || row.runtime_secret === null) {
    throw new PlatformError('ALLOCATION_NOT_RUNNING', `allocation ${row.id} is ${row.state}, not running`);
  }
  if (row.node_status === 'unreachable') {
    throw new PlatformError('RUNTIME_UNREACHABLE', `the node of allocation ${row.id} is unreachable`);
  }
  return { endpoint: row.endpoint, secret: row.runtime_secret };
}

export function appHandlers(s: Services): Handlers {
  const { db } = s;
  const allocationOf = async (res: Response, role: 'viewer' | 'member') =>
    allocationAccess(db, requirePrincipal(res), operationOf(res).params.allocation_id ?? '', role);

  return {
    launchApp: async (req, res) => {
      const row = await allocationOf(res, 'member');
      setAuditTarget(res, { id: row.id, projectId: row.project_id });
      const body = req.body;
      const launcher = requirePrincipal(res);
      const { role } = await projectAccess(db, launcher, row.project_id, 'member');
      const requested = body.scopes ?? [];
      // `usage:write` is the runtime's own: added whoever launches, so asking for it is no escalation.
      requireGrantable(launcher, role, requested, '/scopes', [USAGE_SCOPE]);
      const target = runtimeOf(row);
      const policy = s.config.compute.appTrustPolicy;
      if (policy === undefined) {
        throw new PlatformError(
          'APP_TRUST_NOT_CONFIGURED',
          'the platform has no app trust policy (--app-trust-policy), so it runs no app',
        );
      }
      const scopes = [...new Set([...requested, USAGE_SCOPE])].sort();
      const secret = newClientSecret();
      const accountId = newId();
      await db
        .insertInto('service_accounts')
        .values({
          id: accountId,
          project_id: row.project_id,
          name: `launch-${row.id.slice(-12)}-${accountId.slice(-6)}`,
          scopes: scopes.join(' '),
          secret_hash: hashClientSecret(secret),
          created_by: launcher.id,
          created_at: isoTime(),
          revoked_at: null,
          secret_rotated_at: null,
          allocation_id: row.id,
        })
        .execute();
      setAuditTarget(res, {
        id: row.id,
        projectId: row.project_id,
        details: { artifact: body.artifact, scopes, service_account: accountId },
      });
      // The runtime discovers the OpenID Provider at the issuer its tokens carry, whatever host name the caller used.
      const issuer = s.tokens.issuer;
      const { body: status } = await callRuntime<AppStatus>(target, {
        method: 'POST',
        path: '/v1/app/launch',
        launch: true,
        body: {
          reference: body.artifact,
          parameters: body.parameters ?? {},
          trust_policy: policy,
          platform: {
            url: issuer,
            allocation_id: row.id,
            project_id: row.project_id,
            credentials: {
              issuer,
              client_id: serviceAccountClientId(accountId),
              client_secret: secret,
              scopes,
            },
          },
        },
      });
      res.status(202).json(status);
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
