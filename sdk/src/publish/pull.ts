/**
 * `pullArtifact`: downloads an artifact into an OCI image layout. The tag is resolved once and
 * everything after that is fetched by digest; every manifest and blob is checked against its
 * digest while it streams, and a blob reaches its final path only when it matched, so a tampered
 * artifact fails with DIGEST_MISMATCH and leaves no partial blob behind.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { RegistryClient } from '../oci/client.js';
import { OciLayout } from '../oci/layout.js';
import type { FetchedManifest } from '../oci/manifests.js';
import type { Descriptor, ImageManifest } from '../oci/types.js';
import {
  registryClientFor,
  parseArtifactReference,
  pinReference,
  pinnedReference,
  type ClientOptions,
} from './client.js';
import { DEFAULT_CONCURRENCY, mapLimit } from './concurrency.js';
import type { TransferProgress } from './push.js';

export interface PullArtifactOptions extends ClientOptions {
  /** Blobs downloaded at once (default 4). */
  concurrency?: number;
  onProgress?: (progress: TransferProgress) => void;
  /** Tag recorded in the layout; default the reference's tag (none when pulled by digest). */
  tag?: string;
}

export interface PullArtifactResult {
  /** `host/repo:tag@sha256:…` */
  reference: string;
  digest: string;
  size: number;
  mediaType: string;
  /** Absolute path of the OCI layout. */
  layout: string;
  tag: string | undefined;
  layers: Descriptor[];
  /** Blob bytes downloaded (blobs the layout already held are not fetched again). */
  bytesDownloaded: number;
}

interface RemoteTree {
  blobs: Descriptor[];
  layers: Descriptor[];
  /** Children first, the root last. */
  manifests: FetchedManifest[];
}

async function fetchTree(client: RegistryClient, repository: string, root: Descriptor): Promise<RemoteTree> {
  const tree: RemoteTree = { blobs: [], layers: [], manifests: [] };
  const seen = new Set<string>();
  const visit = async (digest: string): Promise<void> => {
    if (seen.has(digest)) return;
    seen.add(digest);
    // By digest, so the bytes are checked against the digest asked for.
    const fetched = await client.getManifest(repository, digest);
    const parsed = fetched.manifest;
    if ('manifests' in parsed && Array.isArray(parsed.manifests)) {
      for (const child of parsed.manifests) await visit(child.digest);
    } else {
      const manifest = parsed as ImageManifest;
      for (const blob of [manifest.config, ...manifest.layers]) {
        if (seen.has(blob.digest)) continue;
        seen.add(blob.digest);
        tree.blobs.push(blob);
      }
      tree.layers.push(...manifest.layers);
    }
    tree.manifests.push(fetched);
  };
  await visit(root.digest);
  return tree;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Pulls `ref` into the OCI image layout `outputDir` (created when missing; an existing layout gains
 * the artifact). The layout is tagged with the reference's tag. A layout folder this call created is
 * removed again when the pull fails.
 *
 * @example
 * const pulled = await pullArtifact('127.0.0.1:5000/acme/llm:1.0.0', 'out/llm');
 * // skopeo inspect oci:out/llm:1.0.0 shows the same digest
 */
export async function pullArtifact(
  ref: string,
  outputDir: string,
  options: PullArtifactOptions = {},
): Promise<PullArtifactResult> {
  const source = parseArtifactReference(ref);
  const client = registryClientFor(source.registry, options);
  const root = await pinReference(client, source);
  // Manifests first: a tampered manifest fails before anything is written.
  const tree = await fetchTree(client, source.repository, root);
  const rootManifest = tree.manifests.at(-1) as FetchedManifest;

  const output = resolve(outputDir);
  const createdHere = !(await exists(output));
  try {
    const layout = await OciLayout.create(output);
    const bytesTotal = tree.blobs.reduce((sum, b) => sum + b.size, 0);
    const transferred = new Array<number>(tree.blobs.length).fill(0);
    let blobsDone = 0;
    const report = (): void =>
      options.onProgress?.({
        bytesDone: transferred.reduce((a, b) => a + b, 0),
        bytesTotal,
        blobsDone,
        blobsTotal: tree.blobs.length,
      });
    report();
    let bytesDownloaded = 0;
    await mapLimit(tree.blobs, options.concurrency ?? DEFAULT_CONCURRENCY, async (blob, index) => {
      const path = layout.blobPath(blob.digest);
      if (!(await layout.hasBlob(blob.digest))) {
        await mkdir(dirname(path), { recursive: true });
        await client.pullBlob(source.repository, blob, path, {
          onProgress: (p) => {
            transferred[index] = p.transferred;
            report();
          },
        });
        bytesDownloaded += blob.size;
      }
      transferred[index] = blob.size;
      blobsDone++;
      report();
    });
    for (const manifest of tree.manifests.slice(0, -1)) {
      await layout.writeBlob(manifest.bytes, { expected: { digest: manifest.descriptor.digest } });
    }
    const tag = options.tag ?? source.tag;
    const artifactType = rootManifest.descriptor.artifactType;
    await layout.addManifest(rootManifest.bytes, {
      mediaType: root.mediaType,
      ...(tag === undefined ? {} : { tag }),
      ...(artifactType === undefined ? {} : { artifactType }),
    });
    return {
      reference: pinnedReference(source, root.digest),
      digest: root.digest,
      size: rootManifest.bytes.length,
      mediaType: root.mediaType,
      layout: layout.root,
      tag,
      layers: tree.layers,
      bytesDownloaded,
    };
  } catch (error) {
    if (createdHere) await rm(output, { recursive: true, force: true });
    throw error;
  }
}
