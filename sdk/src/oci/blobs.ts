/**
 * Blob existence and cross-repository mounts, and the token scopes blob requests announce.
 */
import { computeDigest, splitDigest } from './digest.js';
import type { RegistryTransport } from './transport.js';
import type { Descriptor } from './types.js';

/** Token scope for reading a repository. */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

/** Token scope for writing a repository (registries want pull with push). */
export function pushScope(repository: string): string {
  return `repository:${repository}:pull,push`;
}

/** HEAD the blob: true when the repository has it. */
export async function hasBlob(
  transport: RegistryTransport,
  repository: string,
  digest: string,
): Promise<boolean> {
  splitDigest(digest);
  const response = await transport.request({
    method: 'HEAD',
    url: `/v2/${repository}/blobs/${digest}`,
    scopes: [pullScope(repository)],
    ok: [200, 404],
    what: `check blob ${digest} in ${repository}`,
  });
  await response.body?.cancel();
  return response.status === 200;
}

/**
 * Mounts a blob from another repository of the same registry. Returns false when the registry
 * did not mount it (202: it opened an upload instead, which is cancelled here).
 */
export async function mountBlob(
  transport: RegistryTransport,
  repository: string,
  digest: string,
  fromRepository: string,
): Promise<boolean> {
  splitDigest(digest);
  const what = `mount blob ${digest} from ${fromRepository} into ${repository}`;
  const url = transport.resolve(`/v2/${repository}/blobs/uploads/`);
  url.searchParams.set('mount', digest);
  url.searchParams.set('from', fromRepository);
  const response = await transport.request({
    method: 'POST',
    url,
    scopes: [pushScope(repository), pullScope(fromRepository)],
    ok: [201, 202],
    what,
  });
  await response.body?.cancel();
  if (response.status === 201) return true;
  const location = response.headers.get('location');
  if (location !== null && location !== '') {
    await transport
      .request({
        method: 'DELETE',
        url: new URL(location, url),
        scopes: [pushScope(repository)],
        ok: [204, 404],
        what: `cancel the upload left by ${what}`,
      })
      .then((r) => r.body?.cancel())
      .catch(() => undefined);
  }
  return false;
}

/** Digest of a small in-memory blob, for building descriptors before pushing. */
export function describeBytes(bytes: Uint8Array, mediaType: string): Descriptor {
  return { mediaType, digest: computeDigest(bytes), size: bytes.length };
}

/** Deletes a blob or a manifest by digest (the registry must allow deletes); NOT_FOUND when absent. */
export async function deleteByDigest(
  transport: RegistryTransport,
  repository: string,
  kind: 'blobs' | 'manifests',
  digest: string,
): Promise<void> {
  splitDigest(digest);
  const response = await transport.request({
    method: 'DELETE',
    url: `/v2/${repository}/${kind}/${digest}`,
    scopes: [pushScope(repository), `repository:${repository}:delete`],
    ok: [202, 200, 204],
    what: `delete ${kind === 'blobs' ? 'blob' : 'manifest'} ${repository}@${digest}`,
  });
  await response.body?.cancel();
}
