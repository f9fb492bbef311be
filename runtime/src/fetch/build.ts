/**
 * Building a cached app folder: the artifact's manifest and config (from the blob store or the
 * registry, always digest-checked), then its layers streamed one by one through a digest and size
 * check into both the blob store and the tar reader, and the finished tree renamed into place.
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
  let configBytes = await cachedBytes(cache, image.config.digest);
  if (configBytes === undefined) {
    configBytes = await client.fetchBlob(repository, image.config, MAX_CONFIG_BYTES);
    bytesDownloaded += configBytes.length;
  }
  const validation = validateManifestText(configBytes.toString('utf8'), { file: 'gpuaas-app.json' });
  if (validation.value === undefined) {
    throw new RuntimeError('ARTIFACT_INVALID', `${digest}: the app manifest in its config is invalid`, {
      details: { errors: validation.errors },
    });
  }
  await storeBlob(cache, digest, manifestBytes);
  await storeBlob(cache, image.config.digest, configBytes);
  return { manifest: validation.value, image, bytesDownloaded };
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
    if (!cached) {
      writer = new BatchedFileWriter(await open(temporary, 'wx', 0o444));
      bytes = teeToFile(source, writer);
    }
    await extractTar(layer.mediaType === MEDIA_TYPES.layerTarGzip ? gunzip(bytes) : bytes, state, where);
    if (writer === undefined) return 0;
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
    let bytesDownloaded = 0;
    // One layer at a time: later layers may only add to what earlier ones made, never race them.
    for (const layer of image.layers) {
      bytesDownloaded += await unpackLayer(client, cache, repository, layer, work, state, signal);
    }
    checkSymlinks(state, digest);
    await sealFolders(state);
    const target = cache.tree(digest);
    await mkdir(dirname(target), { recursive: true, mode: 0o711 });
    await rename(tree, target);
    await chmod(target, 0o555);
    return { bytesDownloaded, files: state.files, bytes: state.bytes };
  } finally {
    await removeTree(work);
  }
}
