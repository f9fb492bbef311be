/**
 * A catalog launch without an allocation: every check a launch makes that does not need the
 * allocation (access, grantable scopes, entitlement, the app's first billing interval) runs
 * first, then the GPUs are chosen against the live catalog, the allocation is created as the
 * caller through the same domain code as `POST /v1/allocations` (quotas, the GPU hold, audit),
 * and the instance is stored `pending` with its secrets sealed. The PendingLauncher
 * (apps/pending-launcher.ts) launches it once the allocation runs. A refusal creates nothing.
 */
import type { components } from '@gpuaas/platform-contract';
import type { Kysely } from 'kysely';
import type { AllocationService } from '../allocations/service.js';
import { recordAuditEvent } from '../audit/record.js';
import type { Principal } from '../auth/principal.js';
import { asBillingDb } from '../billing/db.js';
import { requireLaunchFunds } from '../billing/launch-holds.js';
import type { WorkloadProfiles } from '../catalog/profile.js';
import { currentContext } from '../context.js';
import type { Tables } from '../db/schema.js';
import { projectAccess, requireGrantable } from '../identity/access.js';
import { newId } from '../ids.js';
import type { CatalogVersion } from './catalog.js';
import { requireEntitlement } from './entitlements.js';
import { chooseAllocation, liveCatalog } from './instance-inputs.js';
import { sealSecrets } from './instance-secrets.js';
import type { InstanceSecretsKey } from './instance-secrets.js';
import { insertInstance } from './instance-store.js';
import type { InstanceRow } from './instance-store.js';
import { launchPricingOf } from './launch-trust.js';
import { launchHoldOf, USAGE_SCOPE } from './launcher.js';
import type { LaunchServices } from './launcher.js';

type AppInstanceCreate = components['schemas']['AppInstanceCreate'];

/** What a catalog launch needs beyond a launch: allocations, and the key that seals secrets. */
export interface InstanceServices extends LaunchServices {
  compute: Pick<AllocationService, 'create'>;
  apps: LaunchServices['apps'] & { instanceSecrets: InstanceSecretsKey };
}

/** `user:<id>` / `service_account:<id>`: who an instance was created by (and is launched as). */
export const creatorOf = (principal: Principal): string => `${principal.type}:${principal.id}`;

/** The sealed secrets of instance `id`, or null when there are none. */
export function sealedOrNull(
  s: InstanceServices,
  id: string,
  secrets: Record<string, string>,
): string | null {
  return Object.keys(secrets).length === 0 ? null : sealSecrets(s.apps.instanceSecrets, id, secrets);
}

export async function createPendingInstance(
  s: InstanceServices,
  principal: Principal,
  body: AppInstanceCreate,
  input: {
    app: string;
    version: CatalogVersion;
    parameters: Record<string, unknown>;
    secrets: Record<string, string>;
  },
  recordCreated?: (trx: Kysely<Tables>, instanceId: string) => Promise<void>,
): Promise<InstanceRow> {
  const { db } = s;
  const { version } = input;
  const { role } = await projectAccess(db, principal, body.project_id, 'member');
  requireGrantable(principal, role, version.permissions, '/accepted_permissions', [USAGE_SCOPE]);
  const row = await db
    .selectFrom('app_versions')
    .selectAll()
    .where('id', '=', version.id)
    .executeTakeFirstOrThrow();
  await requireEntitlement(db, row, body.project_id);
  const hold = launchHoldOf(s, launchPricingOf(row.manifest, row.project_id));
  if (hold !== undefined) await requireLaunchFunds(asBillingDb(db), { projectId: body.project_id, ...hold });
  const resources =
    version.gpu !== null && typeof version.gpu.minimum === 'object'
      ? (version.gpu as unknown as WorkloadProfiles)
      : null;
  const choice = chooseAllocation(resources, body.gpus, await liveCatalog(db));
  const id = newId();
  const context = currentContext();
  let instance: InstanceRow | undefined;
  // The allocation, its audit record and the instance commit together: an instance killed between
  // them would otherwise leave GPUs held (and billed) for an instance that never existed, and the
  // retry that takes over the Idempotency-Key finds the instance noted under it (`recordCreated`).
  await s.compute.create(
    principal,
    {
      project_id: body.project_id,
      gpus: choice.gpus,
      ...(body.ttl === undefined ? {} : { ttl: body.ttl }),
    },
    async (trx, allocationId) => {
      // Audited as `POST /v1/allocations` would be: the caller created it.
      await recordAuditEvent(trx, {
        actor_type: principal.type,
        actor_id: principal.id,
        action: 'allocation.create',
        target_type: 'allocation',
        target_id: allocationId,
        project_id: body.project_id,
        result: 'success',
        status: 201,
        correlation_id: context?.correlationId ?? newId(),
        ip: context?.ip ?? null,
        details: JSON.stringify({ gpus: choice.gpus, profile: choice.tier, app: input.app }),
      });
      instance = await insertInstance(trx, {
        id,
        projectId: body.project_id,
        app: input.app,
        versionId: version.id,
        allocationId,
        state: 'pending',
        channel: body.channel,
        upgrades: body.upgrades,
        acceptedPermissions: body.accepted_permissions ?? [],
        parameters: input.parameters,
        sealedSecrets: sealedOrNull(s, id, input.secrets),
        createdBy: creatorOf(principal),
      });
      await recordCreated?.(trx, id);
    },
  );
  if (instance === undefined) throw new Error('the allocation was created without its instance');
  return instance;
}
