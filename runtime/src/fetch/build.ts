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
  SdkError,
  VerifyingStream,
  computeDigest,
  validateManifestText,
  type Descriptor,
  type ImageManifest,
  type RegistryClient,
} from '@gpuaas/sdk';
import { RuntimeError } from '../errors.js';
import { BatchedFileWriter, gunzip, teeToFile } from './byte-io.js';
import { exists, makeWorkDir, removeTree, type CacheLayout } from './cache.js';
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

/** Streams one layer (from the blob store or the registry) into the tree. */
async function unpackLayer(
  client: RegistryClient,
  cache: CacheLayout,
  repository: string,
  layer: Descriptor,
  work: string,
  state: ExtractState,
): Promise<number> {
  const where = describeBlob(layer);
  const stored = cache.blob(layer.digest);
  const unpack = (raw: AsyncIterable<Buffer>): Promise<void> =>
    extractTar(layer.mediaType === MEDIA_TYPES.layerTarGzip ? gunzip(raw) : raw, state, where);
  const cached = await exists(stored);
  try {
    if (cached) {
      await unpack(verifiedFile(stored, layer, `cached ${where}`));
      return 0;
    }
    const temporary = join(work, `blob-${layer.digest.replace(':', '-')}`);
    const writer = new BatchedFileWriter(await open(temporary, 'wx', 0o444));
    try {
      await unpack(teeToFile(await client.openBlob(repository, layer), writer));
    } catch (error) {
      await writer.abort();
      throw error;
    }
    await writer.close();
    await mkdir(dirname(stored), { recursive: true, mode: 0o700 });
    await rename(temporary, stored);
    return layer.size;
  } catch (error) {
    if (error instanceof SdkError && error.code === 'DIGEST_MISMATCH') {
      // A damaged cached blob is dropped so that the next launch downloads it again.
      if (cached) await rm(stored, { force: true });
      throw new RuntimeError('ARTIFACT_TAMPERED', `${where} does not match its digest: ${error.message}`, {
        cause: error,
        details: { blob: layer.digest, expected: layer.digest, size: layer.size },
      });
    }
    throw error;
  }
}

export async function buildTree(
  client: RegistryClient,
  cache: CacheLayout,
  repository: string,
  digest: string,
  image: ImageManifest,
): Promise<{ bytesDownloaded: number; files: number; bytes: number }> {
  const work = await makeWorkDir(cache, digest);
  try {
    const tree = join(work, 'tree');
    await mkdir(tree, { mode: 0o755 });
    const state = createExtractState(tree);
    let bytesDownloaded = 0;
    // One layer at a time: later layers may only add to what earlier ones made, never race them.
    for (const layer of image.layers) {
      bytesDownloaded += await unpackLayer(client, cache, repository, layer, work, state);
    }
    checkSymlinks(state, digest);
    await sealFolders(state);
    const target = cache.tree(digest);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    await rename(tree, target);
    await chmod(target, 0o555);
    return { bytesDownloaded, files: state.files, bytes: state.bytes };
  } finally {
    await removeTree(work);
  }
}
