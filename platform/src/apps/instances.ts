/**
 * App instances: a catalog app installed in an allocation (`POST /v1/apps/instances`), stored in
 * `app_instances` (apps/instance-store.ts) with one `app_launches` row per launch period. It is
 * launched through the same path as any launch (apps/launcher.ts), after the checks a catalog
 * launch adds: the version is in the project's catalog, the caller consented to the permissions
 * its service account gets, the parameters match the manifest's schemas, and the allocation
 * belongs to the project and meets the manifest's minimum workload profile (PROFILE_NOT_MET
 * otherwise, with each shortfall).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Kysely } from 'kysely';
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
import { newId } from '../ids.js';
import { catalogApp } from './catalog.js';
import type { CatalogVersion } from './catalog.js';
import { checkSecrets, secretNames } from './instance-inputs.js';
import { createPendingInstance, creatorOf, sealedOrNull } from './instance-pending.js';
import type { InstanceServices } from './instance-pending.js';
import { endInstance, insertInstance } from './instance-store.js';
import type { InstanceRow } from './instance-store.js';
import { instanceView } from './instance-view.js';
import type { AppInstance } from './instance-view.js';
import { launchInAllocation, runtimeOf } from './launcher.js';
import type { LaunchServices } from './launcher.js';
import type { AppStatus } from './launcher.js';

export { instanceView } from './instance-view.js';
export type { AppInstance } from './instance-view.js';
export type AppInstanceCreate = components['schemas']['AppInstanceCreate'];

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

/**
 * Checks launch parameters against the manifest's schemas (unknown names refused); VALIDATION_FAILED.
 * A failing secret is named at `/secrets/<name>` (the messages never carry a value).
 */
export function validateParameters(
  schemas: Record<string, unknown>,
  parameters: Record<string, unknown>,
  secrets: ReadonlySet<string> = new Set(),
): void {
  const validate = ajv.compile({ type: 'object', properties: schemas, additionalProperties: false });
  // A copy: coercion rewrites what it checks, and the runtime gets what the caller sent.
  if (validate(structuredClone(parameters))) return;
  const errors: FieldError[] = (validate.errors ?? []).map((e) => {
    const extra = (e.params as { additionalProperty?: string }).additionalProperty;
    const path = `${e.instancePath}${extra === undefined ? '' : `/${extra}`}`;
    const secret = secrets.has(path.split('/')[1] ?? '');
    const pointer = `${secret ? '/secrets' : '/parameters'}${path}`;
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

export interface LaunchedInstance {
  instance: AppInstance;
  /** The runtime's answer; undefined for a pending instance (its allocation is still starting). */
  status: AppStatus | undefined;
  warnings: string[];
}

/**
 * Launches a catalog app: into the project's allocation `allocation_id` now (the runtime's status
 * answered), or, without one, into an allocation created for it from its profile, once that runs
 * (the instance answered `pending`; apps/instance-pending.ts).
 */
export async function launchInstance(
  s: InstanceServices,
  principal: Principal,
  body: AppInstanceCreate,
  /** Notes the instance a launch without `allocation_id` creates, in its transaction (idempotency). */
  recordCreated?: (trx: Kysely<Tables>, instanceId: string) => Promise<void>,
): Promise<LaunchedInstance> {
  const app = await catalogApp(s.db, principal, body.project_id, body.app);
  const version = chooseVersion(app.versions, body.version);
  requireConsent(version.permissions, body.accepted_permissions ?? []);
  const parameters = body.parameters ?? {};
  const secrets = body.secrets ?? {};
  checkSecrets(version.parameters, parameters, secrets);
  validateParameters(version.parameters, { ...parameters, ...secrets }, secretNames(version.parameters));
  const warnings = version.state === 'deprecated' ? ['deprecated'] : [];
  if (body.allocation_id === undefined) {
    const row = await createPendingInstance(
      s,
      principal,
      body,
      {
        app: app.name,
        version,
        parameters,
        secrets,
      },
      recordCreated,
    );
    return { instance: await instanceView(s, row), status: undefined, warnings };
  }
  for (const field of ['gpus', 'ttl'] as const) {
    if (body[field] !== undefined) {
      throw new PlatformError('VALIDATION_FAILED', `${field} applies only without allocation_id`, {
        errors: [{ in: 'body', pointer: `/${field}`, detail: 'only for an allocation the launch creates' }],
      });
    }
  }
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
  const instanceId = newId();
  const { status, managed } = await launchInAllocation(s, {
    allocation,
    launcher: principal,
    artifact: version.release_reference,
    // The runtime gets the secrets among the parameters (and redacts them in what it shows).
    parameters: { ...parameters, ...secrets },
    scopes: version.permissions,
    scopesPointer: '/accepted_permissions',
    instanceId,
  });
  const row = await insertInstance(s.db, {
    id: instanceId,
    projectId: body.project_id,
    app: app.name,
    versionId: version.id,
    allocationId: allocation.id,
    state: 'running',
    channel: body.channel,
    upgrades: body.upgrades,
    acceptedPermissions: body.accepted_permissions ?? [],
    parameters,
    sealedSecrets: sealedOrNull(s, instanceId, secrets),
    createdBy: creatorOf(principal),
  });
  return { instance: await instanceView(s, row, status.state), status, warnings: managed?.warnings ?? [] };
}

/** PROFILE_NOT_MET unless the allocation's GPUs meet the manifest's minimum profile. */
export async function requireMinimum(
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

/** An instance the caller may see (`role` in its project); 404 otherwise. */
export async function visibleInstance(
  db: Kysely<Tables>,
  principal: Principal,
  id: string,
  role: 'viewer' | 'member',
): Promise<InstanceRow> {
  const row = await db.selectFrom('app_instances').selectAll().where('id', '=', id).executeTakeFirst();
  const notFound = () => new PlatformError('NOT_FOUND', `app instance ${id} not found`);
  if (row === undefined) throw notFound();
  try {
    await projectAccess(db, principal, row.project_id, role);
  } catch (error) {
    if (error instanceof PlatformError && error.code === 'NOT_FOUND') throw notFound();
    throw error;
  }
  return row;
}

/** The project's instances, newest first, `limit + 1`. */
export async function listInstances(
  db: Kysely<Tables>,
  principal: Principal,
  filter: { projectId: string; limit: number; after?: string | undefined },
): Promise<InstanceRow[]> {
  await projectAccess(db, principal, filter.projectId, 'viewer');
  let query = db.selectFrom('app_instances').selectAll().where('project_id', '=', filter.projectId);
  if (filter.after !== undefined) query = query.where('id', '<', filter.after);
  return query
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
}

/**
 * Stops an instance: the app through its allocation's runtime (when it was launched there and
 * the allocation still runs), then the instance and its launch period end. A pending instance
 * just ends (its launcher finds it ended); an ended one is returned as it is.
 */
export async function stopInstance(s: LaunchServices, row: InstanceRow): Promise<InstanceRow> {
  if (row.ended_at !== null) return row;
  const allocation = await s.db
    .selectFrom('allocations')
    .leftJoin('nodes', 'nodes.id', 'allocations.node_id')
    .selectAll('allocations')
    .select(['nodes.status as node_status', 'nodes.runtime_certificate_sha256 as node_certificate_sha256'])
    .where('allocations.id', '=', row.allocation_id)
    .executeTakeFirstOrThrow();
  if (allocation.state === 'running' && (row.state === 'running' || row.state === 'launching')) {
    await callRuntime(runtimeOf(allocation), {
      method: 'POST',
      path: '/v1/app/stop',
      timeoutMs: 10 * 60_000,
    });
  }
  await endInstance(s.db, row.id, { state: 'stopped' });
  return (
    (await s.db.selectFrom('app_instances').selectAll().where('id', '=', row.id).executeTakeFirst()) ?? row
  );
}
