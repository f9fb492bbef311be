/**
 * Copying artifacts between repositories by digest, with their referrers. Within one registry a
 * blob is mounted (no bytes move); otherwise, or when the registry refuses the mount, it streams
 * from the source straight into the destination upload, checked against its digest on both sides
 * and never held whole in memory. Manifests keep their exact bytes, so digests do not change.
 */
import { PassThrough, pipeline } from 'node:stream';
import type { BlobSource } from '../oci/blob-source.js';
import type { PushOutcome } from '../oci/blob-push.js';
import type { RegistryClient } from '../oci/client.js';
import { putManifest, type FetchedManifest } from '../oci/manifests.js';
import { addToFallbackIndex } from '../oci/referrers.js';
import type { Descriptor, ImageIndex, ImageManifest } from '../oci/types.js';
import { mapLimit } from './concurrency.js';
import type { TransferProgress } from './push.js';

/** A blob as it reached the destination. */
export interface CopiedBlob {
  digest: string;
  size: number;
  outcome: PushOutcome;
}

export interface CopyEndpoints {
  source: RegistryClient;
  sourceRepository: string;
  destination: RegistryClient;
  destinationRepository: string;
  concurrency: number;
  onProgress?: (progress: TransferProgress) => void;
}

/** A blob source that opens a verified download from another repository each time it is read. */
function remoteBlobSource(client: RegistryClient, repository: string, blob: Descriptor): BlobSource {
  return {
    size: blob.size,
    digest: blob.digest,
    open: () => {
      const out = new PassThrough();
      void client.openBlob(repository, blob).then(
        // pipeline, not pipe: when the upload gives up on `out`, the download is torn down too.
        (stream) => pipeline(stream, out, () => undefined),
        (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))),
      );
      return out;
    },
  };
}

function isIndex(manifest: FetchedManifest['manifest']): manifest is ImageIndex {
  return 'manifests' in manifest && Array.isArray(manifest.manifests);
}

/** Copies manifests, blobs and referrers from one repository to another, remembering what it did. */
export class ArtifactCopier {
  readonly blobs: CopiedBlob[] = [];
  private readonly seenBlobs = new Set<string>();
  private readonly seenManifests = new Map<string, FetchedManifest>();
  private readonly sameRegistry: boolean;
  private bytesDone = 0;
  private bytesTotal = 0;

  constructor(private readonly endpoints: CopyEndpoints) {
    this.sameRegistry = endpoints.source.registry === endpoints.destination.registry;
  }

  /** Blob bytes that crossed the wire (0 when every blob was mounted or already there). */
  get bytesCopied(): number {
    return this.blobs.reduce((sum, b) => sum + (b.outcome === 'uploaded' ? b.size : 0), 0);
  }

  /**
   * Copies the manifest `digest` and everything it references into the destination by digest
   * (children before parents, blobs before manifests); returns the source manifest as fetched.
   */
  async copyManifest(digest: string): Promise<FetchedManifest> {
    const done = this.seenManifests.get(digest);
    if (done !== undefined) return done;
    const { source, sourceRepository } = this.endpoints;
    const fetched = await source.getManifest(sourceRepository, digest);
    if (isIndex(fetched.manifest)) {
      for (const child of fetched.manifest.manifests) await this.copyManifest(child.digest);
    } else {
      const manifest = fetched.manifest;
      await this.copyBlobs([manifest.config, ...manifest.layers]);
    }
    const put = await putManifest(
      this.endpoints.destination.transport,
      this.endpoints.destinationRepository,
      digest,
      fetched.bytes,
      fetched.descriptor.mediaType,
    );
    this.seenManifests.set(digest, fetched);
    const subject = fetched.manifest.subject;
    if (subject !== undefined && !put.subjectProcessed) await this.listAsReferrer(subject.digest, fetched);
    return fetched;
  }

  /**
   * Copies every referrer of `subjectDigest`, and their referrers in turn; returns how many
   * referrer manifests were carried.
   */
  async copyReferrers(subjectDigest: string, visited = new Set<string>()): Promise<number> {
    const { source, sourceRepository } = this.endpoints;
    let count = 0;
    for (const referrer of await source.listReferrers(sourceRepository, subjectDigest)) {
      if (visited.has(referrer.digest)) continue;
      visited.add(referrer.digest);
      await this.copyManifest(referrer.digest);
      count += 1 + (await this.copyReferrers(referrer.digest, visited));
    }
    return count;
  }

  private async copyBlobs(blobs: readonly Descriptor[]): Promise<void> {
    const fresh = blobs.filter((b) => !this.seenBlobs.has(b.digest));
    for (const blob of fresh) {
      this.seenBlobs.add(blob.digest);
      this.bytesTotal += blob.size;
    }
    const { source, sourceRepository, destination, destinationRepository } = this.endpoints;
    const copied = await mapLimit(fresh, this.endpoints.concurrency, async (blob) => {
      let last = 0;
      const pushed = await destination.pushBlob(
        destinationRepository,
        remoteBlobSource(source, sourceRepository, blob),
        {
          mediaType: blob.mediaType,
          ...(this.sameRegistry ? { mountFrom: [sourceRepository] } : {}),
          onProgress: (p) => {
            this.bytesDone += p.transferred - last;
            last = p.transferred;
            this.report();
          },
        },
      );
      return { digest: blob.digest, size: blob.size, outcome: pushed.outcome };
    });
    this.blobs.push(...copied);
  }

  private report(): void {
    this.endpoints.onProgress?.({
      bytesDone: this.bytesDone,
      bytesTotal: this.bytesTotal,
      blobsDone: this.blobs.length,
      blobsTotal: this.seenBlobs.size,
    });
  }

  /** Adds the referrer to the destination's fallback index unless it is listed there already. */
  private async listAsReferrer(subjectDigest: string, referrer: FetchedManifest): Promise<void> {
    const { destination, destinationRepository } = this.endpoints;
    const listed = await destination.listReferrers(destinationRepository, subjectDigest);
    if (listed.some((d) => d.digest === referrer.descriptor.digest)) return;
    const manifest = referrer.manifest as Partial<ImageManifest>;
    const entry: Descriptor = {
      mediaType: referrer.descriptor.mediaType,
      digest: referrer.descriptor.digest,
      size: referrer.descriptor.size,
      ...(manifest.artifactType === undefined ? {} : { artifactType: manifest.artifactType }),
      ...(manifest.annotations === undefined ? {} : { annotations: { ...manifest.annotations } }),
    };
    await addToFallbackIndex(destination.transport, destinationRepository, subjectDigest, entry);
  }
}
