/**
 * Pushing blobs: HEAD to skip what exists, cross-repository mount, monolithic PUT for small
 * blobs with a known digest, chunked PATCH for the rest. Bytes stream from the source and are
 * hashed on the way; nothing is held in memory beyond a stream chunk.
 *
 * Distribution 2.8 ignores Content-Range and cancels an upload session whose stored size no longer
 * matches its `_state` (a chunk that broke off half-way). So after a failed chunk the client asks
 * the session where it stands (GET → Range) and resumes there; when the session is gone it starts a
 * new one. Both count against the same retry budget as any other request.
 */
import { SdkError, isSdkError } from '../errors.js';
import { SequentialReader, type BlobSource } from './blob-source.js';
import { hasBlob, mountBlob, pushScope } from './blobs.js';
import { OffsetHasher } from './digest.js';
import type { RegistryTransport } from './transport.js';
import type { Descriptor } from './types.js';

/** Bytes of one PATCH and the size above which uploads are chunked (64 MiB). */
export const DEFAULT_CHUNK_SIZE = 64 * 1024 * 1024;

export interface BlobProgress {
  /** Digest when known up front. */
  digest: string | undefined;
  /** Bytes the registry has (or is receiving) so far; may go back after a failed chunk. */
  transferred: number;
  total: number;
}

export interface PushBlobOptions {
  /** mediaType of the returned descriptor (default application/octet-stream). */
  mediaType?: string;
  /** Chunk size and chunking threshold in bytes (default 64 MiB). */
  chunkSize?: number;
  /** Repositories on the same registry to try mounting the blob from before uploading. */
  mountFrom?: readonly string[];
  onProgress?: (progress: BlobProgress) => void;
  signal?: AbortSignal;
}

/** How a blob got into the repository. */
export type PushOutcome = 'existed' | 'mounted' | 'uploaded';

export interface PushedBlob {
  descriptor: Descriptor;
  outcome: PushOutcome;
}

function locationOf(response: Response, base: URL, what: string): URL {
  const location = response.headers.get('location');
  if (location === null || location === '') {
    throw new SdkError('REGISTRY_ERROR', `cannot ${what}: the registry sent no Location for the upload`);
  }
  return new URL(location, base);
}

/** End offset (exclusive) from an upload `Range: 0-<last>` reply; Distribution says 0-0 for empty. */
function rangeEnd(response: Response): number | undefined {
  const match = /^(?:bytes=)?0-(\d+)$/.exec(response.headers.get('range')?.trim() ?? '');
  if (match === null) return undefined;
  const last = Number(match[1]);
  return last === 0 ? 0 : last + 1;
}

/**
 * Pushes a blob: nothing is sent when its digest is known and the repository has it; a mount is
 * tried from `mountFrom`; otherwise it is uploaded with the digest verified on the fly.
 */
export async function pushBlob(
  transport: RegistryTransport,
  repository: string,
  source: BlobSource,
  options: PushBlobOptions = {},
): Promise<PushedBlob> {
  const mediaType = options.mediaType ?? 'application/octet-stream';
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0) {
    throw new SdkError('USAGE', `chunk size must be a positive integer, got ${chunkSize}`);
  }
  if (!Number.isSafeInteger(source.size) || source.size < 0) {
    throw new SdkError('USAGE', `blob source size must be a non-negative integer, got ${source.size}`);
  }
  const described = (digest: string): Descriptor => ({ mediaType, digest, size: source.size });
  if (source.digest !== undefined) {
    if (await hasBlob(transport, repository, source.digest)) {
      options.onProgress?.({ digest: source.digest, transferred: source.size, total: source.size });
      return { descriptor: described(source.digest), outcome: 'existed' };
    }
    for (const from of options.mountFrom ?? []) {
      if (from !== repository && (await mountBlob(transport, repository, source.digest, from))) {
        options.onProgress?.({ digest: source.digest, transferred: source.size, total: source.size });
        return { descriptor: described(source.digest), outcome: 'mounted' };
      }
    }
  }
  const upload = new Upload(transport, repository, source, chunkSize, options);
  try {
    const digest = await upload.run();
    return { descriptor: described(digest), outcome: 'uploaded' };
  } finally {
    upload.close();
  }
}

/** One blob upload with its retry budget: a session, its offset and the hash so far. */
class Upload {
  private readonly reader: SequentialReader;
  /**
   * Hashes the bytes as they leave, only when the caller did not give the digest. With a known
   * digest the registry verifies the upload itself (the distribution spec requires it; a mismatch
   * answers DIGEST_INVALID, which the transport reports as DIGEST_MISMATCH), and hashing a 1 GiB
   * layer a second time cost a quarter of the push's CPU.
   */
  private readonly hasher: OffsetHasher | undefined;
  private readonly what: string;
  private readonly scopes: string[];
  private location: URL | undefined;
  private offset = 0;
  private failures = 0;

  constructor(
    private readonly transport: RegistryTransport,
    private readonly repository: string,
    private readonly source: BlobSource,
    private readonly chunkSize: number,
    private readonly options: PushBlobOptions,
  ) {
    this.reader = new SequentialReader(source);
    this.hasher = source.digest === undefined ? new OffsetHasher('sha256') : undefined;
    this.what = `push blob ${source.digest ?? `(${source.size} bytes)`} to ${repository}`;
    this.scopes = [pushScope(repository)];
  }

  close(): void {
    this.reader.close();
  }

  async run(): Promise<string> {
    await this.start();
    if (this.source.digest !== undefined && this.source.size <= this.chunkSize) {
      const digest = this.source.digest;
      // A PUT sends everything from byte 0, so a failed one needs a fresh session, not a resume.
      await this.retrying(() => this.putWhole(digest), true);
      await this.reader.expectEnd();
      return digest;
    }
    while (this.offset < this.source.size) {
      await this.retrying(() => this.patchChunk(), false);
    }
    await this.reader.expectEnd();
    const digest = this.source.digest ?? this.computedDigest();
    await this.finish(digest);
    return digest;
  }

  private computedDigest(): string {
    const hasher = this.hasher as OffsetHasher;
    if (hasher.length !== this.source.size) {
      throw new SdkError('INTERNAL', `hashed ${hasher.length} of ${this.source.size} bytes`);
    }
    return hasher.digest();
  }

  /** Runs one step; a transient failure costs one retry, then the session is resumed or restarted. */
  private async retrying<T>(step: () => Promise<T>, restart: boolean): Promise<T> {
    for (;;) {
      try {
        const result = await step();
        this.failures = 0;
        return result;
      } catch (error) {
        const transient =
          isSdkError(error) &&
          (error.code === 'REGISTRY_UNREACHABLE' ||
            (error.code === 'NOT_FOUND' && this.location !== undefined));
        if (!transient || this.failures >= this.transport.maxRetries || this.options.signal?.aborted === true)
          throw error;
        this.failures++;
        await this.transport.pause(this.what, this.failures, error.code, undefined, this.options.signal);
        await this.resume(restart);
      }
    }
  }

  private async start(): Promise<void> {
    const response = await this.transport.request({
      method: 'POST',
      url: `/v2/${this.repository}/blobs/uploads/`,
      scopes: this.scopes,
      ok: [202],
      what: this.what,
      ...(this.options.signal === undefined ? {} : { signal: this.options.signal }),
    });
    await response.body?.cancel();
    this.location = locationOf(response, this.transport.resolve('/'), this.what);
    this.offset = 0;
    this.progress(0);
  }

  /** Asks the session where it stands; starts a new one when it is gone or `restart` is set. */
  private async resume(restart: boolean): Promise<void> {
    if (restart && this.location !== undefined) this.cancel(this.location);
    if (!restart && this.location !== undefined) {
      const response = await this.transport.request({
        method: 'GET',
        url: this.location,
        scopes: this.scopes,
        ok: [204, 404],
        what: `check the upload of ${this.what}`,
      });
      await response.body?.cancel();
      const end = rangeEnd(response);
      if (response.status === 204 && end !== undefined && end <= this.source.size) {
        this.location = locationOf(response, this.location, this.what);
        this.offset = end;
        this.progress(end);
        return;
      }
    }
    await this.start();
  }

  /** Best effort: the registry purges abandoned sessions anyway, this only frees them sooner. */
  private cancel(location: URL): void {
    this.transport
      .request({
        method: 'DELETE',
        url: location,
        scopes: this.scopes,
        ok: [204, 404],
        what: `cancel ${this.what}`,
        retry: false,
      })
      .then((r) => r.body?.cancel())
      .catch(() => undefined);
  }

  private progress(transferred: number): void {
    this.options.onProgress?.({ digest: this.source.digest, transferred, total: this.source.size });
  }

  /** Streams `[start, end)` of the source, hashing and reporting as the bytes leave. */
  private async *body(start: number, end: number): AsyncGenerator<Uint8Array> {
    let at = start;
    for await (const chunk of this.reader.range(start, end)) {
      this.hasher?.update(at, chunk);
      at += chunk.length;
      this.progress(at);
      yield chunk;
    }
  }

  private putWhole(digest: string): Promise<void> {
    const url = new URL(this.location as URL);
    url.searchParams.set('digest', digest);
    const size = this.source.size;
    return this.send('PUT', url, () => this.body(0, size), size, [201]).then(async (response) => {
      await response.body?.cancel();
      this.checkServerDigest(response, digest);
    });
  }

  private async patchChunk(): Promise<void> {
    const start = this.offset;
    const end = Math.min(start + this.chunkSize, this.source.size);
    const response = await this.send(
      'PATCH',
      this.location as URL,
      () => this.body(start, end),
      end - start,
      [202],
      {
        'content-range': `${start}-${end - 1}`,
      },
    );
    await response.body?.cancel();
    this.location = locationOf(response, this.location as URL, this.what);
    const confirmed = rangeEnd(response);
    this.offset = confirmed !== undefined && confirmed > start ? confirmed : end;
  }

  private async send(
    method: 'PUT' | 'PATCH',
    url: URL,
    body: () => AsyncIterable<Uint8Array>,
    length: number,
    ok: number[],
    extra: Record<string, string> = {},
  ): Promise<Response> {
    // retry: false because a failed transfer needs the session resumed, which retrying() does; the
    // body still reopens for the one replay after an auth challenge (an expired token mid-upload).
    return this.transport.request({
      method,
      url,
      headers: { 'content-type': 'application/octet-stream', ...extra },
      body: { open: body, length },
      scopes: this.scopes,
      ok,
      what: this.what,
      retry: false,
      ...(this.options.signal === undefined ? {} : { signal: this.options.signal }),
    });
  }

  private async finish(digest: string): Promise<void> {
    const url = new URL(this.location as URL);
    url.searchParams.set('digest', digest);
    try {
      const response = await this.transport.request({
        method: 'PUT',
        url,
        headers: { 'content-length': '0' },
        scopes: this.scopes,
        ok: [201],
        what: this.what,
      });
      await response.body?.cancel();
      this.checkServerDigest(response, digest);
    } catch (error) {
      // A retried PUT whose first try went through finds the session closed: the blob is there.
      if (
        isSdkError(error) &&
        error.code === 'NOT_FOUND' &&
        (await hasBlob(this.transport, this.repository, digest))
      ) {
        return;
      }
      throw error;
    }
  }

  private checkServerDigest(response: Response, digest: string): void {
    const server = response.headers.get('docker-content-digest');
    if (server !== null && server !== '' && server !== digest) {
      throw new SdkError('DIGEST_MISMATCH', `${this.what}: the registry stored it as ${server}`, {
        details: { expected: digest, actual: server },
      });
    }
  }
}
