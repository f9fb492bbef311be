/**
 * Upgrading an app instance (`POST /v1/apps/instances/{id}/upgrade`, and automatic upgrades in a
 * channel): the target version passes the checks of a launch (apps/launcher.ts planLaunch: the
 * catalog, approval and revocation, entitlement, funds for its price), the tenant consents to
 * what it widens (apps/consent-diff.ts), and the runtime upgrades with rollback, answering once
 * it is over. On success the instance's launch period ends and the next begins at the new
 * version's prices (same instance id); on a rollback nothing changes on the platform. The launch
 * account stays (the runtime keeps its credentials); its scopes follow the version: widened to
 * both versions' while the upgrade runs, the new version's after, the old one's after a rollback.
 */
import type { Kysely } from 'kysely';
import type { components } from '@gpuaas/platform-contract';
import { allocationAccess } from '../allocations/access.js';
import { callRuntime } from '../allocations/runtime-client.js';
import type { Principal } from '../auth/principal.js';
import type { WorkloadProfiles } from '../catalog/profile.js';
import type { Tables } from '../db/schema.js';
import { PlatformError, isPlatformError } from '../errors.js';
import { catalogApp } from './catalog.js';
import { consentDiff, requireUpgradeConsent } from './consent-diff.js';
import type { ConsentDiff } from './consent-diff.js';
import { checkSecrets, secretNames } from './instance-inputs.js';
import { openSecrets, sealSecrets } from './instance-secrets.js';
import type { InstanceSecretsKey } from './instance-secrets.js';
import { currentLaunch, endInstance, moveInstance } from './instance-store.js';
import type { InstanceRow } from './instance-store.js';
import { instanceView } from './instance-view.js';
import type { AppInstance } from './instance-view.js';
import { requireMinimum, validateParameters } from './instances.js';
import { checkLaunchable } from './launch-trust.js';
import { planLaunch, pullCredentials, recordLaunch } from './launcher.js';
import type { AppStatus, LaunchServices } from './launcher.js';
import { channelsOf, requestedPermissions, storedManifest } from './versions.js';
import type { AppVersionRow } from './versions.js';

export type AppInstanceUpgrade = components['schemas']['AppInstanceUpgrade'];

/** What an upgrade needs beyond a launch: the key that opens and seals the instance's secrets. */
export interface UpgradeServices extends LaunchServices {
  apps: LaunchServices['apps'] & { instanceSecrets: InstanceSecretsKey };
}

/** An upgrade can take as long as the new version's install and start (and a rollback). */
const UPGRADE_TIMEOUT_MS = 30 * 60_000;

/** APP_INSTANCE_STATE_CONFLICT unless the instance runs (an ended or not yet launched one cannot move). */
export function requireRunning(row: InstanceRow, action: string): void {
  if (row.ended_at !== null || row.state !== 'running') {
    throw new PlatformError(
      'APP_INSTANCE_STATE_CONFLICT',
      `app instance ${row.id} is ${row.state}: it cannot ${action}${row.ended_at === null ? ' until it runs' : ''}`,
    );
  }
}

export async function versionRow(db: Kysely<Tables>, id: string): Promise<AppVersionRow> {
  return db.selectFrom('app_versions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/**
 * The version to move to: the one named (its refusal code when it was revoked or is not
 * approved for the project; NOT_FOUND outside the project's catalog), else the newest one
 * published in the instance's channel.
 */
async function targetVersion(
  s: UpgradeServices,
  principal: Principal,
  row: InstanceRow,
  current: AppVersionRow,
  wanted: string | undefined,
): Promise<AppVersionRow> {
  // The same app: every version of the publisher's repository, newest registered first.
  const versions = await s.db
    .selectFrom('app_versions')
    .selectAll()
    .where('project_id', '=', current.project_id)
    .where('repository', '=', current.repository)
    .orderBy('id', 'desc')
    .execute();
  // Every version of it the project may launch from its catalog (none once every one is withdrawn).
  const catalog = await catalogApp(s.db, principal, row.project_id, row.app).catch((error: unknown) => {
    if (isPlatformError(error) && error.code === 'NOT_FOUND') return undefined;
    throw error;
  });
  const inCatalog = new Set(catalog?.versions.map((v) => v.id) ?? []);
  if (wanted !== undefined) {
    const named = versions.find((v) => v.version === wanted || v.id === wanted);
    if (named === undefined) throw new PlatformError('NOT_FOUND', `${row.app} has no version ${wanted}`);
    const project = await s.db
      .selectFrom('projects')
      .select(['id', 'organization_id'])
      .where('id', '=', row.project_id)
      .executeTakeFirstOrThrow();
    checkLaunchable(named, { id: project.id, organizationId: project.organization_id });
    if (!inCatalog.has(named.id)) {
      throw new PlatformError('NOT_FOUND', `version ${wanted} of ${row.app} is not in the catalog`);
    }
    return named;
  }
  const newest = versions.find(
    (v) => v.state === 'published' && inCatalog.has(v.id) && channelsOf(v).includes(row.channel),
  );
  if (newest === undefined) {
    throw new PlatformError('NOT_FOUND', `no version of ${row.app} is published in channel ${row.channel}`);
  }
  return newest;
}

/**
 * The new version's parameters: the instance's own that it still declares, then those given;
 * secrets likewise from the instance's sealed ones. Checked against the new version's schemas.
 */
function upgradeParameters(
  s: UpgradeServices,
  row: InstanceRow,
  schemas: Record<string, unknown>,
  body: AppInstanceUpgrade,
): { parameters: Record<string, unknown>; secrets: Record<string, string> } {
  const given = body.parameters ?? {};
  const givenSecrets = body.secrets ?? {};
  checkSecrets(schemas, given, givenSecrets);
  const secret = secretNames(schemas);
  const declared = (name: string) => name in schemas;
  const kept = Object.entries(JSON.parse(row.parameters) as Record<string, unknown>).filter(
    ([name]) => declared(name) && !secret.has(name),
  );
  const sealed =
    row.sealed_secrets === null ? {} : openSecrets(s.apps.instanceSecrets, row.id, row.sealed_secrets);
  const keptSecrets = Object.entries(sealed).filter(([name]) => secret.has(name));
  const parameters = { ...Object.fromEntries(kept), ...given };
  const secrets = { ...Object.fromEntries(keptSecrets), ...givenSecrets };
  validateParameters(schemas, { ...parameters, ...secrets }, secret);
  return { parameters, secrets };
}

async function setScopes(db: Kysely<Tables>, accountId: string, scopes: readonly string[]): Promise<void> {
  await db
    .updateTable('service_accounts')
    .set({ scopes: [...new Set(scopes)].sort().join(' ') })
    .where('id', '=', accountId)
    .execute();
}

/** The runtime's refusal or failed outcome as APP_UPGRADE_FAILED, its own code kept. */
function upgradeFailure(error: unknown, to: string): unknown {
  if (!isPlatformError(error) || error.runtimeCode === undefined) return error;
  const detail = error.message.replace(/^the allocation's runtime refused the launch: /, '');
  return new PlatformError('APP_UPGRADE_FAILED', `the upgrade to ${to} did not take: ${detail}`, {
    cause: error,
    runtimeCode: error.runtimeCode,
  });
}

/** Upgrades a running instance; the instance on its new version, with the outcome and the diff. */
export async function upgradeInstance(
  s: UpgradeServices,
  principal: Principal,
  row: InstanceRow,
  body: AppInstanceUpgrade,
): Promise<AppInstance> {
  requireRunning(row, 'be upgraded');
  const current = await versionRow(s.db, row.version_id);
  const target = await targetVersion(s, principal, row, current, body.version);
  if (target.id === current.id) {
    throw new PlatformError('VALIDATION_FAILED', `app instance ${row.id} already runs ${current.version}`, {
      errors: [{ in: 'body', pointer: '/version', detail: `already ${current.version}` }],
    });
  }
  const manifest = storedManifest(target);
  const diff = consentDiff({ from: current.version, to: target.version }, storedManifest(current), manifest);
  requireUpgradeConsent(diff, {
    acceptedPermissions: body.accepted_permissions ?? [],
    acceptChanges: body.accept_changes === true,
  });
  const schemas = (manifest?.parameters ?? {}) as Record<string, unknown>;
  const { parameters, secrets } = upgradeParameters(s, row, schemas, body);
  const allocation = await allocationAccess(s.db, principal, row.allocation_id, 'member');
  const resources = manifest?.resources as WorkloadProfiles | undefined;
  if (typeof resources?.minimum === 'object') await requireMinimum(s.db, allocation.id, resources);
  const permissions = requestedPermissions(manifest);
  const plan = await planLaunch(s, {
    allocation,
    launcher: principal,
    artifact: target.release_reference ?? '',
    scopes: permissions,
    scopesPointer: '/accepted_permissions',
  });
  const launch = await currentLaunch(s.db, row.id);
  const accountId = launch?.ended_at === null ? launch.service_account_id : null;
  if (plan.managed === undefined || accountId === null) {
    throw new PlatformError('INTERNAL', `app instance ${row.id} has no launch period in force to upgrade`);
  }
  const account = await s.db
    .selectFrom('service_accounts')
    .select('scopes')
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  const before = account.scopes.split(' ').filter(Boolean);
  // The pull token and either version's token must be grantable while the runtime switches.
  await setScopes(s.db, accountId, [...before, ...plan.scopes]);
  try {
    await callRuntime<AppStatus>(plan.target, {
      method: 'POST',
      path: '/v1/app/upgrade',
      launch: true,
      timeoutMs: UPGRADE_TIMEOUT_MS,
      body: {
        reference: plan.managed.reference,
        parameters: { ...parameters, ...secrets },
        trust_policy: plan.policy,
        registry_auth: await pullCredentials(s, accountId, row.project_id),
        ...(s.apps.embedded.plainHttp ? { registry_plain_http: true } : {}),
        platform: { credentials: { scopes: plan.scopes } },
        wait: true,
      },
    });
  } catch (error) {
    await setScopes(s.db, accountId, before);
    if (isPlatformError(error) && error.runtimeCode === 'APP_FAILED') {
      // The rollback failed too: nothing runs any more.
      await endInstance(s.db, row.id, {
        state: 'failed',
        failure: { code: 'APP_FAILED', detail: error.message },
      });
    }
    throw upgradeFailure(error, target.version);
  }
  await setScopes(s.db, accountId, plan.scopes);
  await recordLaunch(s, {
    allocationId: row.allocation_id,
    projectId: row.project_id,
    launchedBy: `${principal.type}:${principal.id}`,
    accountId,
    artifact: target.release_reference ?? '',
    managed: plan.managed,
    pricing: plan.pricing,
    hold: plan.hold,
    instanceId: row.id,
  });
  await moveInstance(s.db, row.id, ['running'], 'running', {
    version_id: target.id,
    parameters: JSON.stringify(parameters),
    sealed_secrets:
      Object.keys(secrets).length === 0 ? null : sealSecrets(s.apps.instanceSecrets, row.id, secrets),
    accepted_permissions: JSON.stringify(permissions),
  });
  const moved = await s.db
    .selectFrom('app_instances')
    .selectAll()
    .where('id', '=', row.id)
    .executeTakeFirstOrThrow();
  return { ...(await instanceView(s, moved)), upgrade: upgradeOutcome(diff) };
}

function upgradeOutcome(diff: ConsentDiff): NonNullable<AppInstance['upgrade']> {
  return {
    from_version: diff.from_version,
    to_version: diff.to_version,
    outcome: 'succeeded',
    consent_diff: diff,
  };
}
