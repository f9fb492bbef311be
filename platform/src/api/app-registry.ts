/**
 * The app registry over HTTP: publisher keys (add, list, retire), app version registration and
 * reading, and the platform's approval key. The rules live in platform/src/apps/; this file reads
 * the request, names the audit target and shapes the answer.
 */
import type { Response } from 'express';
import { APPROVAL_PREDICATE_TYPE, defaultCredentials } from '@gpuaas/sdk';
import { requirePrincipal } from '../auth/middleware.js';
import { ArtifactReader } from '../apps/artifact-reader.js';
import { appVersionDetail } from '../apps/diff.js';
import { PublisherKeys, publisherKeyView } from '../apps/keys.js';
import { AppRegistration } from '../apps/registration.js';
import { appVersionView, listVersions, visibleVersion } from '../apps/versions.js';
import type { AppVersionState } from '../db/schema.js';
import { setAuditTarget } from '../http/audit.js';
import { pageOf } from '../http/pagination.js';
import { operationOf } from '../http/pipeline.js';
import type { Handlers, Services } from './services.js';

/** External registries get a few quick retries: a registration waits on them. */
const EXTERNAL_RETRY = { maxRetries: 2, initialDelayMs: 200 };

export function appRegistryHandlers(s: Services): Handlers {
  const { db } = s;
  const keys = new PublisherKeys(db);
  // Built on first use: the handlers are bound before (and without) a running platform.
  let registration: AppRegistration | undefined;
  const registrationOf = (): AppRegistration => {
    if (registration !== undefined) return registration;
    registration = new AppRegistration({
      db,
      keys,
      reader: new ArtifactReader({
        embedded: s.apps.embedded,
        registry: s.apps.registry,
        access: s.apps.access,
        connection: { credentials: defaultCredentials(), retry: EXTERNAL_RETRY },
      }),
      keylessTrustedRoot: s.config.compute.sigstoreTrustedRoot,
    });
    return registration;
  };
  const query = (res: Response) => operationOf(res).query as Record<string, string | undefined>;
  const limitOf = (res: Response) => operationOf(res).query.limit as number;
  const after = (operationId: string, cursor: string | undefined) =>
    cursor === undefined ? undefined : s.cursors.decode(operationId, cursor)[0];

  return {
    addPublisherKey: async (req, res) => {
      const { project_id, name, public_key, issuer, subject } = req.body;
      setAuditTarget(res, { id: project_id, projectId: project_id });
      const { key, created } = await keys.add(requirePrincipal(res), {
        projectId: project_id,
        name,
        publicKey: public_key,
        issuer,
        subject,
      });
      setAuditTarget(res, {
        id: key.key_id,
        projectId: key.project_id,
        details: { kind: key.kind, name: key.name, created },
      });
      res.status(created ? 201 : 200).json(publisherKeyView(key));
    },

    listPublisherKeys: async (_req, res) => {
      const limit = limitOf(res);
      const rows = await keys.list(requirePrincipal(res), query(res).project_id ?? '', {
        limit,
        after: after('listPublisherKeys', query(res).cursor),
      });
      const page = pageOf(rows, limit, (last) => s.cursors.encode('listPublisherKeys', [last.id]));
      res.json({ items: page.items.map(publisherKeyView), next_cursor: page.next_cursor });
    },

    retirePublisherKey: async (_req, res) => {
      const projectId = query(res).project_id ?? '';
      const keyId = operationOf(res).params.key_id ?? '';
      setAuditTarget(res, { id: keyId, projectId });
      const key = await keys.retire(requirePrincipal(res), projectId, keyId);
      res.json(publisherKeyView(key));
    },

    registerAppVersion: async (req, res) => {
      const { project_id, reference } = req.body;
      setAuditTarget(res, { id: reference, projectId: project_id });
      const { version, created } = await registrationOf().register(requirePrincipal(res), {
        projectId: project_id,
        reference,
      });
      setAuditTarget(res, {
        id: version.id,
        projectId: version.project_id,
        details: { reference, digest: version.digest, state: version.state, created },
      });
      res.status(created ? 201 : 200).json(appVersionView(version));
    },

    listAppVersions: async (_req, res) => {
      const q = query(res);
      const limit = limitOf(res);
      const rows = await listVersions(db, requirePrincipal(res), {
        projectId: q.project_id,
        state: q.state as AppVersionState | undefined,
        repository: q.repository,
        limit,
        after: after('listAppVersions', q.cursor),
      });
      const page = pageOf(rows, limit, (last) => s.cursors.encode('listAppVersions', [last.id]));
      res.json({ items: page.items.map(appVersionView), next_cursor: page.next_cursor });
    },

    getAppVersion: async (_req, res) => {
      const row = await visibleVersion(db, requirePrincipal(res), operationOf(res).params.version_id ?? '');
      res.json(await appVersionDetail(db, row));
    },

    getAppTrust: (_req, res) => {
      const key = s.apps.approvalKey;
      res.json({
        approval_key: { key_id: key.keyId, public_key: key.publicKeyPem },
        predicate_type: APPROVAL_PREDICATE_TYPE,
      });
    },
  };
}
