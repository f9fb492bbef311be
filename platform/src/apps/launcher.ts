/**
 * One app launch into a running allocation, shared by `POST /v1/allocations/{id}/app` (launchApp,
 * a reference) and `POST /v1/apps/instances` (a catalog app): the trust decision (a managed
 * reference resolves to an approved version covering the project and entitled to it; anything
 * else runs under the operator's `--app-trust-policy`), the launch's own service account limited
 * to the scopes granted, the runtime call, and the `app_launches` record with the prices the
 * launch is rated at. See api/apps.ts for the account and trust rules in full.
 */
import type { components } from '@gpuaas/platform-contract';
import type { Principal } from '../auth/principal.js';
import { hashClientSecret, newClientSecret } from '../auth/passwords.js';
import { callRuntime } from '../allocations/runtime-client.js';
import { asBillingDb } from '../billing/db.js';
import {
  launchHoldAmount,
  placeLaunchHold,
  releaseLaunchHolds,
  requireLaunchFunds,
} from '../billing/launch-holds.js';
import type { BillingConfig } from '../config-billing.js';
import type { ComputeConfig } from '../config-compute.js';
import type { RuntimeTarget } from '../allocations/runtime-client.js';
import type { AllocationRow } from '../allocations/views.js';
import type { Kysely, Transaction } from 'kysely';
import type { TokenService } from '../auth/tokens.js';
import type { Tables } from '../db/schema.js';
import type { ApprovalKey } from './approval-key.js';
import type { EmbeddedRegistry } from './release.js';
import { PlatformError } from '../errors.js';
import { projectAccess, requireGrantable } from '../identity/access.js';
import { isoTime, newId } from '../ids.js';
import { serviceAccountClientId } from '../oidc/clients.js';
import { requireEntitlement } from './entitlements.js';
import { launchPricingOf, planManagedLaunch } from './launch-trust.js';
import type { LaunchPricingRecord, ManagedLaunch } from './launch-trust.js';

export const USAGE_SCOPE = 'usage:write';
const REGISTRY_PULL_SCOPE = 'registry:pull';
/** Lifetime of the pull token a managed launch hands the runtime (it fetches at once). */
const PULL_TOKEN_TTL_SECONDS = 15 * 60;

/** The runtime's status document, relayed unchanged. */
export type AppStatus = components['schemas']['AppStatus'];

/** What a launch needs of the platform's services (api/services.ts's Services fits). */
export interface LaunchServices {
  db: Kysely<Tables>;
  tokens: Pick<TokenService, 'issuer' | 'issueAccessToken'>;
  apps: {
    embedded: EmbeddedRegistry;
    approvalKey: ApprovalKey;
    operatorTrustPolicy: () => Promise<string | undefined>;
    /** Follows the runtime's app events onto the event stream (apps/instance-watcher.ts). */
    instanceEvents?: { watch(allocationId: string): Promise<void> };
  };
  /**
   * The billing interval (a paid app's launch holds one interval of its hourly price), and
   * Sigstore's trusted root for versions a keyless identity signed (`--sigstore-trusted-root`).
   */
  config: {
    billing: Pick<BillingConfig, 'intervalSeconds'>;
    compute: Pick<ComputeConfig, 'sigstoreTrustedRoot'>;
  };
}

export interface LaunchInput {
  allocation: AllocationRow;
  launcher: Principal;
  artifact: string;
  parameters: Record<string, unknown>;
  /** Scopes the tenant grants the app (checked against what the launcher may grant). */
  scopes: string[];
  /** JSON pointer of `scopes` in the request, for the refusal. */
  scopesPointer: string;
  /** The app instance this launch is a period of (catalog launches); recorded on the launch row. */
  instanceId?: string;
}

export interface LaunchOutcome {
  status: AppStatus;
  /** The `app_launches` id. */
  launchId: string;
  managed: ManagedLaunch | undefined;
  serviceAccountId: string;
  scopes: string[];
}

/** The runtime of a running allocation on a reachable node. */
export function runtimeOf(row: AllocationRow): RuntimeTarget {
  if (row.state !== 'running' || row.endpoint === null || row.runtime_secret === null) {
    throw new PlatformError('ALLOCATION_NOT_RUNNING', `allocation ${row.id} is ${row.state}, not running`);
  }
  if (row.node_status === 'unreachable') {
    throw new PlatformError('RUNTIME_UNREACHABLE', `the node of allocation ${row.id} is unreachable`);
  }
  return {
    endpoint: row.endpoint,
    secret: row.runtime_secret,
    certificateSha256: row.node_certificate_sha256,
  };
}

/** What a launch (or an upgrade) of `artifact` into the allocation runs under, once every check passed. */
export interface LaunchPlan {
  target: RuntimeTarget;
  managed: ManagedLaunch | undefined;
  /** The trust policy the runtime verifies the artifact with. */
  policy: string;
  pricing: LaunchPricingRecord | null;
  hold: { currency: string; amount: bigint } | undefined;
  /** The launch account's scopes: those granted, the runtime's own, and a managed launch's pull. */
  scopes: string[];
}

/**
 * The checks of a launch, shared by an upgrade (apps/upgrade.ts): the launcher is a member who
 * may grant the scopes, the runtime is reachable, the platform trusts the artifact (a managed
 * version approved for the project and entitled to it, else the operator's policy) and the
 * project can hold the price. Nothing is created and the runtime hears nothing.
 */
export async function planLaunch(
  s: LaunchServices,
  input: Pick<LaunchInput, 'allocation' | 'launcher' | 'artifact' | 'scopes' | 'scopesPointer'>,
): Promise<LaunchPlan> {
  const { db } = s;
  const row = input.allocation;
  const { role } = await projectAccess(db, input.launcher, row.project_id, 'member');
  // `usage:write` is the runtime's own: added whoever launches, so asking for it is no escalation.
  requireGrantable(input.launcher, role, input.scopes, input.scopesPointer, [USAGE_SCOPE]);
  const target = runtimeOf(row);
  const project = await db
    .selectFrom('projects')
    .select(['id', 'organization_id'])
    .where('id', '=', row.project_id)
    .executeTakeFirstOrThrow();
  const managed = await planManagedLaunch(
    {
      db,
      embedded: s.apps.embedded,
      approvalKey: () => Promise.resolve(s.apps.approvalKey),
      keylessTrustedRoot: s.config.compute.sigstoreTrustedRoot,
    },
    input.artifact,
    { id: project.id, organizationId: project.organization_id },
  );
  if (managed !== undefined) await requireEntitlement(db, managed.version, row.project_id);
  const policy = managed?.trustPolicy ?? (await s.apps.operatorTrustPolicy());
  if (policy === undefined) {
    throw new PlatformError(
      'APP_TRUST_NOT_CONFIGURED',
      'the platform has no app trust policy (--app-trust-policy), so it runs no app from outside its own registry',
    );
  }
  const pricing =
    managed === undefined ? null : launchPricingOf(managed.version.manifest, managed.version.project_id);
  const hold = launchHoldOf(s, pricing);
  // Before anything is created or the runtime hears of it: a launch the project cannot hold is refused.
  if (hold !== undefined) {
    await requireLaunchFunds(asBillingDb(db), { projectId: row.project_id, ...hold });
  }
  const scopes = [
    ...new Set([...input.scopes, USAGE_SCOPE, ...(managed === undefined ? [] : [REGISTRY_PULL_SCOPE])]),
  ].sort();
  return { target, managed, policy, pricing, hold, scopes };
}

export async function launchInAllocation(s: LaunchServices, input: LaunchInput): Promise<LaunchOutcome> {
  const { db } = s;
  const row = input.allocation;
  const { target, managed, policy, pricing, hold, scopes } = await planLaunch(s, input);
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
      created_by: input.launcher.id,
      created_at: isoTime(),
      revoked_at: null,
      secret_rotated_at: null,
      allocation_id: row.id,
    })
    .execute();
  const registryAuth =
    managed === undefined ? undefined : await pullCredentials(s, accountId, row.project_id);
  // The runtime discovers the OpenID Provider at the issuer its tokens carry, whatever host name the caller used.
  const issuer = s.tokens.issuer;
  // Followed from before the launch, so the event stream sees its first states too.
  await s.apps.instanceEvents?.watch(row.id);
  const { body: status } = await callRuntime<AppStatus>(target, {
    method: 'POST',
    path: '/v1/app/launch',
    launch: true,
    body: {
      reference: managed?.reference ?? input.artifact,
      parameters: input.parameters,
      trust_policy: policy,
      ...(registryAuth === undefined ? {} : { registry_auth: registryAuth }),
      // A managed launch pulls from the embedded registry, reached as the platform is.
      ...(managed !== undefined && s.apps.embedded.plainHttp ? { registry_plain_http: true } : {}),
      platform: {
        url: issuer,
        allocation_id: row.id,
        project_id: row.project_id,
        credentials: { issuer, client_id: serviceAccountClientId(accountId), client_secret: secret, scopes },
      },
    },
  });
  const launchId = await recordLaunch(s, {
    allocationId: row.id,
    projectId: row.project_id,
    launchedBy: `${input.launcher.type}:${input.launcher.id}`,
    accountId,
    artifact: input.artifact,
    managed,
    pricing,
    hold,
    instanceId: input.instanceId,
  });
  return { status, launchId, managed, serviceAccountId: accountId, scopes };
}

/** The hold a launch at these prices needs: one billing interval of its hourly price. */
export function launchHoldOf(
  s: LaunchServices,
  pricing: LaunchPricingRecord | null,
): { currency: string; amount: bigint } | undefined {
  if (pricing?.hourly_price_micros == null) return undefined;
  const amount = launchHoldAmount(BigInt(pricing.hourly_price_micros), s.config.billing.intervalSeconds);
  return amount === 0n ? undefined : { currency: pricing.currency, amount };
}

/** How the instances of the launches endLaunches ends end (apps/instance-store.ts). */
export interface EndLaunchOptions {
  /** An instance whose launch period ends but which goes on (an upgrade, a relaunch of it). */
  keepInstanceId?: string;
  /** Default `stopped`; `failed` with the failure when a refusal or an error ended it. */
  outcome?: { state: 'stopped' } | { state: 'failed'; failure: { code: string; detail: string } };
}

/**
 * Ends the allocation's launch in force (or the one launch named, or an instance's open launch)
 * and voids its billing hold, in one transaction: a stop, a revocation and a relaunch all end a
 * launch this way. The app instance a launch belonged to ends with it (its sealed secrets
 * dropped), unless it is `keepInstanceId`.
 */
export async function endLaunches(
  db: Kysely<Tables> | Transaction<Tables>,
  which: { allocationId: string } | { launchId: string } | { instanceId: string },
  at = isoTime(),
  options: EndLaunchOptions = {},
): Promise<string[]> {
  const run = async (trx: Transaction<Tables>) => {
    let open = trx.selectFrom('app_launches').select(['id', 'instance_id']).where('ended_at', 'is', null);
    open =
      'launchId' in which
        ? open.where('id', '=', which.launchId)
        : 'instanceId' in which
          ? open.where('instance_id', '=', which.instanceId)
          : open.where('allocation_id', '=', which.allocationId);
    const rows = await open.execute();
    const ids = rows.map((r) => r.id);
    if (ids.length > 0) {
      await trx.updateTable('app_launches').set({ ended_at: at }).where('id', 'in', ids).execute();
      await releaseLaunchHolds(asBillingDb(trx), ids, 'app launch ended');
    }
    const instances = new Set(rows.flatMap((r) => (r.instance_id === null ? [] : [r.instance_id])));
    if ('instanceId' in which) instances.add(which.instanceId);
    if (options.keepInstanceId !== undefined) instances.delete(options.keepInstanceId);
    if (instances.size > 0) {
      const outcome = options.outcome ?? { state: 'stopped' };
      await trx
        .updateTable('app_instances')
        .set({
          state: outcome.state,
          failure: outcome.state === 'failed' ? JSON.stringify(outcome.failure) : null,
          sealed_secrets: null,
          ended_at: at,
          updated_at: at,
        })
        .where('id', 'in', [...instances])
        .where('ended_at', 'is', null)
        .execute();
    }
    return ids;
  };
  return db.isTransaction ? run(db as Transaction<Tables>) : db.transaction().execute(run);
}

/** A short-lived `registry:pull` token of the launch account: the runtime's password for the release pull. */
export async function pullCredentials(s: LaunchServices, accountId: string, projectId: string) {
  const { token } = await s.tokens.issueAccessToken({
    sub: accountId,
    principalType: 'service_account',
    projectId,
    scopes: [REGISTRY_PULL_SCOPE],
    ttlSeconds: PULL_TOKEN_TTL_SECONDS,
    clientId: serviceAccountClientId(accountId),
  });
  return { username: serviceAccountClientId(accountId), password: token };
}

/**
 * Records the launch (the one before it in this allocation has ended: a runtime runs one app),
 * with the version's prices for a managed launch, so billing rates usage at what was launched.
 * An instance's next launch period (an upgrade) is recorded the same way with its `instanceId`:
 * its previous row ends, the instance goes on.
 */
export async function recordLaunch(
  s: LaunchServices,
  input: {
    allocationId: string;
    projectId: string;
    launchedBy: string;
    accountId: string;
    artifact: string;
    managed: ManagedLaunch | undefined;
    pricing: LaunchPricingRecord | null;
    hold: { currency: string; amount: bigint } | undefined;
    instanceId?: string | undefined;
  },
): Promise<string> {
  const now = isoTime();
  const { managed, pricing, hold } = input;
  const id = newId();
  await s.db.transaction().execute(async (trx) => {
    await endLaunches(
      trx,
      { allocationId: input.allocationId },
      now,
      input.instanceId === undefined ? {} : { keepInstanceId: input.instanceId },
    );
    await trx
      .insertInto('app_launches')
      .values({
        id,
        allocation_id: input.allocationId,
        project_id: input.projectId,
        version_id: managed?.version.id ?? null,
        reference: managed?.reference ?? input.artifact,
        // Unmanaged references are resolved by the runtime; the platform knows a digest only if pinned.
        digest: managed?.digest ?? /@(sha256:[0-9a-f]{64})$/.exec(input.artifact)?.[1] ?? '',
        service_account_id: input.accountId,
        launched_by: input.launchedBy,
        launched_at: now,
        ended_at: null,
        pricing: pricing === null ? null : JSON.stringify(pricing),
        instance_id: input.instanceId ?? null,
      })
      .execute();
    if (hold !== undefined) {
      await placeLaunchHold(asBillingDb(trx), {
        launchId: id,
        allocationId: input.allocationId,
        projectId: input.projectId,
        ...hold,
        at: now,
      });
    }
  });
  return id;
}
