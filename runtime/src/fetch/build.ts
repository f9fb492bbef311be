/**
 * Building a cached app folder: the artifact's manifest and config (from the blob store or the
 * registry, always digest-checked), then its layers — up to PARALLEL_LAYERS at once — each
 * streamed through a digest and size check into the tar reader (and, when gzipped, into the blob
 * store too: unpackLayer says why plain ones are not kept), and the
 * finished tree renamed into place only when every layer matched its digest, then recorded
 * (tree-record.ts).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { dirname, join } from 'node:path';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import {
  ANNOTATIONS,
  GPUAAS_APP_ARTIFACT_TYPE,
  MEDIA_TYPES,
  VerifyingStream,
  computeDigest,
  validateManifestText,
  type Descriptor,
  type ImageManifest,
  type RegistryClient,
} from '@gpuaas/sdk';
import { RuntimeError, isRuntimeError } from '../errors.js';
import { BatchedFileWriter, gunzip, teeToFile } from './byte-io.js';
import { exists, makeWorkDir, removeTree, type CacheLayout } from './cache.js';
import { recordTree } from './tree-record.js';
import { LayerSource, layerFailure } from './layer-source.js';
import {
  checkSymlinks,
  createExtractState,
  extractTar,
  sealFolders,
  type ExtractState,
} from './tar-extract.js';

const LAYER_TYPES = new Set<string>([MEDIA_TYPES.layerTar, MEDIA_TYPES.layerTarGzip]);
const MAX_CONFIG_BYTES = 1 << 20;
/**
 * Layers downloaded and unpacked at once. A weights app is a small code layer and one or a few
 * big ones: fetching them together overlaps their round trips and lets the small ones finish
 * while the big one streams. Each stream holds ~3 MiB of buffers (network chunks, two 1 MiB write
 * batches), so the bound keeps the runtime's memory flat however many layers an artifact has.
 */
export const PARALLEL_LAYERS = 3;

function describeBlob(descriptor: Descriptor): string {
  const title = descriptor.annotations?.[ANNOTATIONS.title];
  return title === undefined ? `blob ${descriptor.digest}` : `layer "${title}" (${descriptor.digest})`;
}

/** Writes small verified bytes to their content address (no-op when present). */
async function storeBlob(cache: CacheLayout, digest: string, bytes: Uint8Array): Promise<void> {
  const path = cache.blob(digest);
  if (await exists(path)) return;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.partial`;
  await writeFile(temporary, bytes, { mode: 0o444 });
  await rename(temporary, path);
}

/** Small blob from the cache, checked against its digest; undefined when absent or damaged. */
async function cachedBytes(cache: CacheLayout, digest: string): Promise<Buffer | undefined> {
  const bytes = await readFile(cache.blob(digest)).catch(() => undefined);
  return bytes !== undefined && computeDigest(bytes) === digest ? bytes : undefined;
}

export interface ArtifactMeta {
  manifest: GpuaasAppManifest;
  image: ImageManifest;
  bytesDownloaded: number;
}

/** The image manifest in `manifestBytes`, checked to be a GPUaaS app's. */
function parseImage(digest: string, manifestBytes: Buffer): ImageManifest {
  const image = JSON.parse(manifestBytes.toString('utf8')) as ImageManifest;
  if (image.mediaType !== MEDIA_TYPES.imageManifest || image.artifactType !== GPUAAS_APP_ARTIFACT_TYPE) {
    throw new RuntimeError(
      'ARTIFACT_INVALID',
      `${digest} is a ${image.mediaType ?? 'manifest'} of type ${image.artifactType ?? 'none'}, not a GPUaaS app (${GPUAAS_APP_ARTIFACT_TYPE})`,
    );
  }
  if (image.config.mediaType !== MEDIA_TYPES.gpuaasAppConfig || image.config.size > MAX_CONFIG_BYTES) {
    throw new RuntimeError('ARTIFACT_INVALID', `${digest}: its config is not a gpuaas-app manifest`);
  }
  for (const layer of image.layers) {
    if (!LAYER_TYPES.has(layer.mediaType)) {
      throw new RuntimeError('ARTIFACT_INVALID', `${describeBlob(layer)} has media type ${layer.mediaType}`);
    }
  }
  return image;
}

function parseAppManifest(digest: string, configBytes: Buffer): GpuaasAppManifest {
  const validation = validateManifestText(configBytes.toString('utf8'), { file: 'gpuaas-app.json' });
  if (validation.value === undefined) {
    throw new RuntimeError('ARTIFACT_INVALID', `${digest}: the app manifest in its config is invalid`, {
      details: { errors: validation.errors },
    });
  }
  return validation.value;
}

export async function loadMeta(
  client: RegistryClient,
  cache: CacheLayout,
  repository: string,
  digest: string,
): Promise<ArtifactMeta> {
  let bytesDownloaded = 0;
  let manifestBytes = await cachedBytes(cache, digest);
  if (manifestBytes === undefined) {
    const fetched = await client.getManifest(repository, digest);
    manifestBytes = Buffer.from(fetched.bytes);
    bytesDownloaded += manifestBytes.length;
  }
  const image = parseImage(digest, manifestBytes);
  let configBytes = await cachedBytes(cache, image.config.digest);
  if (configBytes === undefined) {
    configBytes = await client.fetchBlob(repository, image.config, MAX_CONFIG_BYTES);
    bytesDownloaded += configBytes.length;
  }
  const manifest = parseAppManifest(digest, configBytes);
  await storeBlob(cache, digest, manifestBytes);
  await storeBlob(cache, image.config.digest, configBytes);
  return { manifest, image, bytesDownloaded };
}

/**
 * The manifest and config of `digest` from the blob store alone, each re-hashed against its
 * digest: undefined when one is missing; a blob that is there but differs is a tampered cache.
 */
export async function loadCachedMeta(cache: CacheLayout, digest: string): Promise<ArtifactMeta | undefined> {
  const read = async (blob: string): Promise<Buffer | undefined> => {
    const bytes = await readFile(cache.blob(blob)).catch(() => undefined);
    if (bytes === undefined || computeDigest(bytes) === blob) return bytes;
    throw new RuntimeError(
      'ARTIFACT_CACHE_TAMPERED',
      `the cached blob ${blob} of ${digest} no longer matches its digest`,
      { details: { digest, blob } },
    );
  };
  const manifestBytes = await read(digest);
  if (manifestBytes === undefined) return undefined;
  const image = parseImage(digest, manifestBytes);
  const configBytes = await read(image.config.digest);
  if (configBytes === undefined) return undefined;
  return { manifest: parseAppManifest(digest, configBytes), image, bytesDownloaded: 0 };
}

/** A file read through a digest and size check (the stream fails with DIGEST_MISMATCH). */
function verifiedFile(path: string, expected: Descriptor, where: string): VerifyingStream {
  const verifier = new VerifyingStream(expected, where);
  pipeline(createReadStream(path), verifier).catch((error: unknown) => {
    if (!verifier.destroyed) verifier.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return verifier;
}

/**
 * Streams one layer (from the blob store or the registry) into the tree. When unpacking fails,
 * the rest of the layer is still checked against its digest, so that a layer changed on the way
 * is reported as tampered, not as the publisher's broken layer (layer-source.ts).
 */
async function unpackLayer(
  client: RegistryClient,
  cache: CacheLayout,
  repository: string,
  layer: Descriptor,
  work: string,
  state: ExtractState,
  signal: AbortSignal | undefined,
): Promise<number> {
  const where = describeBlob(layer);
  const stored = cache.blob(layer.digest);
  const cached = await exists(stored);
  const temporary = join(work, `blob-${layer.digest.replace(':', '-')}`);
  let source: LayerSource | undefined;
  let writer: BatchedFileWriter | undefined;
  try {
    const raw = cached
      ? verifiedFile(stored, layer, `cached ${where}`)
      : await client.openBlob(repository, layer, signal === undefined ? {} : { signal });
    source = new LayerSource(raw, signal);
    let bytes: AsyncIterable<Buffer> = source;
    const gzipped = layer.mediaType === MEDIA_TYPES.layerTarGzip;
    // A plain tar's bytes are the tree's files but for their headers: a second copy in the blob
    // store would double what a cold launch writes (~1 s of system time per GiB here) and the disk
    // it takes, to spare a download only when another tree is built from the same layer. A gzip
    // layer is kept: it is smaller than what it unpacks to.
    if (!cached && gzipped) {
      writer = new BatchedFileWriter(await open(temporary, 'wx', 0o444));
      bytes = teeToFile(source, writer);
    }
    await extractTar(gzipped ? gunzip(bytes) : bytes, state, where);
    if (cached) return 0;
    if (writer === undefined) return layer.size;
    const written = writer;
    writer = undefined;
    await written.close();
    await mkdir(dirname(stored), { recursive: true, mode: 0o700 });
    await rename(temporary, stored);
    return layer.size;
  } catch (error) {
    await writer?.abort();
    const verdict = await source?.verdict();
    await source?.close();
    const facts = { where: cached ? `cached ${where}` : where, digest: layer.digest, size: layer.size };
    const failure = layerFailure(facts, error, verdict, source?.received ?? 0, signal);
    const damaged =
      isRuntimeError(failure) &&
      (failure.code === 'ARTIFACT_TAMPERED' || failure.code === 'ARTIFACT_TRUNCATED');
    // A damaged cached blob is dropped so that the next launch downloads it again.
    if (cached && damaged) await rm(stored, { force: true });
    throw failure;
  }
}

/**
 * Runs `unpack` for every layer, PARALLEL_LAYERS at a time, and sums what they downloaded. The
 * first failure stops the others (they see their signal aborted) and is the one thrown, once all
 * have let go of their files; `signal` stops them all.
 */
async function eachLayer(
  layers: readonly Descriptor[],
  unpack: (layer: Descriptor, stop: AbortSignal) => Promise<number>,
  signal: AbortSignal | undefined,
): Promise<number> {
  const stop = new AbortController();
  const forward = (): void => stop.abort(signal?.reason);
  if (signal?.aborted === true) forward();
  signal?.addEventListener('abort', forward, { once: true });
  let next = 0;
  let total = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < layers.length) {
      const layer = layers[next++] as Descriptor;
      try {
        // Not `total += await …`: that reads `total` before the wait and loses the others' bytes.
        const bytes = await unpack(layer, stop.signal);
        total += bytes;
      } catch (error) {
        // Later failures are the others being stopped; the first one says what went wrong.
        failure ??= { error };
        stop.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(PARALLEL_LAYERS, layers.length) }, worker));
  } finally {
    signal?.removeEventListener('abort', forward);
  }
  if (failure !== undefined) throw failure.error;
  return total;
}

export async function buildTree(
  client: RegistryClient,
  cache: CacheLayout,
  repository: string,
  digest: string,
  image: ImageManifest,
  signal?: AbortSignal,
  maxUnpackedBytes?: number,
): Promise<{ bytesDownloaded: number; files: number; bytes: number }> {
  const work = await makeWorkDir(cache, digest);
  try {
    const tree = join(work, 'tree');
    await mkdir(tree, { mode: 0o755 });
    const state = createExtractState(tree, maxUnpackedBytes);
    const unpack = (layer: Descriptor, stop: AbortSignal) =>
      unpackLayer(client, cache, repository, layer, work, state, stop);
    const bytesDownloaded = await eachLayer(image.layers, unpack, signal);
    checkSymlinks(state, digest);
    await sealFolders(state);
    const target = cache.tree(digest);
    await mkdir(dirname(target), { recursive: true, mode: 0o711 });
    await rename(tree, target);
    await chmod(target, 0o555);
    await recordTree(cache, digest, state.entries.keys());
    return { bytesDownloaded, files: state.files, bytes: state.bytes };
  } finally {
    await removeTree(work);
  }
}
