/**
 * An app instance after its launch: upgrade to another version (with consent to what it widens),
 * the channel it follows and whether it upgrades itself, and uninstall (docs/apps.md).
 *
 * @example
 * try {
 *   await upgradeAppInstance(client, { id, version: '2.0.0' });
 * } catch (error) {
 *   if (isApiError(error) && error.consentDiff?.widening) {
 *     // Show error.consentDiff, then upgrade again with the consent:
 *     await upgradeAppInstance(client, {
 *       id,
 *       version: error.consentDiff.to_version,
 *       acceptedPermissions: error.consentDiff.permissions_added,
 *       acceptChanges: true,
 *     });
 *   }
 * }
 */
import { randomUUID } from 'node:crypto';
import type { components } from '@gpuaas/platform-contract';
import type { AppInstance } from './app-catalog.js';
import type { PlatformClient } from './client.js';

export type AppConsentDiff = components['schemas']['AppConsentDiff'];

export interface UpgradeInstanceInput {
  id: string;
  /** A version of the catalog (default: the newest published in the instance's channel). */
  version?: string;
  /** Consent to each permission the new version adds. */
  acceptedPermissions?: string[];
  /** Consent to meters the new version adds and prices it raises. */
  acceptChanges?: boolean;
  /** Parameters to change (the instance's own are kept otherwise). */
  parameters?: Record<string, unknown>;
  /** Secret parameters to change (the sealed ones are kept otherwise). */
  secrets?: Record<string, string>;
  idempotencyKey?: string;
}

/**
 * Upgrades a running instance through its runtime (rolled back when the new version fails:
 * ApiError APP_UPGRADE_FAILED with `runtimeCode` UPGRADE_ROLLED_BACK). Widening without consent
 * is ApiError APP_CONSENT_REQUIRED with its `consentDiff`. The answer's `upgrade` has the diff.
 */
export async function upgradeAppInstance(
  client: PlatformClient,
  input: UpgradeInstanceInput,
): Promise<AppInstance> {
  const { data } = await client.api.POST('/v1/apps/instances/{instance_id}/upgrade', {
    params: {
      path: { instance_id: input.id },
      header: { 'Idempotency-Key': input.idempotencyKey ?? randomUUID() },
    },
    body: {
      ...(input.version === undefined ? {} : { version: input.version }),
      ...(input.acceptedPermissions === undefined ? {} : { accepted_permissions: input.acceptedPermissions }),
      ...(input.acceptChanges === undefined ? {} : { accept_changes: input.acceptChanges }),
      ...(input.parameters === undefined ? {} : { parameters: input.parameters }),
      ...(input.secrets === undefined ? {} : { secrets: input.secrets }),
    },
  });
  return data!;
}

export interface UpdateInstanceInput {
  /** The release channel to follow (`stable`, `beta`, …). */
  channel?: string;
  /** `automatic`: install each version of the channel that needs no fresh consent. */
  upgrades?: 'manual' | 'automatic';
}

/** Sets the channel an instance follows and how it upgrades. */
export async function updateAppInstance(
  client: PlatformClient,
  id: string,
  update: UpdateInstanceInput,
): Promise<AppInstance> {
  const { data } = await client.api.PATCH('/v1/apps/instances/{instance_id}', {
    params: { path: { instance_id: id } },
    body: update,
  });
  return data!;
}

/** Stops the app, removes it from its allocation (which stays) and ends the instance. */
export async function uninstallAppInstance(client: PlatformClient, id: string): Promise<void> {
  await client.api.DELETE('/v1/apps/instances/{instance_id}', { params: { path: { instance_id: id } } });
}
