/**
 * App instances: a catalog app launched into an allocation (`POST /v1/apps/instances`). An
 * instance is its `app_launches` row; it is launched through the same path as any launch
 * (apps/launcher.ts), after the checks a catalog launch adds: the version is in the project's
 * catalog, the caller consented to the permissions its service account gets, the parameters
 * match the manifest's schemas, and the allocation belongs to the project and meets the
 * manifest's minimum workload profile (PROFILE_NOT_MET otherwise, with each shortfall).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Kysely, Selectable } from 'kysely';
import type { components } from '@gpuaas/platform-contract';
import { allocationAccess } from '../allocations/access.js';
import { callRuntime } from '../allocations/runtime-client.js';
import type { Principal } from '../auth/principal.js';
import { meetsMinimum } from '../catalog/profile.js';
import type { WorkloadProfiles } from '../catalog/profile.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import type { FieldError } from '../errors.js';
import { projectAccess } from '../identity/access.js';
import { isoTime } from '../ids.js';
import { catalogApp } from './catalog.js';
import type { CatalogVersion } from './catalog.js';
import { endLaunches, launchInAllocation, runtimeOf } from './launcher.js';
import type { LaunchServices } from './launcher.js';
import type { AppStatus } from './launcher.js';
import { storedManifest } from './versions.js';

export type AppInstance = components['schemas']['AppInstance'];
export type AppInstanceCreate = components['schemas']['AppInstanceCreate'];
type LaunchRow = Selectable<Tables['app_launches']>;

/** The version to launch: the one named, else the newest published one (else the newest listed). */
export function chooseVersion(
  versions: readonly CatalogVersion[],
  wanted: string | undefined,
): CatalogVersion {
  const version =
    wanted === undefined
      ? (versions.find((v) => v.state === 'published') ?? versions[0])
      : versions.find((v) => v.version === wanted || v.id === wanted);
  if (version === undefined) {
    throw new PlatformError('NOT_FOUND', `version ${wanted ?? '(latest)'} is not in the catalog`);
  }
  return version;
}

/** Refuses APP_CONSENT_REQUIRED unless every permission the app asks for was accepted. */
export function requireConsent(permissions: readonly string[], accepted: readonly string[]): void {
  const missing = permissions.filter((p) => !accepted.includes(p));
  if (missing.length > 0) {
    throw new PlatformError(
      'APP_CONSENT_REQUIRED',
      `the app's service account gets ${permissions.join(', ')}: accept ${missing.join(', ')} in accepted_permissions`,
      { errors: [{ in: 'body', pointer: '/accepted_permissions', detail: `missing ${missing.join(', ')}` }] },
    );
  }
}

// Coerces like the runtime, which types `--param k=v` strings by the manifest's schemas.
const ajv = new Ajv2020({ allErrors: true, strict: false, coerceTypes: true });

/** Checks launch parameters against the manifest's schemas (unknown names refused); VALIDATION_FAILED. */
export function validateParameters(
  schemas: Record<string, unknown>,
  parameters: Record<string, unknown>,
): void {
  const validate = ajv.compile({ type: 'object', properties: schemas, additionalProperties: false });
  // A copy: coercion rewrites what it checks, and the runtime gets what the caller sent.
  if (validate(structuredClone(parameters))) return;
  const errors: FieldError[] = (validate.errors ?? []).map((e) => {
    const extra = (e.params as { additionalProperty?: string }).additionalProperty;
    const pointer = `/parameters${e.instancePath}${extra === undefined ? '' : `/${extra}`}`;
    return {
      in: 'body',
      pointer,
      detail: extra === undefined ? (e.message ?? 'invalid') : 'the app has no such parameter',
    };
  });
  throw new PlatformError(
    'VALIDATION_FAILED',
    `parameters do not match the app's schemas: ${errors.map((e) => `${e.pointer} ${e.detail}`).join('; ')}`,
    { errors },
  );
}

/** The relay URL of each endpoint the version declares. */
function endpointsOf(s: Pick<LaunchServices, 'tokens'>, allocationId: string, names: readonly string[]) {
  const base = s.tokens.issuer.replace(/\/+$/, '');
  return names.map((name) => ({
    name,
    url: `${base}/v1/allocations/${allocationId}/app/endpoints/${encodeURIComponent(name)}/`,
  }));
}

function endpointNames(manifest: Record<string, unknown> | null): string[] {
  const endpoints = manifest?.endpoints;
  return Array.isArray(endpoints)
    ? endpoints.flatMap((e: unknown) => {
        const name = (e as { name?: unknown } | null)?.name;
        return typeof name === 'string' ? [name] : [];
      })
    : [];
}

/** The contract's AppInstance for a launch row (state: the runtime's when known, else from the row). */
export async function instanceView(s: LaunchServices, row: LaunchRow, state?: string): Promise<AppInstance> {
  const version =
    row.version_id === null
      ? undefined
      : await s.db.selectFrom('app_versions').selectAll().where('id', '=', row.version_id).executeTakeFirst();
  const manifest = version === undefined ? null : storedManifest(version);
  return {
    id: row.id,
    state: state ?? (row.ended_at === null ? 'launched' : 'stopped'),
    app: version?.app ?? null,
    version: version?.version ?? null,
    version_id: row.version_id,
    project_id: row.project_id,
    allocation_id: row.allocation_id,
    reference: row.reference,
    endpoints: endpointsOf(s, row.allocation_id, endpointNames(manifest)),
    launched_by: row.launched_by,
    launched_at: row.launched_at,
    ended_at: row.ended_at,
  };
}

/** Launches a catalog app into an allocation of the project; the instance and the runtime's status. */
export async function launchInstance(
  s: LaunchServices,
  principal: Principal,
  body: AppInstanceCreate,
): Promise<{ instance: AppInstance; status: AppStatus; warnings: string[] }> {
  const app = await catalogApp(s.db, principal, body.project_id, body.app);
  const version = chooseVersion(app.versions, body.version);
  requireConsent(version.permissions, body.accepted_permissions ?? []);
  const parameters = body.parameters ?? {};
  validateParameters(version.parameters, parameters);
  const allocation = await allocationAccess(s.db, principal, body.allocation_id, 'member');
  if (allocation.project_id !== body.project_id) {
    throw new PlatformError(
      'VALIDATION_FAILED',
      `allocation ${allocation.id} is not in project ${body.project_id}`,
      {
        errors: [
          { in: 'body', pointer: '/allocation_id', detail: 'the allocation belongs to another project' },
        ],
      },
    );
  }
  if (version.gpu !== null && typeof version.gpu.minimum === 'object') {
    await requireMinimum(s.db, allocation.id, version.gpu as unknown as WorkloadProfiles);
  }
  const { status, launchId, managed } = await launchInAllocation(s, {
    allocation,
    launcher: principal,
    artifact: version.release_reference,
    parameters,
    scopes: version.permissions,
    scopesPointer: '/accepted_permissions',
  });
  const row = await s.db
    .selectFrom('app_launches')
    .selectAll()
    .where('id', '=', launchId)
    .executeTakeFirstOrThrow();
  return { instance: await instanceView(s, row, status.state), status, warnings: managed?.warnings ?? [] };
}

/** PROFILE_NOT_MET unless the allocation's GPUs meet the manifest's minimum profile. */
async function requireMinimum(
  db: Kysely<Tables>,
  allocationId: string,
  resources: WorkloadProfiles,
): Promise<void> {
  const gpus = await db
    .selectFrom('allocation_gpus')
    .innerJoin('gpus', 'gpus.id', 'allocation_gpus.gpu_id')
    .select(['gpus.model', 'gpus.memory_mib', 'gpus.nvlink_domain'])
    .where('allocation_gpus.allocation_id', '=', allocationId)
    .execute();
  const skus = await db.selectFrom('gpu_skus').selectAll().execute();
  const check = meetsMinimum(
    resources,
    {
      gpus: gpus.map((g) => ({
        model: g.model,
        memoryMib: g.memory_mib,
        nvlinkDomain: g.nvlink_domain || null,
      })),
    },
    skus.map((sku) => ({ id: sku.id, model: sku.model, memoryGib: sku.memory_gib })),
  );
  if (!check.ok) {
    throw new PlatformError(
      'PROFILE_NOT_MET',
      `allocation ${allocationId} does not meet the app's minimum profile: ${check.shortfalls.map((x) => x.message).join('; ')}`,
      {
        errors: check.shortfalls.map((x) => ({
          in: 'body',
          pointer: '/allocation_id',
          detail: `${x.code}: ${x.message}`,
        })),
      },
    );
  }
}

/** A launch the caller may see (viewer of its project); 404 otherwise. */
export async function visibleInstance(
  db: Kysely<Tables>,
  principal: Principal,
  id: string,
  role: 'viewer' | 'member',
) {
  const row = await db.selectFrom('app_launches').selectAll().where('id', '=', id).executeTakeFirst();
  const notFound = () => new PlatformError('NOT_FOUND', `app instance ${id} not found`);
  if (row === undefined || row.version_id === null) throw notFound();
  try {
    await projectAccess(db, principal, row.project_id, role);
  } catch (error) {
    if (error instanceof PlatformError && error.code === 'NOT_FOUND') throw notFound();
    throw error;
  }
  return row;
}

/** The project's catalog instances (launches of a registered version), newest first, `limit + 1`. */
export async function listInstances(
  db: Kysely<Tables>,
  principal: Principal,
  filter: { projectId: string; limit: number; after?: string | undefined },
): Promise<LaunchRow[]> {
  await projectAccess(db, principal, filter.projectId, 'viewer');
  let query = db
    .selectFrom('app_launches')
    .selectAll()
    .where('project_id', '=', filter.projectId)
    .where('version_id', 'is not', null);
  if (filter.after !== undefined) query = query.where('id', '<', filter.after);
  return query
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
}

/** Stops a running instance through its allocation's runtime and ends its launch. */
export async function stopInstance(s: LaunchServices, row: LaunchRow): Promise<LaunchRow> {
  if (row.ended_at !== null) return row;
  const allocation = await s.db
    .selectFrom('allocations')
    .leftJoin('nodes', 'nodes.id', 'allocations.node_id')
    .selectAll('allocations')
    .select('nodes.status as node_status')
    .where('allocations.id', '=', row.allocation_id)
    .executeTakeFirstOrThrow();
  // An allocation no longer running has no app to stop: the launch just ends.
  if (allocation.state === 'running') {
    await callRuntime(runtimeOf(allocation), {
      method: 'POST',
      path: '/v1/app/stop',
      timeoutMs: 10 * 60_000,
    });
  }
  const ended_at = isoTime();
  await endLaunches(s.db, { launchId: row.id }, ended_at);
  return { ...row, ended_at };
}
