/**
 * Referrers: artifacts (signatures, attestations, SBOMs) whose manifest names a `subject`. The
 * Referrers API is used where the registry has it; otherwise the distribution spec's tag schema:
 * an image index tagged `<alg>-<hex>` of the subject lists them.
 *
 * Updating the fallback index is a read-modify-write. Within one process writers for the same
 * subject take turns (a mutex keyed by registry, repository and subject). Writers in different
 * processes can still race on registries that do not enforce `If-Match` (Distribution 2.8 does
 * not): the later write wins and drops the earlier referrer, so a publisher should push referrers
 * for one subject from one process, or re-check with {@link listReferrers} afterwards.
 */
import { SdkError } from '../errors.js';
import { fetchBlob } from './blob-pull.js';
import { bufferBlobSource } from './blob-source.js';
import { pushBlob } from './blob-push.js';
import { pullScope } from './blobs.js';
import { computeDigest, splitDigest } from './digest.js';
import { getManifest, putManifest } from './manifests.js';
import type { RegistryTransport } from './transport.js';
import {
  EMPTY_JSON_DESCRIPTOR,
  MEDIA_TYPES,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
} from './types.js';

export interface ListReferrersOptions {
  /** Only referrers with this artifactType. */
  artifactType?: string;
}

/** One layer of a referrer artifact, given as bytes (referrer payloads are small). */
export interface ReferrerLayer {
  mediaType: string;
  bytes: Uint8Array;
  annotations?: Record<string, string>;
}

export interface ReferrerArtifact {
  artifactType: string;
  /** Config descriptor and its bytes; default the empty JSON `{}`. */
  config?: { descriptor: Descriptor; bytes: Uint8Array };
  /** Payload layers; none gives the one empty-JSON layer the image spec asks for. */
  layers: ReferrerLayer[];
  annotations?: Record<string, string>;
}

/** Tag of the fallback referrers index for a subject: `sha256:abc…` → `sha256-abc…`. */
export function referrersTag(subjectDigest: string): string {
  const { algorithm, hex } = splitDigest(subjectDigest);
  return `${algorithm}-${hex}`;
}

const locks = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier task with the same key has settled (in this process). */
export async function withKeyedLock<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(task);
  const tail = run.catch(() => undefined);
  locks.set(key, tail);
  try {
    return await run;
  } finally {
    if (locks.get(key) === tail) locks.delete(key);
  }
}

const referrersApi = new WeakMap<RegistryTransport, boolean>();

function emptyIndex(): ImageIndex {
  return { schemaVersion: 2, mediaType: MEDIA_TYPES.imageIndex, manifests: [] };
}

function filterByType(descriptors: Descriptor[], artifactType: string | undefined): Descriptor[] {
  return artifactType === undefined
    ? descriptors
    : descriptors.filter((d) => d.artifactType === artifactType);
}

function asIndex(value: unknown, where: string): ImageIndex {
  const index = value as Partial<ImageIndex> | null;
  if (index === null || typeof index !== 'object' || !Array.isArray(index.manifests)) {
    throw new SdkError('REGISTRY_ERROR', `${where} is not an image index`);
  }
  return index as ImageIndex;
}

async function readFallbackIndex(
  transport: RegistryTransport,
  repository: string,
  subjectDigest: string,
): Promise<ImageIndex | undefined> {
  try {
    const { manifest } = await getManifest(transport, repository, referrersTag(subjectDigest));
    return asIndex(manifest, `${repository}:${referrersTag(subjectDigest)}`);
  } catch (error) {
    if (error instanceof SdkError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
}

/**
 * Lists the referrers of a subject manifest, newest writes last. Uses the Referrers API when the
 * registry answers it, the `<alg>-<hex>` tag otherwise; `artifactType` filters either way.
 */
export async function listReferrers(
  transport: RegistryTransport,
  repository: string,
  subjectDigest: string,
  options: ListReferrersOptions = {},
): Promise<Descriptor[]> {
  splitDigest(subjectDigest);
  if (referrersApi.get(transport) !== false) {
    const url = transport.resolve(`/v2/${repository}/referrers/${subjectDigest}`);
    if (options.artifactType !== undefined) url.searchParams.set('artifactType', options.artifactType);
    const what = `list referrers of ${repository}@${subjectDigest}`;
    const response = await transport.request({
      method: 'GET',
      url,
      headers: { accept: MEDIA_TYPES.imageIndex },
      scopes: [pullScope(repository)],
      ok: [200, 404],
      what,
    });
    if (response.status === 200) {
      referrersApi.set(transport, true);
      let body: unknown;
      try {
        body = await response.json();
      } catch (error) {
        throw new SdkError('REGISTRY_ERROR', `cannot ${what}: the answer is not JSON`, { cause: error });
      }
      // Registries may ignore the filter; OCI-Filters-Applied says whether they did not.
      return filterByType(asIndex(body, what).manifests, options.artifactType);
    }
    await response.body?.cancel();
    // Once the registry has shown it has the API, a 404 is about the repository, not the API.
    if (referrersApi.get(transport) === true) return [];
    referrersApi.set(transport, false);
  }
  const index = await readFallbackIndex(transport, repository, subjectDigest);
  return filterByType(index?.manifests ?? [], options.artifactType);
}

/**
 * Pushes an artifact that refers to `subject`: its blobs, then its manifest (with `subject`),
 * then, unless the registry processed the subject itself, the fallback index for the subject.
 * Returns the artifact manifest's descriptor.
 */
export async function pushReferrer(
  transport: RegistryTransport,
  repository: string,
  subject: Descriptor,
  artifact: ReferrerArtifact,
): Promise<Descriptor> {
  splitDigest(subject.digest);
  const configBytes = artifact.config?.bytes ?? Buffer.from('{}');
  const config: Descriptor = artifact.config?.descriptor ?? { ...EMPTY_JSON_DESCRIPTOR };
  delete config.data;
  if (computeDigest(configBytes, splitDigest(config.digest).algorithm) !== config.digest) {
    throw new SdkError('DIGEST_MISMATCH', `the referrer's config bytes do not have digest ${config.digest}`);
  }
  await pushBlob(transport, repository, bufferBlobSource(configBytes, config.digest), {
    mediaType: config.mediaType,
  });
  const layers: Descriptor[] = [];
  for (const layer of artifact.layers) {
    const digest = computeDigest(layer.bytes);
    await pushBlob(transport, repository, bufferBlobSource(layer.bytes, digest), {
      mediaType: layer.mediaType,
    });
    const descriptor: Descriptor = { mediaType: layer.mediaType, digest, size: layer.bytes.length };
    if (layer.annotations !== undefined) descriptor.annotations = { ...layer.annotations };
    layers.push(descriptor);
  }
  if (layers.length === 0) {
    await pushBlob(transport, repository, bufferBlobSource(Buffer.from('{}'), EMPTY_JSON_DESCRIPTOR.digest));
    layers.push({
      mediaType: EMPTY_JSON_DESCRIPTOR.mediaType,
      digest: EMPTY_JSON_DESCRIPTOR.digest,
      size: 2,
    });
  }
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.imageManifest,
    artifactType: artifact.artifactType,
    config,
    layers,
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  };
  if (artifact.annotations !== undefined) manifest.annotations = { ...artifact.annotations };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = computeDigest(bytes);
  const put = await putManifest(transport, repository, digest, bytes, MEDIA_TYPES.imageManifest);
  const descriptor: Descriptor = { ...put.descriptor, artifactType: artifact.artifactType };
  if (artifact.annotations !== undefined) descriptor.annotations = { ...artifact.annotations };
  if (!put.subjectProcessed) await addToFallbackIndex(transport, repository, subject.digest, descriptor);
  return descriptor;
}

/**
 * Adds a referrer's descriptor to the subject's fallback index (replacing an entry with the same
 * digest), serialised per subject within this process.
 */
export async function addToFallbackIndex(
  transport: RegistryTransport,
  repository: string,
  subjectDigest: string,
  referrer: Descriptor,
): Promise<void> {
  const key = `${transport.registry}/${repository}@${subjectDigest}`;
  await withKeyedLock(key, async () => {
    const index = (await readFallbackIndex(transport, repository, subjectDigest)) ?? emptyIndex();
    const manifests = index.manifests.filter((d) => d.digest !== referrer.digest);
    manifests.push(referrer);
    const next: ImageIndex = { ...index, manifests };
    await putManifest(
      transport,
      repository,
      referrersTag(subjectDigest),
      Buffer.from(JSON.stringify(next)),
      MEDIA_TYPES.imageIndex,
    );
  });
}

/** A referrer artifact read back: its manifest and the bytes of each layer. */
export interface FetchedReferrer {
  descriptor: Descriptor;
  manifest: ImageManifest;
  layers: { descriptor: Descriptor; bytes: Buffer }[];
}

/**
 * Reads a referrer (as listed by {@link listReferrers}) with its layers' bytes, each verified
 * against its digest; `maxBytes` bounds each layer (default 4 MiB: referrers are small).
 */
export async function fetchReferrer(
  transport: RegistryTransport,
  repository: string,
  referrer: Pick<Descriptor, 'digest'>,
  maxBytes?: number,
): Promise<FetchedReferrer> {
  const fetched = await getManifest(transport, repository, referrer.digest);
  const manifest = fetched.manifest as ImageManifest;
  if (!Array.isArray(manifest.layers)) {
    throw new SdkError('REGISTRY_ERROR', `${repository}@${referrer.digest} is not an image manifest`);
  }
  const layers: FetchedReferrer['layers'] = [];
  for (const layer of manifest.layers) {
    layers.push({ descriptor: layer, bytes: await fetchBlob(transport, repository, layer, maxBytes) });
  }
  return { descriptor: fetched.descriptor, manifest, layers };
}
