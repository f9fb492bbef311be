/**
 * `promoteArtifact`: copies an approved artifact by digest into a release repository, carries
 * every referrer along (signatures, attestations, and their own referrers), adds a signed
 * approval attestation, and only then points the release tag at it. Release tags are immutable:
 * a tag bound to another digest is refused before anything is written, and promoting the same
 * digest again changes nothing.
 */
import { SdkError } from '../errors.js';
import { formatReference } from '../oci/reference.js';
import type { RegistryClient } from '../oci/client.js';
import type { Descriptor } from '../oci/types.js';
import type { SigningKey } from '../sign/keys.js';
import { createKeySigner, signStatement, type BundleSigner } from '../sign/sign.js';
import {
  APPROVAL_PREDICATE_TYPE,
  createApprovalStatement,
  type ApprovalPredicate,
} from '../sign/statement.js';
import { attachBundle, findBundlesByKey } from './bundles.js';
import {
  registryClientFor,
  parseArtifactReference,
  pinReference,
  pinnedReference,
  repositoryName,
  type ClientOptions,
} from './client.js';
import { DEFAULT_CONCURRENCY } from './concurrency.js';
import { ArtifactCopier, type CopiedBlob } from './copy.js';
import type { TransferProgress } from './push.js';

export interface PromoteArtifactOptions extends ClientOptions {
  /** Key (or signer) of the approval attestation. */
  attestKey: SigningKey | BundleSigner;
  /** Who approved, recorded in the attestation (default `key:<key id>`). */
  approver?: string;
  /** Client for the destination registry when it differs from the source's. */
  destinationClient?: RegistryClient;
  /** Blobs copied at once (default 4). */
  concurrency?: number;
  onProgress?: (progress: TransferProgress) => void;
  /** Clock for the approval time (tests). */
  now?: () => Date;
}

export interface PromoteArtifactResult {
  /** `host/repo:tag@sha256:…` of the promoted artifact. */
  reference: string;
  digest: string;
  /** Referrer manifests carried from the source (the new approval not counted). */
  referrersCopied: number;
  /** Blob bytes streamed between repositories (0 when every blob was mounted or already there). */
  bytesCopied: number;
  blobs: CopiedBlob[];
  approval: {
    /** Digest of the approval bundle's referrer manifest. */
    digest: string;
    keyId: string | undefined;
    /** False when an approval by the same key for the same release already existed. */
    created: boolean;
  };
}

/** An approval by this key for this release that is already in the destination, if any. */
async function existingApproval(
  client: RegistryClient,
  repository: string,
  subject: string,
  attestKey: SigningKey | BundleSigner,
  release: { destination: string; tag: string },
): Promise<Descriptor | undefined> {
  // A keyless signer has no stable key to recognise its earlier approvals by.
  if (!('publicKey' in attestKey)) return undefined;
  const approvals = await findBundlesByKey(
    client,
    repository,
    subject,
    attestKey.publicKey,
    APPROVAL_PREDICATE_TYPE,
  );
  return approvals.find(({ statement }) => {
    const predicate = statement.predicate as Partial<ApprovalPredicate> | undefined;
    return predicate?.destination_repository === release.destination && predicate.release_tag === release.tag;
  })?.descriptor;
}

function tagConflict(destination: string, bound: string, wanted: string): SdkError {
  return new SdkError(
    'TAG_CONFLICT',
    `${destination} already points at ${bound}; release tags are immutable, so it will not be moved to ${wanted}`,
    { details: { reference: destination, existing: bound, requested: wanted } },
  );
}

/**
 * Promotes `srcRef` to `destRef` (`host/repo:tag`), by digest.
 *
 * @example
 * const platformKey = await loadSigningKey('keys/platform.key');
 * const result = await promoteArtifact('reg:5000/staging/llm:1.0.0', 'reg:5000/release/llm:1.0.0', {
 *   attestKey: platformKey, approver: 'ops@example.com',
 * });
 * // result.bytesCopied === 0 within one registry: every blob was mounted
 */
export async function promoteArtifact(
  srcRef: string,
  destRef: string,
  options: PromoteArtifactOptions,
): Promise<PromoteArtifactResult> {
  const source = parseArtifactReference(srcRef);
  const target = parseArtifactReference(destRef);
  const tag = target.tag;
  if (tag === undefined || target.digest !== undefined) {
    throw new SdkError(
      'USAGE',
      `promote needs a destination HOST/REPO:TAG without a digest, got "${destRef}"`,
    );
  }
  const sourceClient = registryClientFor(source.registry, options);
  const destinationClient = registryClientFor(target.registry, {
    ...options,
    ...(options.destinationClient === undefined ? {} : { client: options.destinationClient }),
  });
  const subject = await pinReference(sourceClient, source);
  const destinationName = formatReference({ registry: target.registry, repository: target.repository, tag });

  // Before any write: a release tag bound elsewhere stays where it is.
  const bound = await destinationClient.headManifest(target.repository, tag);
  if (bound !== undefined && bound.digest !== subject.digest) {
    throw tagConflict(destinationName, bound.digest, subject.digest);
  }

  const copier = new ArtifactCopier({
    source: sourceClient,
    sourceRepository: source.repository,
    destination: destinationClient,
    destinationRepository: target.repository,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  const root = await copier.copyManifest(subject.digest);
  const referrersCopied = await copier.copyReferrers(subject.digest);

  const signer = 'signer' in options.attestKey ? options.attestKey : createKeySigner(options.attestKey);
  const release = { destination: repositoryName(target), tag };
  let approval = await existingApproval(
    destinationClient,
    target.repository,
    subject.digest,
    options.attestKey,
    release,
  );
  const created = approval === undefined;
  if (approval === undefined) {
    const statement = createApprovalStatement({
      approver: options.approver ?? `key:${signer.keyId ?? 'keyless'}`,
      approvedAt: (options.now ?? (() => new Date()))(),
      sourceRepository: repositoryName(source),
      destinationRepository: release.destination,
      manifestDigest: subject.digest,
      releaseTag: tag,
    });
    const bundle = await signStatement(statement, signer);
    approval = await attachBundle(
      destinationClient,
      target.repository,
      root.descriptor,
      bundle,
      APPROVAL_PREDICATE_TYPE,
    );
  }

  // Checked again: another promotion may have taken the tag while this one was copying.
  const now = await destinationClient.headManifest(target.repository, tag);
  if (now !== undefined && now.digest !== subject.digest)
    throw tagConflict(destinationName, now.digest, subject.digest);
  if (now === undefined) {
    await destinationClient.putManifest(target.repository, tag, root.bytes, root.descriptor.mediaType);
  }
  return {
    reference: pinnedReference(target, subject.digest),
    digest: subject.digest,
    referrersCopied,
    bytesCopied: copier.bytesCopied,
    blobs: copier.blobs,
    approval: { digest: approval.digest, keyId: signer.keyId, created },
  };
}
