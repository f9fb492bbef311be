/** The grammar of repository names, tags, digests and upload ids (OCI distribution-spec). */
import { RegistryError } from './errors.js';

// spec.md "Pulling manifests": <name> components; none can be "." or ".." or start with "_",
// which is what makes them safe as folder names next to our `_manifests`, `_blobs`, … folders.
const NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const SHA256 = /^sha256:([a-f0-9]{64})$/;
const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Distribution's limit; keeps paths well under PATH_MAX. */
const NAME_MAX = 255;

export function isRepositoryName(name: string): boolean {
  return name.length <= NAME_MAX && NAME.test(name);
}

export function requireRepositoryName(name: string): string {
  if (!isRepositoryName(name)) throw new RegistryError('NAME_INVALID', `invalid repository name "${name}"`);
  return name;
}

/**
 * The namespace approved apps are promoted into (`release/<publisher>/<app>`): the platform's,
 * never a project's, even one named `release`.
 */
export const RELEASE_NAMESPACE = 'release';

export function isReservedNamespace(namespace: string): boolean {
  return namespace === RELEASE_NAMESPACE;
}

/** The first path segment: the namespace a project owns. */
export function namespaceOf(name: string): string {
  const slash = name.indexOf('/');
  return slash === -1 ? name : name.slice(0, slash);
}

export function isTag(reference: string): boolean {
  return TAG.test(reference);
}

export function isDigest(reference: string): boolean {
  return reference.includes(':');
}

/**
 * The hex of a sha256 digest. Other algorithms are refused: the registry stores content under
 * sha256 only (as Distribution does by default).
 */
export function digestHex(digest: string): string {
  const match = SHA256.exec(digest);
  if (match?.[1] === undefined) {
    throw new RegistryError(
      'DIGEST_INVALID',
      `unsupported or malformed digest "${digest}" (only sha256:<64 hex>)`,
    );
  }
  return match[1];
}

export function requireUploadId(id: string): string {
  if (!UPLOAD_ID.test(id)) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', `no upload ${id}`);
  return id;
}
