/**
 * Sigstore bundles stored as referrers, in the layout cosign's newer format uses: an image
 * manifest with `artifactType` application/vnd.dev.sigstore.bundle.v0.3+json, the empty JSON
 * config, the bundle JSON as its one layer, and `subject` naming the signed manifest.
 */
import { isSdkError } from '../errors.js';
import type { RegistryClient } from '../oci/client.js';
import { ANNOTATIONS, MEDIA_TYPES, type Descriptor } from '../oci/types.js';
import type { PublicKey } from '../sign/keys.js';
import { serializeBundle, type SigstoreBundleJson } from '../sign/sign.js';
import type { InTotoStatement } from '../sign/statement.js';

/** Annotations cosign writes on bundle referrers; the predicate type lets readers filter without fetching. */
export const BUNDLE_ANNOTATIONS = {
  content: 'dev.sigstore.bundle.content',
  predicateType: 'dev.sigstore.bundle.predicateType',
} as const;

/**
 * Pushes `bundle` as a referrer of `subject` in `repository` and returns the referrer manifest's
 * descriptor. The subject must already be in the repository.
 */
export async function attachBundle(
  client: RegistryClient,
  repository: string,
  subject: Descriptor,
  bundle: SigstoreBundleJson,
  predicateType: string,
): Promise<Descriptor> {
  return client.pushReferrer(
    repository,
    { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    {
      artifactType: MEDIA_TYPES.sigstoreBundle,
      layers: [{ mediaType: MEDIA_TYPES.sigstoreBundle, bytes: serializeBundle(bundle) }],
      annotations: {
        [BUNDLE_ANNOTATIONS.content]: 'dsse-envelope',
        [BUNDLE_ANNOTATIONS.predicateType]: predicateType,
        [ANNOTATIONS.created]: new Date().toISOString(),
      },
    },
  );
}

/** A bundle referrer read back; `bundle` is undefined when it could not be read or parsed. */
export interface StoredBundle {
  descriptor: Descriptor;
  bundle: unknown;
  /** Why the bundle could not be read (tampered blob, not JSON, no bundle layer). */
  problem?: string;
}

/**
 * Lists and fetches every bundle referrer of `digest`. Each referrer's manifest and layer are
 * checked against their digests; one that fails is returned with a `problem` instead of a bundle,
 * so a single damaged signature does not hide the others.
 */
export async function fetchBundles(
  client: RegistryClient,
  repository: string,
  digest: string,
): Promise<StoredBundle[]> {
  const referrers = await client.listReferrers(repository, digest, {
    artifactType: MEDIA_TYPES.sigstoreBundle,
  });
  const out: StoredBundle[] = [];
  for (const descriptor of referrers) {
    try {
      const fetched = await client.fetchReferrer(repository, descriptor);
      if (fetched.manifest.subject?.digest !== digest) {
        out.push({ descriptor, bundle: undefined, problem: `its subject is not ${digest}` });
        continue;
      }
      const layer = fetched.layers.find((l) => l.descriptor.mediaType === MEDIA_TYPES.sigstoreBundle);
      if (layer === undefined) {
        out.push({ descriptor, bundle: undefined, problem: 'it has no bundle layer' });
        continue;
      }
      out.push({ descriptor, bundle: JSON.parse(layer.bytes.toString('utf8')) as unknown });
    } catch (error) {
      // Registry trouble (unreachable, refused credentials) is not a verdict on the signature.
      if (isSdkError(error) && error.code !== 'DIGEST_MISMATCH' && error.code !== 'NOT_FOUND') throw error;
      const reason = error instanceof Error ? error.message : String(error);
      out.push({ descriptor, bundle: undefined, problem: `it cannot be read: ${reason}` });
    }
  }
  return out;
}

/** A stored bundle that verified with a given key, and the statement it signs. */
export interface KeyVerifiedBundle {
  descriptor: Descriptor;
  statement: InTotoStatement;
}

/**
 * The bundle referrers of `digest` that verify with `publicKey` and carry `predicateType`: how the
 * workflows notice that the signature or approval they are about to add is already there.
 */
export async function findBundlesByKey(
  client: RegistryClient,
  repository: string,
  digest: string,
  publicKey: PublicKey,
  predicateType: string,
): Promise<KeyVerifiedBundle[]> {
  // Loaded on use: sigstore-js's verifier is not needed to push, pull or attach a bundle.
  const { verifyBundle } = await import('../sign/verify.js');
  const found: KeyVerifiedBundle[] = [];
  for (const entry of await fetchBundles(client, repository, digest)) {
    const annotated = entry.descriptor.annotations?.[BUNDLE_ANNOTATIONS.predicateType];
    if (entry.bundle === undefined || (annotated !== undefined && annotated !== predicateType)) continue;
    const result = verifyBundle(entry.bundle, {
      trustedKeys: [publicKey],
      expectedSubjectDigest: digest,
      expectedPredicateType: predicateType,
    });
    if (result.ok && result.keyId === publicKey.keyId) {
      found.push({ descriptor: entry.descriptor, statement: result.statement });
    }
  }
  return found;
}
