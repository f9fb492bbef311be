/**
 * `packApp`: turns an app folder into a reproducible OCI artifact in an image layout — the
 * validated manifest as config blob, the files as one main layer plus one layer per
 * `files.layers` entry, and an image manifest (v1.1, artifactType application/vnd.gpuaas.app.v1).
 *
 * Performance shape: each file byte is read once, hashed once and written once, in chunks of
 * several MiB, and never gzipped when a sample says it would not shrink.
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { SdkError } from '../errors.js';
import { loadManifest } from '../manifest/index.js';
import { OciLayout } from '../oci/layout.js';
import {
  ANNOTATIONS,
  GPUAAS_APP_ARTIFACT_TYPE,
  MEDIA_TYPES,
  type Descriptor,
  type ImageManifest,
} from '../oci/types.js';
import { canonicalJson } from './canonical-json.js';
import { collectFiles, MAIN_LAYER, type CollectedFile, type CollectedLayer } from './collect.js';
import { gzipDeterministic, measureCompressibility, worthCompressing } from './gzip.js';
import { resolveProvenance } from './provenance.js';
import { layerEntries, readWhileCollecting } from './read.js';
import { tarStream } from './tar.js';

/** Progress of a pack, in file content bytes. */
export interface PackProgress {
  bytesDone: number;
  bytesTotal: number;
  /** Layer being written. */
  layer: string;
}

export interface PackOptions {
  /** OCI layout folder to write (created if missing). Default: `<dir>/.gpuaas/oci`. */
  output?: string;
  /** Tag in the layout. Default: the app version, '+' replaced by '_' as registries require. */
  tag?: string;
  /** Main layer: gzip when a sample compresses ('auto', default), always, or never. */
  compression?: 'auto' | 'gzip' | 'none';
  onProgress?: (progress: PackProgress) => void;
  /** Environment read for SOURCE_DATE_EPOCH (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Read size for file contents (default 4 MiB). */
  chunkSize?: number;
}

/** A layer of the packed artifact: its descriptor plus what went into it. */
export type PackedLayer = Descriptor & {
  /** Files and symlinks in the layer (folders not counted). */
  files: number;
  /** Layer name (the title annotation). */
  name: string;
  /** Digest of the tar before compression (the diff ID); equals `digest` for tar layers. */
  uncompressedDigest: string;
};

export interface PackResult {
  /** Absolute path of the OCI layout. */
  layout: string;
  manifestDescriptor: Descriptor;
  manifest: ImageManifest;
  config: Descriptor;
  layers: PackedLayer[];
  tag: string;
  /** RFC 3339 creation time recorded in the manifest, and where it came from. */
  created: string;
  createdFrom: 'SOURCE_DATE_EPOCH' | 'git' | 'epoch';
  warnings: string[];
}

const DEFAULT_CHUNK = 4 * 1024 * 1024;
const SAMPLE_WINDOW = 1024 * 1024;
const SAMPLE_TOTAL = 8 * 1024 * 1024;
const SAMPLE_FILES = 64;
const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** Default layout tag for a version: registries allow no '+' in tags, so it becomes '_' (as Helm does). */
export function tagForVersion(version: string): string {
  return version.replaceAll('+', '_');
}

/**
 * Reads a window from the middle of the largest files (the ones that dominate the layer's bytes;
 * the middle skips headers that compress better than the bulk of the file), all at once, and
 * from memory for files the collection already read.
 */
async function sampleLayer(files: readonly CollectedFile[]): Promise<Buffer[]> {
  const regular = files
    .flatMap((f) => (f.type === 'file' && f.size > 0 ? [f] : []))
    .sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : 1))
    .slice(0, SAMPLE_FILES);
  const windows: { file: CollectedFile & { type: 'file' }; length: number; position: number }[] = [];
  let total = 0;
  for (const file of regular) {
    if (total >= SAMPLE_TOTAL) break;
    const length = Math.min(SAMPLE_WINDOW, file.size, SAMPLE_TOTAL - total);
    windows.push({ file, length, position: Math.floor((file.size - length) / 2) });
    total += length;
  }
  return Promise.all(
    windows.map(async ({ file, length, position }) => {
      const read = readWhileCollecting.get(file);
      if (read !== undefined) return read.subarray(position, position + length);
      const handle = await open(file.absolutePath, 'r');
      try {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, position);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    }),
  );
}

async function chooseGzip(layer: CollectedLayer, policy: PackOptions['compression']): Promise<boolean> {
  if (layer.name !== MAIN_LAYER) return layer.compress === true;
  if (policy === 'gzip') return true;
  if (policy === 'none') return false;
  return worthCompressing(measureCompressibility(await sampleLayer(layer.files)));
}

async function* hashing(
  source: AsyncIterable<Buffer>,
  hash: ReturnType<typeof createHash>,
): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    hash.update(chunk);
    yield chunk;
  }
}

async function writeLayer(
  layout: OciLayout,
  layer: CollectedLayer,
  options: { gzip: boolean; mtime: number; chunkSize: number; onContent: (bytes: number) => void },
): Promise<PackedLayer> {
  const tar = tarStream(layerEntries(layer.files, options.chunkSize), {
    mtime: options.mtime,
    onContent: options.onContent,
  });
  const annotations = { [ANNOTATIONS.title]: layer.name };
  if (!options.gzip) {
    const descriptor = await layout.writeBlob(tar, { mediaType: MEDIA_TYPES.layerTar, annotations });
    return {
      ...descriptor,
      files: layer.files.length,
      name: layer.name,
      uncompressedDigest: descriptor.digest,
    };
  }
  const diff = createHash('sha256');
  const descriptor = await layout.writeBlob(gzipDeterministic(hashing(tar, diff)), {
    mediaType: MEDIA_TYPES.layerTarGzip,
    annotations,
  });
  return {
    ...descriptor,
    files: layer.files.length,
    name: layer.name,
    uncompressedDigest: `sha256:${diff.digest('hex')}`,
  };
}

function descriptorOf(layer: PackedLayer): Descriptor {
  return {
    mediaType: layer.mediaType,
    digest: layer.digest,
    size: layer.size,
    ...(layer.annotations ? { annotations: layer.annotations } : {}),
  };
}

function manifestAnnotations(
  manifest: GpuaasAppManifest,
  provenance: { created: string; revision?: string },
): Record<string, string> {
  return {
    [ANNOTATIONS.title]: manifest.name,
    [ANNOTATIONS.version]: manifest.version,
    [ANNOTATIONS.created]: provenance.created,
    ...(manifest.source ? { [ANNOTATIONS.source]: manifest.source } : {}),
    ...(provenance.revision ? { [ANNOTATIONS.revision]: provenance.revision } : {}),
  };
}

/**
 * Packs the app in `dir` into an OCI image layout and tags it. The same sources give the same
 * manifest digest on any machine running this code (file order, times, owners and modes other
 * than the exec bit do not matter).
 *
 * @example
 * const result = await packApp('apps/llama-chat', { output: 'out/oci' });
 * console.log(result.manifestDescriptor.digest, result.tag);
 */
export async function packApp(dir: string, options: PackOptions = {}): Promise<PackResult> {
  const root = resolve(dir);
  const rootStat = await stat(root).catch(() => undefined);
  if (!rootStat?.isDirectory()) {
    throw new SdkError('NOT_FOUND', `${root}: no such app folder`, { details: { path: root } });
  }
  const loaded = await loadManifest(root);
  const manifest = loaded.manifest;
  const manifestWarnings = loaded.warnings.map((w) => `${w.file}:${w.line}:${w.column}: ${w.message}`);
  const tag = options.tag ?? tagForVersion(manifest.version);
  if (!TAG_PATTERN.test(tag)) {
    throw new SdkError('USAGE', `tag "${tag}" is not a valid OCI tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127})`, {
      details: { tag },
    });
  }
  const output = resolve(options.output ?? join(root, '.gpuaas', 'oci'));
  const env = options.env ?? process.env;
  // `git log` runs while the folder is walked: a child process is slow to start on a busy machine.
  const provenancePending = resolveProvenance(root, env);
  provenancePending.catch(() => undefined); // awaited below, after the walk
  const collected = await collectFiles(root, manifest.files, { excludeAbsolute: [output] });
  const provenance = await provenancePending;
  // File times are pinned to SOURCE_DATE_EPOCH or 0, never to git: a checkout has no stable mtimes.
  const mtime = provenance.createdFrom === 'SOURCE_DATE_EPOCH' ? provenance.epoch : 0;
  const layout = await OciLayout.create(output);

  const bytesTotal = collected.layers
    .flatMap((l) => l.files)
    .reduce((sum, f) => sum + (f.type === 'file' ? f.size : 0), 0);
  let bytesDone = 0;
  const layers: PackedLayer[] = [];
  for (const layer of collected.layers) {
    const report = (): void => options.onProgress?.({ bytesDone, bytesTotal, layer: layer.name });
    report();
    const packed = await writeLayer(layout, layer, {
      gzip: await chooseGzip(layer, options.compression ?? 'auto'),
      mtime,
      chunkSize: options.chunkSize ?? DEFAULT_CHUNK,
      onContent: (bytes) => {
        bytesDone += bytes;
        report();
      },
    });
    layers.push(packed);
  }

  const config = await layout.writeBlob(Buffer.from(canonicalJson(manifest), 'utf8'), {
    mediaType: MEDIA_TYPES.gpuaasAppConfig,
  });
  const imageManifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.imageManifest,
    artifactType: GPUAAS_APP_ARTIFACT_TYPE,
    config,
    layers: layers.map(descriptorOf),
    annotations: manifestAnnotations(manifest, provenance),
  };
  const manifestDescriptor = await layout.addManifest(Buffer.from(canonicalJson(imageManifest), 'utf8'), {
    mediaType: MEDIA_TYPES.imageManifest,
    artifactType: GPUAAS_APP_ARTIFACT_TYPE,
    tag,
  });
  return {
    layout: layout.root,
    manifestDescriptor,
    manifest: imageManifest,
    config,
    layers,
    tag,
    created: provenance.created,
    createdFrom: provenance.createdFrom,
    warnings: [...manifestWarnings, ...collected.warnings],
  };
}
