/**
 * Manifests and tags. Manifests are small, so they are read whole and kept as the exact bytes the
 * registry holds (their digest is over those bytes; re-serialising would change it).
 */
import { SdkError } from '../errors.js';
import { deleteByDigest, pullScope, pushScope } from './blobs.js';
import { computeDigest, isDigest, splitDigest } from './digest.js';
import { readCapped, type RegistryTransport } from './transport.js';
import { MEDIA_TYPES, type Descriptor, type ImageIndex, type ImageManifest } from './types.js';

/** Manifest types the client asks for; Distribution answers 404 to a GET without the OCI ones. */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.imageManifest,
  MEDIA_TYPES.imageIndex,
  MEDIA_TYPES.dockerManifest,
  MEDIA_TYPES.dockerManifestList,
].join(', ');

/** The distribution spec's suggested limit: manifests larger than this are refused (4 MiB). */
export const MAX_OCI_MANIFEST_BYTES = 4 * 1024 * 1024;

/** A manifest or index as parsed; Docker v2 documents have the same shape with Docker media types. */
export type AnyManifest = ImageManifest | ImageIndex;

export interface FetchedManifest {
  descriptor: Descriptor;
  /** The exact bytes: hash, store or copy these, never a re-serialisation. */
  bytes: Buffer;
  manifest: AnyManifest;
}

const TAG = /^\w[\w.-]{0,127}$/;

function checkReference(reference: string): void {
  if (reference.includes(':')) splitDigest(reference);
  else if (!TAG.test(reference)) {
    throw new SdkError('REFERENCE_INVALID', `"${reference}" is neither a tag nor a digest`, {
      details: { part: 'tag' },
    });
  }
}

function mediaTypeOf(response: Response, parsed?: { mediaType?: unknown }): string {
  const header = response.headers.get('content-type')?.split(';')[0]?.trim();
  if (header !== undefined && header !== '' && header !== 'application/json' && header !== 'text/plain')
    return header;
  return typeof parsed?.mediaType === 'string' ? parsed.mediaType : MEDIA_TYPES.imageManifest;
}

async function readLimited(response: Response, what: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_OCI_MANIFEST_BYTES) {
    await response.body?.cancel();
    throw new SdkError(
      'REGISTRY_ERROR',
      `cannot ${what}: manifest of ${declared} bytes exceeds ${MAX_OCI_MANIFEST_BYTES}`,
    );
  }
  const { bytes, overflow } = await readCapped(response, MAX_OCI_MANIFEST_BYTES);
  if (overflow)
    throw new SdkError('REGISTRY_ERROR', `cannot ${what}: manifest exceeds ${MAX_OCI_MANIFEST_BYTES} bytes`);
  return bytes;
}

/**
 * Fetches a manifest by tag or digest. The bytes are checked against the digest asked for, or
 * against the registry's Docker-Content-Digest when fetched by tag (DIGEST_MISMATCH otherwise).
 */
export async function getManifest(
  transport: RegistryTransport,
  repository: string,
  reference: string,
): Promise<FetchedManifest> {
  checkReference(reference);
  const what = `get manifest ${repository}:${reference}`;
  const response = await transport.request({
    method: 'GET',
    url: `/v2/${repository}/manifests/${reference}`,
    headers: { accept: MANIFEST_ACCEPT },
    scopes: [pullScope(repository)],
    ok: [200],
    what,
  });
  const bytes = await readLimited(response, what);
  const byDigest = isDigest(reference);
  const expected = byDigest ? reference : response.headers.get('docker-content-digest');
  const algorithm = expected !== null && isDigest(expected) ? splitDigest(expected).algorithm : 'sha256';
  const actual = computeDigest(bytes, algorithm);
  if (expected !== null && expected !== '' && expected !== actual) {
    throw new SdkError('DIGEST_MISMATCH', `${what}: expected ${expected} but the bytes have ${actual}`, {
      details: { expected, actual },
    });
  }
  let manifest: AnyManifest;
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as AnyManifest;
  } catch (error) {
    throw new SdkError('REGISTRY_ERROR', `${what}: the manifest is not JSON`, { cause: error });
  }
  if (manifest === null || typeof manifest !== 'object') {
    throw new SdkError('REGISTRY_ERROR', `${what}: the manifest is not a JSON object`);
  }
  const descriptor: Descriptor = {
    mediaType: mediaTypeOf(response, manifest),
    digest: actual,
    size: bytes.length,
  };
  if (typeof manifest.artifactType === 'string') descriptor.artifactType = manifest.artifactType;
  return { descriptor, bytes, manifest };
}

/** HEAD a manifest: its descriptor, or undefined when the repository has no such tag/digest. */
export async function headManifest(
  transport: RegistryTransport,
  repository: string,
  reference: string,
): Promise<Descriptor | undefined> {
  checkReference(reference);
  const response = await transport.request({
    method: 'HEAD',
    url: `/v2/${repository}/manifests/${reference}`,
    headers: { accept: MANIFEST_ACCEPT },
    scopes: [pullScope(repository)],
    ok: [200, 404],
    what: `check manifest ${repository}:${reference}`,
  });
  await response.body?.cancel();
  if (response.status === 404) return undefined;
  const digest = response.headers.get('docker-content-digest');
  const size = Number(response.headers.get('content-length'));
  if (digest === null || !isDigest(digest) || !Number.isSafeInteger(size) || size <= 0) {
    // Some registries omit these on HEAD; the GET answers with the bytes and they are hashed here.
    return (await getManifest(transport, repository, reference)).descriptor;
  }
  if (isDigest(reference) && digest !== reference) {
    throw new SdkError(
      'DIGEST_MISMATCH',
      `check manifest ${repository}@${reference}: registry says ${digest}`,
      {
        details: { expected: reference, actual: digest },
      },
    );
  }
  return { mediaType: mediaTypeOf(response), digest, size };
}

/** Resolves a tag (or digest) to the manifest's descriptor; NOT_FOUND when absent. */
export async function resolveManifest(
  transport: RegistryTransport,
  repository: string,
  reference: string,
): Promise<Descriptor> {
  const descriptor = await headManifest(transport, repository, reference);
  if (descriptor === undefined) {
    throw new SdkError('NOT_FOUND', `${repository}:${reference} does not exist`, {
      details: { repository, reference },
    });
  }
  return descriptor;
}

export interface PutManifestResult {
  descriptor: Descriptor;
  /** The registry processed the manifest's `subject` (OCI-Subject header): no fallback tag needed. */
  subjectProcessed: boolean;
}

/**
 * Uploads manifest bytes under a tag or their digest. The digest is computed here and compared
 * with the registry's Docker-Content-Digest.
 */
export async function putManifest(
  transport: RegistryTransport,
  repository: string,
  reference: string,
  bytes: Uint8Array,
  mediaType: string,
): Promise<PutManifestResult> {
  checkReference(reference);
  const algorithm = isDigest(reference) ? splitDigest(reference).algorithm : 'sha256';
  const digest = computeDigest(bytes, algorithm);
  const what = `put manifest ${repository}:${reference}`;
  if (isDigest(reference) && reference !== digest) {
    throw new SdkError('DIGEST_MISMATCH', `${what}: the bytes have digest ${digest}`, {
      details: { expected: reference, actual: digest },
    });
  }
  const response = await transport.request({
    method: 'PUT',
    url: `/v2/${repository}/manifests/${reference}`,
    headers: { 'content-type': mediaType },
    body: bytes,
    scopes: [pushScope(repository)],
    ok: [201, 200],
    what,
  });
  await response.body?.cancel();
  const server = response.headers.get('docker-content-digest');
  if (server !== null && server !== '' && server !== digest) {
    throw new SdkError('DIGEST_MISMATCH', `${what}: the registry stored it as ${server}, not ${digest}`, {
      details: { expected: digest, actual: server },
    });
  }
  const descriptor: Descriptor = { mediaType, digest, size: bytes.length };
  return { descriptor, subjectProcessed: response.headers.get('oci-subject') !== null };
}

/** Deletes a manifest by digest (registries refuse deletes by tag). */
export function deleteManifest(
  transport: RegistryTransport,
  repository: string,
  digest: string,
): Promise<void> {
  return deleteByDigest(transport, repository, 'manifests', digest);
}

/** The `rel="next"` target of a Link header, if any. */
export function nextLink(header: string | null): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match !== null && /(?:^|;)\s*rel\s*=\s*"?next"?\s*(?:;|$)/i.test(match[2] ?? '')) return match[1];
  }
  return undefined;
}

async function* paged<T>(
  transport: RegistryTransport,
  first: URL,
  scopes: string[],
  what: string,
  pick: (body: unknown) => T[],
): AsyncGenerator<T> {
  let url: URL | undefined = first;
  const seen = new Set<string>();
  while (url !== undefined) {
    // A registry that links back to a page already read would otherwise loop forever.
    if (seen.has(url.href)) return;
    seen.add(url.href);
    const response = await transport.request({ method: 'GET', url, scopes, ok: [200], what });
    const link = nextLink(response.headers.get('link'));
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      throw new SdkError('REGISTRY_ERROR', `cannot ${what}: the answer is not JSON`, { cause: error });
    }
    const items = pick(body);
    yield* items;
    url = link === undefined || items.length === 0 ? undefined : new URL(link, url);
  }
}

/** Every tag of a repository, page by page (`pageSize` per request), following Link headers. */
export function listTags(
  transport: RegistryTransport,
  repository: string,
  options: { pageSize?: number } = {},
): AsyncIterable<string> {
  const url = transport.resolve(`/v2/${repository}/tags/list`);
  if (options.pageSize !== undefined) url.searchParams.set('n', String(options.pageSize));
  return paged(transport, url, [pullScope(repository)], `list tags of ${repository}`, (body) => {
    const tags = (body as { tags?: unknown } | null)?.tags;
    return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
  });
}

/** Every repository of the registry (the optional `_catalog` endpoint). */
export function listRepositories(
  transport: RegistryTransport,
  options: { pageSize?: number } = {},
): AsyncIterable<string> {
  const url = transport.resolve('/v2/_catalog');
  if (options.pageSize !== undefined) url.searchParams.set('n', String(options.pageSize));
  return paged(
    transport,
    url,
    ['registry:catalog:*'],
    `list repositories of ${transport.registry}`,
    (body) => {
      const repositories = (body as { repositories?: unknown } | null)?.repositories;
      return Array.isArray(repositories)
        ? repositories.filter((r): r is string => typeof r === 'string')
        : [];
    },
  );
}
