/**
 * Operators' review of registered app versions: approve (promotion into the release namespace
 * with an approval attestation), reject, publish, deprecate and revoke. Every action is audited
 * (x-audit) and published as `app_version.state_changed`; the rules are apps/review.ts's.
 */
import type { Response } from 'express';
import { requirePrincipal } from '../auth/middleware.js';
import type { Reviewer } from '../apps/review.js';
import { accessOf } from '../apps/catalog.js';
import { followRelease } from '../apps/channel-upgrades.js';
import { afterCommit } from '../db/joined-transaction.js';
import { appVersionView } from '../apps/versions.js';
import { PlatformError } from '../errors.js';
import { setAuditTarget } from '../http/audit.js';
import { operationOf } from '../http/pipeline.js';
import { isOperator } from '../identity/access.js';
import type { Handlers, Services } from './services.js';

export function appReviewHandlers(s: Services): Handlers {
  const { db } = s;
  const review = () => s.apps.review;

  /** The version a review action names and who reviews; operators only (404 for an unknown id). */
  const reviewed = async (res: Response, action: string): Promise<{ id: string; reviewer: Reviewer }> => {
    const principal = requirePrincipal(res);
    if (!isOperator(principal))
      throw new PlatformError('FORBIDDEN', `only operators may ${action} app versions`);
    const id = operationOf(res).params.version_id ?? '';
    const row = await db
      .selectFrom('app_versions')
      .select(['id', 'project_id', 'digest'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) throw new PlatformError('NOT_FOUND', `app version ${id} not found`);
    setAuditTarget(res, { id: row.id, projectId: row.project_id, details: { digest: row.digest } });
    const user = await db
      .selectFrom('users')
      .select('email')
      .where('id', '=', principal.id)
      .executeTakeFirst();
    return { id: row.id, reviewer: { id: principal.id, email: user?.email ?? null } };
  };

  return {
    approveAppVersion: async (req, res) => {
      const { id, reviewer } = await reviewed(res, 'approve');
      const row = await review().approve(
        id,
        { scope: req.body.scope, scopeId: req.body.scope_id ?? null },
        reviewer,
      );
      setAuditTarget(res, {
        id,
        projectId: row.project_id,
        details: {
          digest: row.digest,
          scope: row.approval_scope,
          scope_id: row.approval_scope_id,
          release_reference: row.release_reference,
        },
      });
      res.json(appVersionView(row));
    },
    rejectAppVersion: async (req, res) => {
      const { id, reviewer } = await reviewed(res, 'reject');
      res.json(appVersionView(await review().reject(id, req.body.reason, reviewer)));
    },
    publishAppVersion: async (req, res) => {
      const { id, reviewer } = await reviewed(res, 'publish');
      const published = await review().publish(id, reviewer);
      // Who may launch it from the catalog (apps/entitlements.ts); unset derives it from the prices.
      const access = req.body?.access ?? accessOf(published);
      const channels = JSON.stringify(req.body?.channels ?? ['stable']);
      await db.updateTable('app_versions').set({ access, channels }).where('id', '=', id).execute();
      setAuditTarget(res, {
        id,
        projectId: published.project_id,
        details: { digest: published.digest, access, channels: req.body?.channels ?? ['stable'] },
      });
      res.json(appVersionView({ ...published, access, channels }));
      // Once the publication is committed (the request's transaction: http/request-transaction.ts),
      // and outside it: instances following its channels are upgraded or told
      // (apps/channel-upgrades.ts). Run before the commit, it joined a transaction about to end
      // and never saw the version's channels.
      afterCommit(() => {
        followRelease({ ...s, bus: s.compute.bus }, id).catch((error: unknown) =>
          s.logger.warn({ err: error, version_id: id }, 'following a release into its channels failed'),
        );
      });
    },
    deprecateAppVersion: async (req, res) => {
      const { id, reviewer } = await reviewed(res, 'deprecate');
      res.json(appVersionView(await review().deprecate(id, req.body?.reason ?? null, reviewer)));
    },
    revokeAppVersion: async (req, res) => {
      const { id, reviewer } = await reviewed(res, 'revoke');
      const { version, stopped } = await review().revoke(
        id,
        { reason: req.body.reason, stopRunning: req.body.stop_running === true },
        reviewer,
      );
      setAuditTarget(res, {
        id,
        projectId: version.project_id,
        details: { digest: version.digest, stop_running: req.body.stop_running === true, stopped },
      });
      res.json(appVersionView(version));
    },
  };
}
