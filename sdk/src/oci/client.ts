/**
 * `RegistryClient`: the OCI distribution client for one registry. Its methods are thin over the
 * module functions (blobs, blob-push, blob-pull, manifests, referrers), which take the same transport and
 * can be used directly.
 */
import type { Readable } from 'node:stream';
import { fetchBlob, openBlob, pullBlob, deleteBlob, type PullBlobOptions } from './blob-pull.js';
import { pushBlob, type BlobProgress, type PushBlobOptions, type PushedBlob } from './blob-push.js';
import { hasBlob, mountBlob } from './blobs.js';
import type { BlobSource } from './blob-source.js';
import {
  deleteManifest,
  getManifest,
  headManifest,
  listRepositories,
  listTags,
  putManifest,
  resolveManifest,
  type FetchedManifest,
} from './manifests.js';
import {
  fetchReferrer,
  listReferrers,
  pushReferrer,
  type FetchedReferrer,
  type ListReferrersOptions,
  type ReferrerArtifact,
} from './referrers.js';
import { RegistryTransport, type TransportOptions } from './transport.js';
import type { Descriptor } from './types.js';

/** Options of a {@link RegistryClient}: those of the transport it owns. */
export type RegistryClientOptions = TransportOptions;

export interface PushBlobsOptions extends Omit<PushBlobOptions, 'onProgress'> {
  /** Blobs uploaded at the same time (default 3). */
  concurrency?: number;
  /** Progress of each blob, by its index in `sources`. */
  onProgress?: (index: number, progress: BlobProgress) => void;
}

/**
 * A client for one OCI registry.
 *
 * @example
 * const client = new RegistryClient({ registry: '127.0.0.1:5000', credentials: defaultCredentials() });
 * const { descriptor } = await client.pushBlob('team/app', await fileBlobSource('layer.tar.gz'));
 * const manifest = await client.getManifest('team/app', '1.0.0');
 */
export class RegistryClient {
  readonly registry: string;
  /** The request sender; exposed for the module functions and for later code (promotion). */
  readonly transport: RegistryTransport;

  constructor(options: RegistryClientOptions) {
    this.registry = options.registry;
    this.transport = new RegistryTransport(options);
  }

  /** True when the repository has the blob (HEAD). */
  hasBlob(repository: string, digest: string): Promise<boolean> {
    return hasBlob(this.transport, repository, digest);
  }

  /** Pushes one blob (skips existing ones, tries `mountFrom`, uploads chunked above `chunkSize`). */
  pushBlob(repository: string, source: BlobSource, options?: PushBlobOptions): Promise<PushedBlob> {
    return pushBlob(this.transport, repository, source, options);
  }

  /** Pushes blobs with at most `concurrency` uploads at once; results in the order of `sources`. */
  async pushBlobs(
    repository: string,
    sources: readonly BlobSource[],
    options: PushBlobsOptions = {},
  ): Promise<PushedBlob[]> {
    const { concurrency = 3, onProgress, ...rest } = options;
    const results: PushedBlob[] = new Array<PushedBlob>(sources.length);
    let next = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      while (!failed && next < sources.length) {
        const index = next++;
        const source = sources[index] as BlobSource;
        const perBlob: PushBlobOptions = { ...rest };
        if (onProgress !== undefined) perBlob.onProgress = (progress) => onProgress(index, progress);
        try {
          results[index] = await pushBlob(this.transport, repository, source, perBlob);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    const workers = Array.from({ length: Math.max(1, Math.min(concurrency, sources.length)) }, () =>
      worker(),
    );
    await Promise.all(workers);
    return results;
  }

  /** Mounts a blob from another repository; false when the registry did not (202). */
  mountBlob(repository: string, digest: string, fromRepository: string): Promise<boolean> {
    return mountBlob(this.transport, repository, digest, fromRepository);
  }

  /** Downloads a blob to a file, verified on the fly; no partial file is left on failure. */
  pullBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    destination: string,
    options?: PullBlobOptions,
  ): Promise<void> {
    return pullBlob(this.transport, repository, descriptor, destination, options);
  }

  /** A stream of the blob that errors with DIGEST_MISMATCH if the content is wrong. */
  openBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    options?: PullBlobOptions,
  ): Promise<Readable> {
    return openBlob(this.transport, repository, descriptor, options);
  }

  /** A small blob in memory, verified (default limit 4 MiB). */
  fetchBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    maxBytes?: number,
  ): Promise<Buffer> {
    return fetchBlob(this.transport, repository, descriptor, maxBytes);
  }

  deleteBlob(repository: string, digest: string): Promise<void> {
    return deleteBlob(this.transport, repository, digest);
  }

  /** A manifest's exact bytes, parsed form and descriptor, digest-checked. */
  getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    return getManifest(this.transport, repository, reference);
  }

  /** The manifest's descriptor, or undefined when it does not exist. */
  headManifest(repository: string, reference: string): Promise<Descriptor | undefined> {
    return headManifest(this.transport, repository, reference);
  }

  /** Resolves a tag to a descriptor; NOT_FOUND when absent. */
  resolve(repository: string, reference: string): Promise<Descriptor> {
    return resolveManifest(this.transport, repository, reference);
  }

  /** Uploads manifest bytes under a tag or digest; returns its descriptor. */
  async putManifest(
    repository: string,
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
  ): Promise<Descriptor> {
    return (await putManifest(this.transport, repository, reference, bytes, mediaType)).descriptor;
  }

  deleteManifest(repository: string, digest: string): Promise<void> {
    return deleteManifest(this.transport, repository, digest);
  }

  /** Tags of a repository, following the registry's paging. */
  listTags(repository: string, options?: { pageSize?: number }): AsyncIterable<string> {
    return listTags(this.transport, repository, options);
  }

  /** Repositories of the registry (`_catalog`; not every registry allows it). */
  listRepositories(options?: { pageSize?: number }): AsyncIterable<string> {
    return listRepositories(this.transport, options);
  }

  /** Referrers of a subject, by Referrers API or the tag-schema fallback. */
  listReferrers(
    repository: string,
    subjectDigest: string,
    options?: ListReferrersOptions,
  ): Promise<Descriptor[]> {
    return listReferrers(this.transport, repository, subjectDigest, options);
  }

  /** Pushes an artifact that refers to `subject`, keeping the fallback index up to date. */
  pushReferrer(repository: string, subject: Descriptor, artifact: ReferrerArtifact): Promise<Descriptor> {
    return pushReferrer(this.transport, repository, subject, artifact);
  }

  /** A referrer's manifest and verified layer bytes (each at most `maxBytes`, default 4 MiB). */
  fetchReferrer(
    repository: string,
    referrer: Pick<Descriptor, 'digest'>,
    maxBytes?: number,
  ): Promise<FetchedReferrer> {
    return fetchReferrer(this.transport, repository, referrer, maxBytes);
  }
}
