/**
 * `pushLayout`: uploads an artifact from an OCI image layout to a registry — every blob first
 * (a few at a time, skipping what the repository already has), then child manifests by digest,
 * then the manifest under the tag, so a tag never points at something incomplete.
 */
import { SdkError } from '../errors.js';
import { fileBlobSource } from '../oci/blob-source.js';
import type { BlobProgress, PushOutcome } from '../oci/blob-push.js';
import { OciLayout } from '../oci/layout.js';
import { ANNOTATIONS, type Descriptor, type ImageIndex, type ImageManifest } from '../oci/types.js';
import { registryClientFor, parseArtifactReference, pinnedReference, type ClientOptions } from './client.js';
import { DEFAULT_CONCURRENCY } from './concurrency.js';

/** Progress of a transfer over all its blobs. */
export interface TransferProgress {
  bytesDone: number;
  bytesTotal: number;
  blobsDone: number;
  blobsTotal: number;
}

export interface PushLayoutOptions extends ClientOptions {
  /** Blobs uploaded at once (default 4). */
  concurrency?: number;
  onProgress?: (progress: TransferProgress) => void;
  /** Tag or digest of the manifest in the layout; default the reference's tag, else the only manifest. */
  layoutReference?: string;
  /** Upload chunk size and chunking threshold in bytes (the client's default is 64 MiB). */
  chunkSize?: number;
}

/** A layer as pushed: its descriptor and whether it was uploaded, mounted or already there. */
export type PushedLayer = Descriptor & { outcome: PushOutcome };

export interface PushLayoutResult {
  /** `host/repo:tag@sha256:…` */
  reference: string;
  digest: string;
  /** Size of the manifest in bytes. */
  size: number;
  mediaType: string;
  layers: PushedLayer[];
  /** Blob bytes actually sent (0 when the registry had every blob). */
  bytesUploaded: number;
  /** Blobs the registry already had, and blobs uploaded. */
  blobsExisting: number;
  blobsUploaded: number;
}

/** A manifest read from the layout, with its exact bytes. */
interface LayoutManifest {
  descriptor: Descriptor;
  bytes: Buffer;
  parsed: ImageManifest | ImageIndex;
}

/** Everything to push for one root manifest: blobs, then manifests children first. */
interface LayoutTree {
  blobs: Descriptor[];
  layers: Descriptor[];
  manifests: LayoutManifest[];
}

/** Picks the manifest to push: named explicitly, by the reference's digest or tag, or the only one. */
async function pickManifest(
  layout: OciLayout,
  tag: string | undefined,
  digest: string | undefined,
  explicit: string | undefined,
): Promise<Descriptor> {
  if (explicit !== undefined) return layout.resolve(explicit);
  if (digest !== undefined) return layout.resolve(digest);
  const index = await layout.readIndex();
  const tagged =
    tag === undefined
      ? undefined
      : index.manifests.findLast((d) => d.annotations?.[ANNOTATIONS.refName] === tag);
  if (tagged !== undefined) return tagged;
  const distinct = [...new Map(index.manifests.map((d) => [d.digest, d])).values()];
  const only = distinct[0];
  if (distinct.length === 1 && only !== undefined) return only;
  const tags = index.manifests.flatMap((d) => d.annotations?.[ANNOTATIONS.refName] ?? []);
  throw new SdkError(
    'NOT_FOUND',
    distinct.length === 0
      ? `${layout.root}: the layout holds no manifest`
      : `${layout.root}: ${distinct.length} manifests and none tagged "${tag ?? ''}" (tags: ${tags.join(', ') || 'none'})`,
    { details: { layout: layout.root } },
  );
}

async function readTree(layout: OciLayout, root: Descriptor): Promise<LayoutTree> {
  const tree: LayoutTree = { blobs: [], layers: [], manifests: [] };
  const seenBlobs = new Set<string>();
  const seenManifests = new Set<string>();
  const visit = async (descriptor: Descriptor): Promise<void> => {
    if (seenManifests.has(descriptor.digest)) return;
    seenManifests.add(descriptor.digest);
    const bytes = await layout.readBlob(descriptor.digest);
    const parsed = await layout.readManifest(descriptor);
    if ('manifests' in parsed && Array.isArray(parsed.manifests)) {
      for (const child of parsed.manifests) await visit(child);
    } else {
      const manifest = parsed as ImageManifest;
      for (const blob of [manifest.config, ...manifest.layers]) {
        if (seenBlobs.has(blob.digest)) continue;
        seenBlobs.add(blob.digest);
        tree.blobs.push(blob);
      }
      tree.layers.push(...manifest.layers);
    }
    tree.manifests.push({ descriptor, bytes, parsed });
  };
  await visit(root);
  return tree;
}

/**
 * Pushes the artifact in the OCI layout `layoutDir` to `ref` (`host/repo:tag` or `host/repo@sha256:…`).
 * Re-pushing unchanged content sends no blob bytes: each blob is checked with HEAD first.
 *
 * @example
 * const pushed = await pushLayout('out/oci', '127.0.0.1:5000/acme/llm:1.0.0');
 * console.log(pushed.digest, pushed.bytesUploaded);
 */
export async function pushLayout(
  layoutDir: string,
  ref: string,
  options: PushLayoutOptions = {},
): Promise<PushLayoutResult> {
  const target = parseArtifactReference(ref);
  const layout = await OciLayout.open(layoutDir);
  const root = await pickManifest(layout, target.tag, target.digest, options.layoutReference);
  if (target.digest !== undefined && target.digest !== root.digest) {
    throw new SdkError('DIGEST_MISMATCH', `${ref}: the layout's manifest is ${root.digest}`, {
      details: { expected: target.digest, actual: root.digest },
    });
  }
  const tree = await readTree(layout, root);
  const client = registryClientFor(target.registry, options);

  const sources = await Promise.all(
    tree.blobs.map((b) => fileBlobSource(layout.blobPath(b.digest), b.digest)),
  );
  const bytesTotal = tree.blobs.reduce((sum, b) => sum + b.size, 0);
  const transferred = new Array<number>(tree.blobs.length).fill(0);
  const done = new Set<number>();
  const report = (): void =>
    options.onProgress?.({
      bytesDone: transferred.reduce((a, b) => a + b, 0),
      bytesTotal,
      blobsDone: done.size,
      blobsTotal: tree.blobs.length,
    });
  report();
  const pushed = await client.pushBlobs(target.repository, sources, {
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
    onProgress: (index: number, progress: BlobProgress) => {
      transferred[index] = progress.transferred;
      if (progress.transferred >= progress.total) done.add(index);
      report();
    },
  });
  const outcomes = new Map(pushed.map((p, i) => [tree.blobs[i]?.digest ?? '', p.outcome]));
  let bytesUploaded = 0;
  tree.blobs.forEach((blob, i) => {
    if (pushed[i]?.outcome === 'uploaded') bytesUploaded += blob.size;
  });

  for (const manifest of tree.manifests) {
    const isRoot = manifest.descriptor.digest === root.digest;
    // Children go by digest; the root goes under the tag last, so the tag moves only when all is there.
    const reference = isRoot ? (target.tag ?? root.digest) : manifest.descriptor.digest;
    await client.putManifest(target.repository, reference, manifest.bytes, manifest.descriptor.mediaType);
  }
  return {
    reference: pinnedReference(target, root.digest),
    digest: root.digest,
    size: root.size,
    mediaType: root.mediaType,
    layers: tree.layers.map((l) => ({ ...l, outcome: outcomes.get(l.digest) ?? 'existed' })),
    bytesUploaded,
    blobsExisting: pushed.filter((p) => p.outcome === 'existed').length,
    blobsUploaded: pushed.filter((p) => p.outcome === 'uploaded').length,
  };
}
