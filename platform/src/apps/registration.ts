/**
 * Registering an app artifact version (`POST /v1/apps/versions`): the tag is resolved to a digest
 * once, the app manifest is read from the artifact (its config blob, as the runtime reads it) and
 * validated with the SDK's validator, and the publish signature is verified against the project's
 * registered keys that are not retired — not merely "is signed". The version is stored either way:
 * `verified` with the key that verified it, or `rejected` with the validator's or the verifier's
 * errors, so the publisher sees why. The same artifact (registry, repository, digest) registered
 * again is the same version.
 */
import type { Kysely } from 'kysely';
import type { ImageReference, PreparedBundle, PublicKey, StoredBundle } from '@gpuaas/sdk';
import {
  PUBLISH_PREDICATE_TYPE,
  fetchBundles,
  parseArtifactReference,
  prepareBundle,
  toPublicKey,
  validateManifestText,
  verifyArtifact,
  verifyPreparedBundle,
} from '@gpuaas/sdk';
import { isSdkError } from '@gpuaas/sdk/common';
import type { Principal } from '../auth/principal.js';
import { principalKey } from '../auth/principal.js';
import { isUniqueViolation } from '../db/constraint.js';
import type { AppVersionState, Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { projectAccess } from '../identity/access.js';
import { isoTime, newId } from '../ids.js';
import type { ArtifactReader, ArtifactSource } from './artifact-reader.js';
import { registryFailure } from './artifact-reader.js';
import type { PublisherKeyRow, PublisherKeys } from './keys.js';
import { keylessKeyId } from './keys.js';
import type { AppVersionError, AppVersionRow } from './versions.js';

/** What a version nobody has reviewed, approved, released or published yet holds in those columns. */
export const UNREVIEWED = {
  reviewed_by: null,
  reviewed_at: null,
  reason: null,
  approval_scope: null,
  approval_scope_id: null,
  release_reference: null,
  approval_digest: null,
  revoked_at: null,
  // Chosen at publish (apps/entitlements.ts).
  access: null,
  // Chosen at publish too (migration 0016's default until then).
  channels: '["stable"]',
} as const satisfies Partial<AppVersionRow>;

export interface RegistrationOptions {
  db: Kysely<Tables>;
  keys: PublisherKeys;
  reader: ArtifactReader;
  /** A Sigstore trusted root (JSON) for keyless identities; without it keyless signers are unknown. */
  keylessTrustedRoot?: unknown;
}

export interface RegistrationInput {
  projectId: string;
  reference: string;
}

/** The signature's verdict: the key that verified, or the errors that reject the version. */
type SignatureVerdict = { signerKeyId: string } | { errors: AppVersionError[] };

export class AppRegistration {
  readonly #options: RegistrationOptions;

  constructor(options: RegistrationOptions) {
    this.#options = options;
  }

  /** Registers the artifact `reference` names for the publisher project (members and operators). */
  async register(
    principal: Principal,
    input: RegistrationInput,
  ): Promise<{ version: AppVersionRow; created: boolean }> {
    const { db, reader } = this.#options;
    await projectAccess(db, principal, input.projectId, 'member');
    const ref = parseReference(input.reference);
    const source = await reader.open(principal, input.projectId, ref);
    // The one resolution of the tag: everything after it reads by digest.
    const { digest } = await reader.resolve(source, ref);
    const existing = await this.#existing(input.projectId, source.registry, ref.repository, digest);
    if (existing !== undefined) return { version: existing, created: false };

    const manifestText = await reader.appManifest(source, ref.repository, digest);
    if ('problem' in manifestText) throw new PlatformError('APP_REFERENCE_INVALID', manifestText.problem);
    const validation = validateManifestText(manifestText.text, { file: 'gpuaas.yaml' });
    const manifest = validation.value ?? bestEffortManifest(manifestText.text);
    let state: AppVersionState;
    let errors: AppVersionError[] | null = null;
    let signerKeyId: string | null = null;
    if (validation.errors.length > 0) {
      state = 'rejected';
      errors = validation.errors.map((e) => ({ code: e.code, message: e.message, pointer: e.pointer }));
    } else {
      const verdict = await this.#verify(source, ref.repository, digest, input.projectId);
      if ('signerKeyId' in verdict) {
        state = 'verified';
        signerKeyId = verdict.signerKeyId;
      } else {
        state = 'rejected';
        errors = verdict.errors;
      }
    }
    const now = isoTime();
    const row: AppVersionRow = {
      id: newId(),
      project_id: input.projectId,
      registry: source.registry,
      repository: ref.repository,
      tag: ref.tag ?? null,
      digest,
      app: stringField(manifest, 'name'),
      version: stringField(manifest, 'version'),
      state,
      manifest: JSON.stringify(manifest),
      signer_key_id: signerKeyId,
      errors: errors === null ? null : JSON.stringify(errors),
      submitted_by: principalKey(principal),
      submitted_at: now,
      updated_at: now,
      ...UNREVIEWED,
    };
    try {
      await db.insertInto('app_versions').values(row).execute();
    } catch (error) {
      // The same artifact registered at the same moment: the first one is the version.
      if (!isUniqueViolation(error)) throw error;
      const raced = await this.#existing(input.projectId, source.registry, ref.repository, digest);
      if (raced === undefined) throw error;
      return { version: raced, created: false };
    }
    return { version: row, created: true };
  }

  /** The version already registered for this artifact; another project's is a conflict. */
  async #existing(
    projectId: string,
    registry: string,
    repository: string,
    digest: string,
  ): Promise<AppVersionRow | undefined> {
    const row = await this.#options.db
      .selectFrom('app_versions')
      .selectAll()
      .where('registry', '=', registry)
      .where('repository', '=', repository)
      .where('digest', '=', digest)
      .executeTakeFirst();
    if (row !== undefined && row.project_id !== projectId) {
      throw new PlatformError(
        'ALREADY_EXISTS',
        `${registry}/${repository}@${digest} is registered by another project`,
      );
    }
    return row;
  }

  /** Verifies the publish signature against the project's keys that are not retired. */
  async #verify(
    source: ArtifactSource,
    repository: string,
    digest: string,
    projectId: string,
  ): Promise<SignatureVerdict> {
    const active = await this.#options.keys.active(projectId);
    const publicKeys = active.flatMap((k) => (k.public_key === null ? [] : [toPublicKey(k.public_key)]));
    const pinned = `${source.registry}/${repository}@${digest}`;
    let keyed: Awaited<ReturnType<typeof verifyArtifact>> | undefined;
    if (publicKeys.length > 0) {
      try {
        keyed = await verifyArtifact(pinned, { publicKeys }, { client: source.client });
      } catch (error) {
        throw registryFailure(source, error);
      }
      const signer = keyed.verified[0];
      if (keyed.allowed && signer !== undefined) return { signerKeyId: signer.keyId };
      if (keyed.code === 'SIGNATURE_NOT_FOUND') return notSigned(pinned);
    }
    let stored: StoredBundle[];
    try {
      stored = await fetchBundles(source.client, repository, digest);
    } catch (error) {
      throw registryFailure(source, error);
    }
    if (stored.length === 0) return notSigned(pinned);
    const prepared = stored.map((s) => (s.bundle === undefined ? undefined : prepareBundle(s.bundle)));
    const keyless = this.#keylessVerdict(prepared, active, digest);
    if (keyless !== undefined) return keyless;
    const unknown = unknownSigners(prepared, active, await this.#options.keys.all(projectId), publicKeys);
    if (unknown !== undefined) return { errors: [{ code: 'APP_SIGNER_UNKNOWN', message: unknown }] };
    return {
      errors: [
        {
          code: keyed?.code ?? 'SIGNATURE_INVALID',
          message: keyed?.reasons.join('; ') || `no signature of ${pinned} verifies`,
        },
      ],
    };
  }

  /** A verdict from the project's keyless identities, when a bundle is certificate-based and verifies. */
  #keylessVerdict(
    prepared: readonly (PreparedBundle | undefined)[],
    active: readonly PublisherKeyRow[],
    digest: string,
  ): SignatureVerdict | undefined {
    const root = this.#options.keylessTrustedRoot;
    const identities = active.flatMap((k) =>
      k.kind === 'keyless' && k.issuer !== null && k.subject !== null
        ? [{ issuer: k.issuer, subject: k.subject }]
        : [],
    );
    if (root === undefined || identities.length === 0) return undefined;
    for (const bundle of prepared) {
      if (bundle === undefined || !isCertificateBundle(bundle)) continue;
      const result = verifyPreparedBundle(bundle, {
        keyless: { trustedRoot: root, identities },
        expectedSubjectDigest: digest,
        expectedPredicateType: PUBLISH_PREDICATE_TYPE,
      });
      if (result.ok && result.identity !== undefined) {
        return { signerKeyId: keylessKeyId(result.identity.issuer, result.identity.subject) };
      }
    }
    return undefined;
  }
}

function parseReference(reference: string): ImageReference {
  try {
    return parseArtifactReference(reference);
  } catch (error) {
    if (isSdkError(error)) throw new PlatformError('APP_REFERENCE_INVALID', error.message, { cause: error });
    throw error;
  }
}

function notSigned(pinned: string): SignatureVerdict {
  return { errors: [{ code: 'SIGNATURE_NOT_FOUND', message: `no signature found for ${pinned}` }] };
}

function isCertificateBundle(bundle: PreparedBundle): boolean {
  return bundle.ok && bundle.bundle.verificationMaterial.content.$case !== 'publicKey';
}

/**
 * Why no bundle's signer is one of the project's active keys, or undefined when one is (then the
 * signature itself is what failed). A key bundle names its key (the hint is the key id); a
 * certificate bundle's identity is known only once verified, so it is unknown here.
 */
function unknownSigners(
  prepared: readonly (PreparedBundle | undefined)[],
  active: readonly PublisherKeyRow[],
  all: readonly PublisherKeyRow[],
  publicKeys: readonly PublicKey[],
): string | undefined {
  const activeIds = new Set(publicKeys.map((k) => k.keyId));
  const why: string[] = [];
  for (const bundle of prepared) {
    if (bundle === undefined || !bundle.ok) continue;
    const material = bundle.bundle.verificationMaterial.content;
    if (material.$case !== 'publicKey') {
      why.push(
        active.some((k) => k.kind === 'keyless')
          ? 'a keyless signature matches none of the project’s keyless identities (or the platform has no Sigstore trusted root)'
          : 'a keyless signature, and the project registers no keyless identity',
      );
      continue;
    }
    const hint = material.publicKey.hint;
    // Other tools leave the hint empty: then any active key could be the signer.
    if (hint === '' || activeIds.has(hint)) return undefined;
    const retired = all.find((k) => k.key_id === hint && k.retired_at !== null);
    why.push(
      retired === undefined
        ? `signed by key ${hint}, which the project has not registered`
        : `signed by key ${hint}, which the project retired at ${retired.retired_at ?? ''}`,
    );
  }
  return why.length === 0 ? undefined : why.join('; ');
}

/** What can be read of a manifest that failed validation (JSON config), for the reviewer to see. */
function bestEffortManifest(text: string): unknown {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function stringField(manifest: unknown, key: string): string {
  const value = (manifest as Record<string, unknown> | null)?.[key];
  return typeof value === 'string' ? value : '';
}
