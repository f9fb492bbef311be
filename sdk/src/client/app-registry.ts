/**
 * The platform's app registry, for the CLI and library users alike: a publisher project's signing
 * keys, the app versions it registers (each pinned to a digest, verified against those keys) and
 * the operators' review of them (approve, reject, publish, deprecate, revoke). The app an
 * allocation runs is apps.ts; this is the supply chain before it (docs/publishing.md).
 */
import { randomUUID } from 'node:crypto';
import type { components } from '@gpuaas/platform-contract';
import { SdkError } from '../errors.js';
import { parseReference } from '../oci/reference.js';
import type { ImageReference } from '../oci/reference.js';
import { ApiError } from './api-error.js';
import { collectAll, listAll } from './client.js';
import type { PlatformClient } from './client.js';
import { isUuid, resolveProject } from './projects.js';

export type PublisherKey = components['schemas']['PublisherKey'];
export type AppVersion = components['schemas']['AppVersion'];
export type AppVersionDetail = components['schemas']['AppVersionDetail'];
export type AppTrust = components['schemas']['AppTrust'];
export type AppVersionState = AppVersion['state'];
export type ApprovalScope = components['schemas']['AppVersionApprove']['scope'];
export type AppAccess = components['schemas']['AppAccess'];

/** States awaiting an operator's decision: `gpuaas ops apps pending` lists these. */
export const PENDING_APP_VERSION_STATE: AppVersionState = 'verified';

/** A signing key (SPKI PEM, ECDSA P-256) or a keyless identity (OIDC issuer and subject). */
export type PublisherKeyInput = { projectId: string; name?: string } & (
  { publicKey: string } | { issuer: string; subject: string }
);

const idempotency = (key: string | undefined) => ({ 'Idempotency-Key': key ?? randomUUID() });

/**
 * Registers a signing key (or keyless identity) for the project's publisher namespace; the same
 * key again answers the existing one. PUBLISHER_KEY_INVALID when it is not a P-256 SPKI PEM.
 */
export async function addPublisherKey(
  client: PlatformClient,
  input: PublisherKeyInput,
  options: { idempotencyKey?: string } = {},
): Promise<PublisherKey> {
  const body: components['schemas']['PublisherKeyCreate'] = {
    project_id: input.projectId,
    ...(input.name === undefined ? {} : { name: input.name }),
    ...('publicKey' in input
      ? { public_key: input.publicKey }
      : { issuer: input.issuer, subject: input.subject }),
  };
  const { data } = await client.api.POST('/v1/apps/keys', {
    params: { header: idempotency(options.idempotencyKey) },
    body,
  });
  return data!;
}

/** Every key of the project, retired ones included (`retired_at` set), page after page. */
export function listPublisherKeys(
  client: PlatformClient,
  projectId: string,
): AsyncGenerator<PublisherKey, void, undefined> {
  return listAll((cursor) =>
    client.api.GET('/v1/apps/keys', {
      params: {
        query: { project_id: projectId, limit: 100, ...(cursor === undefined ? {} : { cursor }) },
      },
    }),
  );
}

/**
 * Retires a key (never deleted): it verifies no new registration, while versions it verified
 * before stay valid and launchable.
 */
export async function retirePublisherKey(
  client: PlatformClient,
  projectId: string,
  keyId: string,
): Promise<PublisherKey> {
  const { data } = await client.api.POST('/v1/apps/keys/{key_id}/retire', {
    params: { path: { key_id: keyId }, query: { project_id: projectId } },
  });
  return data!;
}

/**
 * Registers the artifact `reference` (a tag is resolved to a digest once) as a version of the
 * project's app. Resolves with the version whether it was `verified` or `rejected` (its `errors`
 * say why); registering the same digest again answers the existing version.
 */
export async function registerAppVersion(
  client: PlatformClient,
  input: { projectId: string; reference: string; idempotencyKey?: string },
): Promise<AppVersion> {
  const { data } = await client.api.POST('/v1/apps/versions', {
    params: { header: idempotency(input.idempotencyKey) },
    body: { project_id: input.projectId, reference: input.reference },
  });
  return data!;
}

export interface AppVersionFilter {
  /** The publisher project; operators may leave it out to see every project's versions. */
  projectId?: string;
  state?: AppVersionState;
  /** Repository path inside its registry, `ns/app`. */
  repository?: string;
}

/** Versions matching the filter, newest first, page after page. */
export function listAppVersions(
  client: PlatformClient,
  filter: AppVersionFilter = {},
): AsyncGenerator<AppVersion, void, undefined> {
  return listAll((cursor) =>
    client.api.GET('/v1/apps/versions', {
      params: {
        query: {
          limit: 100,
          ...(filter.projectId === undefined ? {} : { project_id: filter.projectId }),
          ...(filter.state === undefined ? {} : { state: filter.state }),
          ...(filter.repository === undefined ? {} : { repository: filter.repository }),
          ...(cursor === undefined ? {} : { cursor }),
        },
      },
    }),
  );
}

/** A version with its manifest, the previous approved version and the diff against it. */
export async function readAppVersion(client: PlatformClient, versionId: string): Promise<AppVersionDetail> {
  const { data } = await client.api.GET('/v1/apps/versions/{version_id}', {
    params: { path: { version_id: versionId } },
  });
  return data!;
}

export interface Approval {
  /** `platform` (every project), or one `organization` or `project`, named by `scopeId`. */
  scope: ApprovalScope;
  scopeId?: string;
}

/**
 * Operators: approves a verified version, pinned to its digest, for the scope: the platform
 * promotes it into its release namespace and signs an approval attestation.
 */
export async function approveAppVersion(
  client: PlatformClient,
  versionId: string,
  approval: Approval,
): Promise<AppVersion> {
  if (approval.scope !== 'platform' && approval.scopeId === undefined) {
    throw new SdkError('USAGE', `an approval for one ${approval.scope} needs its id (scopeId)`);
  }
  const { data } = await client.api.POST('/v1/apps/versions/{version_id}/approve', {
    params: { path: { version_id: versionId } },
    body: {
      scope: approval.scope,
      ...(approval.scopeId === undefined ? {} : { scope_id: approval.scopeId }),
    },
  });
  return data!;
}

/** Operators: rejects a submitted or verified version; the publisher sees the reason. */
export async function rejectAppVersion(
  client: PlatformClient,
  versionId: string,
  reason: string,
): Promise<AppVersion> {
  const { data } = await client.api.POST('/v1/apps/versions/{version_id}/reject', {
    params: { path: { version_id: versionId } },
    body: { reason },
  });
  return data!;
}

/** Operators: lists an approved version for the tenants in its scope. */
export async function publishAppVersion(
  client: PlatformClient,
  versionId: string,
  /** Who may launch it from the catalog (default: `paid` when it has prices, else `free`). */
  access?: AppAccess,
  /** The release channels it is published in (default `["stable"]`). */
  channels?: string[],
): Promise<AppVersion> {
  const body = {
    ...(access === undefined ? {} : { access }),
    ...(channels === undefined ? {} : { channels }),
  };
  const { data } = await client.api.POST('/v1/apps/versions/{version_id}/publish', {
    params: { path: { version_id: versionId } },
    ...(Object.keys(body).length === 0 ? {} : { body }),
  });
  return data!;
}

/** Operators: a published version stays launchable, with a `deprecated` warning at launch. */
export async function deprecateAppVersion(
  client: PlatformClient,
  versionId: string,
  reason?: string,
): Promise<AppVersion> {
  const { data } = await client.api.POST('/v1/apps/versions/{version_id}/deprecate', {
    params: { path: { version_id: versionId } },
    body: reason === undefined ? {} : { reason },
  });
  return data!;
}

/**
 * Operators: no new launch of the digest from now on; `stopRunning` also stops the instances that
 * run it.
 */
export async function revokeAppVersion(
  client: PlatformClient,
  versionId: string,
  input: { reason: string; stopRunning?: boolean },
): Promise<AppVersion> {
  const { data } = await client.api.POST('/v1/apps/versions/{version_id}/revoke', {
    params: { path: { version_id: versionId } },
    body: { reason: input.reason, stop_running: input.stopRunning ?? false },
  });
  return data!;
}

/** The platform's approval key (key id and SPKI PEM), to verify approvals outside the platform. */
export async function readAppTrust(client: PlatformClient): Promise<AppTrust> {
  const { data } = await client.api.GET('/v1/apps/trust');
  return data!;
}

/**
 * `host[:port]/ns/app[:tag]@sha256:…` as an image reference; USAGE when it names no digest (a
 * tag may move, so a version is never named by one).
 */
export function parseVersionReference(text: string): ImageReference & { digest: string } {
  const ref = parseReference(text);
  if (ref.digest === undefined) {
    throw new SdkError('USAGE', `"${text}" names no digest: give a version id or REF@sha256:…`, {
      details: { hint: 'the digest is in `gpuaas apps versions list --output json`' },
    });
  }
  return { ...ref, digest: ref.digest };
}

/** The namespace approvals are promoted into (`release/<publisher>/<app>`). */
const RELEASE_NAMESPACE = 'release/';

/**
 * A version id (a UUID) as it is, or the version `REF@DIGEST` names (anything else without a
 * digest is USAGE, before any request): the versions of REF's repository (of
 * `projectId`, else all the caller sees) whose digest matches, preferring REF's registry. A
 * release reference (`HOST/release/PUBLISHER/APP@…`) names the version it was promoted from. None
 * is a NOT_FOUND ApiError, as the platform answers for an unknown id.
 */
export async function resolveAppVersionId(
  client: PlatformClient,
  idOrReference: string,
  options: { projectId?: string } = {},
): Promise<string> {
  if (isUuid(idOrReference)) return idOrReference;
  const ref = parseVersionReference(idOrReference);
  const candidates = [ref.repository];
  if (ref.repository.startsWith(RELEASE_NAMESPACE))
    candidates.push(ref.repository.slice(RELEASE_NAMESPACE.length));
  for (const repository of candidates) {
    const versions = await collectAll((cursor) =>
      client.api.GET('/v1/apps/versions', {
        params: {
          query: {
            repository,
            limit: 100,
            ...(options.projectId === undefined ? {} : { project_id: options.projectId }),
            ...(cursor === undefined ? {} : { cursor }),
          },
        },
      }),
    );
    const byDigest = versions.filter((v) => v.digest === ref.digest);
    const match = byDigest.find((v) => v.registry === ref.registry);
    if (match !== undefined) return match.id;
    const [only] = byDigest;
    if (only !== undefined && byDigest.length === 1) return only.id;
    if (byDigest.length > 1) {
      throw new SdkError(
        'NAME_AMBIGUOUS',
        `${byDigest.length} versions of ${repository} have digest ${ref.digest} (registries ${byDigest.map((v) => v.registry).join(', ')}); give the version id`,
        { details: { candidates: byDigest.map((v) => ({ id: v.id, registry: v.registry })) } },
      );
    }
  }
  throw new ApiError({
    code: 'NOT_FOUND',
    status: 404,
    title: 'Not found',
    detail: `no app version of ${ref.registry}/${ref.repository} with digest ${ref.digest} is visible to you`,
    request: 'GET /v1/apps/versions',
  });
}

/** `client.apps`: the registry with projects by id or name and versions by id or REF@DIGEST. */
export interface AppRegistryResource {
  readonly keys: {
    /** Registers a signing public key (SPKI PEM) or a keyless identity for the project. */
    add(
      input: { project: string; name?: string } & (
        { publicKey: string } | { issuer: string; subject: string }
      ),
    ): Promise<PublisherKey>;
    /** Every key of the project, retired ones included, page after page. */
    list(project: string): AsyncGenerator<PublisherKey, void, undefined>;
    /** Retires a key: no new version verifies with it; those it verified stay valid. */
    retire(project: string, keyId: string): Promise<PublisherKey>;
  };
  readonly versions: {
    /** Registers a pushed, signed artifact; resolves with the version, `verified` or `rejected`. */
    register(input: { project: string; reference: string; idempotencyKey?: string }): Promise<AppVersion>;
    /** Versions of a project (operators: of every project without one), page after page. */
    list(filter?: {
      project?: string;
      state?: AppVersionState;
      repository?: string;
    }): AsyncGenerator<AppVersion, void, undefined>;
    /** A version (id, or REF@sha256:…) with its manifest and the diff against the previous approved one. */
    get(version: string, options?: { project?: string }): Promise<AppVersionDetail>;
  };
  /** Operators. Each takes a version id or REF@sha256:…. */
  readonly review: {
    approve(version: string, approval: Approval): Promise<AppVersion>;
    reject(version: string, reason: string): Promise<AppVersion>;
    publish(version: string): Promise<AppVersion>;
    deprecate(version: string, reason?: string): Promise<AppVersion>;
    revoke(version: string, input: { reason: string; stopRunning?: boolean }): Promise<AppVersion>;
  };
  /** The platform's approval key and the approval predicate type. */
  trust(): Promise<AppTrust>;
}

/** Builds `client.apps` over a platform client (createClient in resources.ts). */
export function appRegistryResource(platform: PlatformClient): AppRegistryResource {
  const projectId = async (project: string) => (await resolveProject(platform, project)).id;
  const versionId = (version: string) => resolveAppVersionId(platform, version);
  return {
    keys: {
      async add({ project, ...key }) {
        return addPublisherKey(platform, { ...key, projectId: await projectId(project) });
      },
      async *list(project) {
        yield* listPublisherKeys(platform, await projectId(project));
      },
      async retire(project, keyId) {
        return retirePublisherKey(platform, await projectId(project), keyId);
      },
    },
    versions: {
      async register({ project, ...rest }) {
        return registerAppVersion(platform, { ...rest, projectId: await projectId(project) });
      },
      async *list(filter = {}) {
        const { project, ...rest } = filter;
        yield* listAppVersions(platform, {
          ...rest,
          ...(project === undefined ? {} : { projectId: await projectId(project) }),
        });
      },
      async get(version, options = {}) {
        const id = await resolveAppVersionId(
          platform,
          version,
          options.project === undefined ? {} : { projectId: await projectId(options.project) },
        );
        return readAppVersion(platform, id);
      },
    },
    review: {
      approve: async (version, approval) => approveAppVersion(platform, await versionId(version), approval),
      reject: async (version, reason) => rejectAppVersion(platform, await versionId(version), reason),
      publish: async (version) => publishAppVersion(platform, await versionId(version)),
      deprecate: async (version, reason) => deprecateAppVersion(platform, await versionId(version), reason),
      revoke: async (version, input) => revokeAppVersion(platform, await versionId(version), input),
    },
    trust: () => readAppTrust(platform),
  };
}
