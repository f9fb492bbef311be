/**
 * The platform's own trust at launch. A reference into the embedded registry, or one that matches
 * a registered version, is resolved to its version row (a tag resolved now, so a tag moved after
 * approval finds no approved version), checked (launchable state, approval scope covering the
 * allocation's project), and turned into what the runtime launches: the RELEASE reference pinned
 * by digest, and a trust policy issued for this launch that requires both the publisher's
 * signature by the version's signer key (even if retired since) and the approval attestation by
 * the platform's approval key. Nothing is cached: revocation applies from its commit on, on every
 * instance. Any other reference is not the platform's business (`undefined`): the operator's
 * `--app-trust-policy` decides.
 */
import type { Kysely } from 'kysely';
import { APPROVAL_PREDICATE_TYPE, parseReference, registryClientFor } from '@gpuaas/sdk';
import type { ImageReference, RegistryConnection } from '@gpuaas/sdk';
import { isSdkError } from '@gpuaas/sdk/common';
import { parseMoney } from '../billing/money.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { RELEASE_NAMESPACE, namespaceOf } from '../registry/names.js';
import type { ApprovalKey } from './approval-key.js';
import type { EmbeddedRegistry } from './release.js';
import { LAUNCHABLE_STATES, releaseRepositoryIn, scopeCovers } from './release.js';
import type { AppVersionRow } from './versions.js';

export interface LaunchProject {
  id: string;
  organizationId: string;
}

export interface LaunchTrustOptions {
  db: Kysely<Tables>;
  embedded: EmbeddedRegistry;
  approvalKey: () => Promise<ApprovalKey>;
  /** Resolves a tag to a manifest digest, now (default: through the registry the reference names). */
  resolveTag?: (registry: string, repository: string, tag: string) => Promise<string>;
  /** How to reach external registries when resolving their tags. */
  connection?: RegistryConnection;
  /** Sigstore trusted root for keyless signers; without it a keyless-signed version cannot be launched. */
  keylessTrustedRoot?: unknown;
}

/** What the platform launches for a managed reference. */
export interface ManagedLaunch {
  version: AppVersionRow;
  /** `host/release/…:tag@sha256:…`: what the runtime pulls. */
  reference: string;
  digest: string;
  /** Policy text (JSON, which the runtime's YAML parser reads) issued for this launch only. */
  trustPolicy: string;
  /** `deprecated` for a deprecated version. */
  warnings: string[];
}

const LAUNCHABLE: ReadonlySet<string> = new Set(LAUNCHABLE_STATES);

/**
 * The managed launch for `reference` in `project`, or undefined when the reference is neither in
 * the embedded registry nor a registered version. Refusals: APP_REFERENCE_INVALID (not a
 * reference), APP_VERSION_REVOKED, APP_VERSION_NOT_APPROVED (no version for that digest, a state
 * that is not launchable, a scope that does not cover the project).
 */
export async function planManagedLaunch(
  options: LaunchTrustOptions,
  reference: string,
  project: LaunchProject,
): Promise<ManagedLaunch | undefined> {
  const ref = parseLaunchReference(reference);
  const embedded =
    options.embedded.serves(ref.registry) || (await storedReleaseReference(options.db, reference, ref));
  const version = await findVersion(options, ref, embedded);
  if (version === undefined) return undefined;
  if (version.row === undefined) {
    throw new PlatformError(
      'APP_VERSION_NOT_APPROVED',
      `${reference} resolves to ${version.digest}, which is no approved version: register it and have it approved`,
    );
  }
  const stored = version.row;
  // Launched from where the release lives now, with a policy scoped to that name.
  const row = {
    ...stored,
    release_reference:
      stored.release_reference === null ? null : options.embedded.rehostRelease(stored.release_reference),
  };
  checkLaunchable(row, project);
  // A revoked digest stays revoked wherever else it was registered (another repository, registry).
  const revoked = await options.db
    .selectFrom('app_versions')
    .select(['id', 'reason'])
    .where('digest', '=', row.digest)
    .where('state', '=', 'revoked')
    .executeTakeFirst();
  if (revoked !== undefined) {
    throw new PlatformError(
      'APP_VERSION_REVOKED',
      `${row.digest} was revoked (app version ${revoked.id})${revoked.reason === null ? '' : `: ${revoked.reason}`}`,
    );
  }
  if (row.release_reference === null) {
    throw new PlatformError(
      'APP_VERSION_NOT_APPROVED',
      `app version ${row.id} has no release: it was never promoted`,
    );
  }
  return {
    version: row,
    reference: row.release_reference,
    digest: row.digest,
    trustPolicy: await issueTrustPolicy(options, row),
    warnings: row.state === 'deprecated' ? ['deprecated'] : [],
  };
}

/** Refuses a version the project may not launch now. */
export function checkLaunchable(row: AppVersionRow, project: LaunchProject): void {
  if (row.state === 'revoked') {
    throw new PlatformError(
      'APP_VERSION_REVOKED',
      `app version ${row.app}@${row.version} (${row.digest}) was revoked${row.reason === null ? '' : `: ${row.reason}`}`,
    );
  }
  if (!LAUNCHABLE.has(row.state)) {
    throw new PlatformError(
      'APP_VERSION_NOT_APPROVED',
      `app version ${row.app}@${row.version} (${row.digest}) is ${row.state}, not approved`,
    );
  }
  if (!scopeCovers({ scope: row.approval_scope, scopeId: row.approval_scope_id }, project)) {
    throw new PlatformError(
      'APP_VERSION_NOT_APPROVED',
      `app version ${row.app}@${row.version} (${row.digest}) is not approved for project ${project.id}`,
    );
  }
}

/**
 * The policy for one version: its release repository only, needing a signature by the signer key
 * and the approval attestation by the platform key. Keys travel inline (the runtime reads no files).
 */
export async function issueTrustPolicy(
  options: Pick<LaunchTrustOptions, 'db' | 'approvalKey' | 'keylessTrustedRoot'>,
  row: AppVersionRow,
): Promise<string> {
  if (row.release_reference === null || row.signer_key_id === null) {
    throw new PlatformError('APP_VERSION_NOT_APPROVED', `app version ${row.id} has no release or no signer`);
  }
  const signer = await options.db
    .selectFrom('publisher_keys')
    .selectAll()
    .where('project_id', '=', row.project_id)
    .where('key_id', '=', row.signer_key_id)
    .executeTakeFirst();
  if (signer === undefined) {
    throw new PlatformError(
      'APP_VERSION_NOT_APPROVED',
      `the signer key ${row.signer_key_id} of app version ${row.id} is no longer registered`,
    );
  }
  let publisher: Record<string, unknown>;
  if (signer.kind === 'key' && signer.public_key !== null) {
    publisher = { publicKey: signer.public_key };
  } else if (signer.kind === 'keyless' && signer.issuer !== null && signer.subject !== null) {
    if (options.keylessTrustedRoot === undefined) {
      throw new PlatformError(
        'APP_TRUST_NOT_CONFIGURED',
        `app version ${row.id} is signed keyless and the platform has no Sigstore trusted root to check it with`,
      );
    }
    publisher = {
      keyless: {
        trustedRoot: options.keylessTrustedRoot,
        identities: [{ issuer: signer.issuer, subject: signer.subject }],
      },
    };
  } else {
    throw new PlatformError('INTERNAL', `publisher key ${signer.id} is neither a key nor a keyless identity`);
  }
  const approval = await options.approvalKey();
  const scope = releaseScopeOf(row.release_reference);
  return JSON.stringify({
    version: 1,
    keys: { publisher, platform: { publicKey: approval.publicKeyPem } },
    policies: [
      {
        name: `approved-${row.id}`,
        scopes: [scope],
        signatures: { authorities: ['publisher'] },
        attestations: [{ predicateType: APPROVAL_PREDICATE_TYPE, authorities: ['platform'] }],
      },
    ],
  });
}

/** `host/release/…` of a release reference (what trust policy scopes match). */
function releaseScopeOf(releaseReference: string): string {
  const host = releaseReference.slice(0, releaseReference.indexOf('/'));
  return `${host}/${releaseRepositoryIn(releaseReference)}`;
}

function parseLaunchReference(reference: string): ImageReference {
  try {
    const ref = parseReference(reference);
    if (ref.tag === undefined && ref.digest === undefined) throw new Error('no tag or digest');
    return ref;
  } catch (error) {
    throw new PlatformError(
      'APP_REFERENCE_INVALID',
      `"${reference}" is not an artifact reference with a tag or digest`,
      {
        cause: error,
      },
    );
  }
}

/** True when `reference` is a release reference as stored at approval, whatever host it names. */
async function storedReleaseReference(
  db: LaunchTrustOptions['db'],
  reference: string,
  ref: ImageReference,
): Promise<boolean> {
  if (namespaceOf(ref.repository) !== RELEASE_NAMESPACE) return false;
  const row = await db
    .selectFrom('app_versions')
    .select('id')
    .where('release_reference', '=', reference)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The version a reference stands for: undefined when the platform does not manage it; `row`
 * undefined when it is managed but its digest has no version (an unregistered push, a moved tag).
 */
async function findVersion(
  options: LaunchTrustOptions,
  ref: ImageReference,
  embedded: boolean,
): Promise<{ digest: string; row: AppVersionRow | undefined } | undefined> {
  const { db } = options;
  if (embedded && namespaceOf(ref.repository) === RELEASE_NAMESPACE) {
    const digest = ref.digest ?? (await resolveTag(options, ref));
    const rows = await db
      .selectFrom('app_versions')
      .selectAll()
      .where('digest', '=', digest)
      .where('release_reference', 'is not', null)
      .execute();
    return {
      digest,
      row: rows.find((row) => releaseRepositoryIn(row.release_reference ?? '') === ref.repository),
    };
  }
  const registries = embedded ? options.embedded.names(ref.registry) : [ref.registry];
  const rows = await db
    .selectFrom('app_versions')
    .selectAll()
    .where('registry', 'in', registries)
    .where('repository', '=', ref.repository)
    .execute();
  const registered = rows.some(
    (row) => row.digest === ref.digest || (ref.tag !== undefined && row.tag === ref.tag),
  );
  if (!embedded && !registered) return undefined;
  const digest = ref.digest ?? (await resolveTag(options, ref));
  return { digest, row: rows.find((row) => row.digest === digest) };
}

async function resolveTag(options: LaunchTrustOptions, ref: ImageReference): Promise<string> {
  const tag = ref.tag ?? '';
  try {
    if (options.resolveTag !== undefined) return await options.resolveTag(ref.registry, ref.repository, tag);
    const client = options.embedded.serves(ref.registry)
      ? options.embedded.client(ref.registry)
      : registryClientFor(
          ref.registry,
          options.connection === undefined ? {} : { connection: options.connection },
        );
    return (await client.resolve(ref.repository, tag)).digest;
  } catch (error) {
    if (isSdkError(error) && error.code === 'REGISTRY_UNREACHABLE') {
      throw new PlatformError('REGISTRY_UNREACHABLE', error.message, { cause: error });
    }
    if (isSdkError(error)) {
      throw new PlatformError(
        'APP_VERSION_NOT_APPROVED',
        `${ref.registry}/${ref.repository}:${tag} does not resolve to an approved version (${error.message})`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * The platform's share of app revenue when billing configures none: 20 % (2,000 basis points),
 * withheld from what the publisher earns on each charge.
 */
export const DEFAULT_APP_FEE_BPS = 2_000;

/** `app_launches.pricing` (apps-spec): what this launch charges on top of GPU time, or null. */
export interface LaunchPricingRecord {
  currency: string;
  hourly_price_micros: string | null;
  meters: { meter: string; unit: string | null; micros: string; per_units: string }[];
  publisher_project_id: string;
  fee_bps: number;
}

type Money = string | { micros: number };

interface ManifestBilling {
  billing?: { currency?: string; hourlyPrice?: Money; metered?: { meter: string; pricePerUnit: Money }[] };
  meters?: { name: string; unit?: string }[];
}

/**
 * The prices of a version's manifest (`billing`: hourlyPrice, metered pricePerUnit) as exact
 * micros, recorded with the launch so usage is rated at the launched version's prices even after a
 * newer version changes them. Null when the manifest charges nothing.
 */
export function launchPricingOf(
  manifestJson: string,
  publisherProjectId: string,
  feeBps: number = DEFAULT_APP_FEE_BPS,
): LaunchPricingRecord | null {
  const manifest = JSON.parse(manifestJson) as ManifestBilling | null;
  const billing = manifest?.billing;
  if (billing?.currency === undefined) return null;
  const units = new Map((manifest?.meters ?? []).map((m) => [m.name, m.unit ?? null]));
  return {
    currency: billing.currency,
    hourly_price_micros: billing.hourlyPrice === undefined ? null : microsOf(billing.hourlyPrice).toString(),
    meters: (billing.metered ?? []).map((price) => ({
      meter: price.meter,
      unit: units.get(price.meter) ?? null,
      micros: microsOf(price.pricePerUnit).toString(),
      per_units: '1',
    })),
    publisher_project_id: publisherProjectId,
    fee_bps: feeBps,
  };
}

/** The manifest's money (a decimal string of at most six decimals, or `{ micros }`) in micros. */
function microsOf(money: Money): bigint {
  return typeof money === 'string' ? parseMoney(money) : BigInt(money.micros);
}
