/**
 * The one stage an upload's bytes pass through on their way to `uploads/<id>/data` (blobs.ts).
 */
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { releaseArrayBuffer, releaseBuffer } from './buffers.js';
import { uploadThread } from './upload-thread.js';

/**
 * While an upload arrives, its data is flushed to disk (fdatasync, one at a time, not awaited)
 * every this many bytes, so the disk writes back while the network is still receiving and the
 * fsync that finishes the upload waits for the last few MiB instead of the whole GiB (it took
 * ~0.9 s of a 1 GiB push here; docs/benchmarks.md, registry).
 */
const FLUSH_EVERY_BYTES = 64 * 1024 * 1024;

/** Bytes gathered before one write: 64× fewer hand-overs than the socket's 64 KiB chunks. */
const BATCH_BYTES = 4 * 1024 * 1024;

/** Batches one upload may have at once (one filling, the others with the upload thread). */
const MAX_BATCHES = 3;

export interface UploadWriterOptions {
  /** The upload's id: its running hash in the upload thread. */
  upload: string;
  /** Where in the upload the body's first byte goes (the file's size when the body starts). */
  offset: number;
  /**
   * The body's chunks are this writer's alone (an HTTP request's, which Node's parser copies into
   * a Buffer per piece): each is freed (`releaseBuffer`) once copied, so a GiB upload leaves no
   * garbage behind. Never for a stream of buffers someone else still holds.
   */
  releaseChunks: boolean;
}

/**
 * Counts the bytes and copies them into 4 MiB batch buffers, each handed (transferred, not
 * copied) to the upload thread, which hashes it and appends it to the file in order while the
 * next one fills; every FLUSH_EVERY_BYTES a background fdatasync. A write per socket chunk (a
 * thread-pool round trip per 64 KiB) and hashing on the main thread cost ~2 s of its CPU per GiB
 * (docs/benchmarks.md, registry). It does not close the file: the caller does, after `settled()`.
 */
export class UploadWriter extends Writable {
  received = 0;
  readonly #file: FileHandle;
  readonly #options: UploadWriterOptions;
  /** Batch buffers not with the upload thread. */
  readonly #free: ArrayBuffer[] = [];
  #allocated = 0;
  /** The batch being filled. */
  #current: Buffer | undefined;
  #filled = 0;
  /** Bytes handed to the upload thread so far. */
  #handed = 0;
  /** Batches with the upload thread, oldest first; each puts its buffer back in `#free`. */
  readonly #inFlight: Promise<void>[] = [];
  #written = 0;
  #flushedAt = 0;
  #flushing: Promise<void> = Promise.resolve();

  constructor(file: FileHandle, options: UploadWriterOptions) {
    super();
    this.#file = file;
    this.#options = options;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.received += chunk.length;
    this.#take(chunk).then(() => {
      if (this.#options.releaseChunks) releaseBuffer(chunk);
      callback();
    }, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#hand();
    Promise.all(this.#inFlight).then(() => callback(), callback);
  }

  /** Every write and flush started has ended (successfully or not). */
  async settled(): Promise<void> {
    await Promise.allSettled(this.#inFlight);
    await this.#flushing;
  }

  /** Frees the batch buffers now rather than at the next full collection; only once `settled()`. */
  release(): void {
    for (const buffer of this.#free.splice(0)) releaseArrayBuffer(buffer);
    if (this.#current !== undefined) releaseBuffer(this.#current);
    this.#current = undefined;
  }

  async #take(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      this.#current ??= await this.#nextBuffer();
      const n = Math.min(chunk.length - offset, BATCH_BYTES - this.#filled);
      chunk.copy(this.#current, this.#filled, offset, offset + n);
      this.#filled += n;
      offset += n;
      if (this.#filled === BATCH_BYTES) this.#hand();
    }
  }

  /** A free batch buffer: a returned one, a new one up to MAX_BATCHES, else the oldest batch's once written. */
  async #nextBuffer(): Promise<Buffer> {
    while (this.#free.length === 0 && this.#allocated >= MAX_BATCHES && this.#inFlight.length > 0)
      await this.#inFlight.shift();
    const free = this.#free.pop();
    if (free !== undefined) return Buffer.from(free);
    this.#allocated++;
    return Buffer.allocUnsafeSlow(BATCH_BYTES);
  }

  /** Hands the filled part of the current batch to the upload thread. */
  #hand(): void {
    const batch = this.#current;
    const length = this.#filled;
    if (batch === undefined || length === 0) return;
    this.#current = undefined;
    this.#filled = 0;
    const at = this.#options.offset + this.#handed;
    this.#handed += length;
    const { upload } = this.#options;
    const written = uploadThread
      .write(upload, this.#file.fd, batch.buffer as ArrayBuffer, length, at)
      .then((buffer) => {
        this.#free.push(buffer);
        this.#wrote(length);
      });
    // Awaited when its buffer is needed, at the end or by settled(); never an unhandled rejection.
    written.catch(() => undefined);
    this.#inFlight.push(written);
  }

  #wrote(bytes: number): void {
    this.#written += bytes;
    if (this.#written - this.#flushedAt >= FLUSH_EVERY_BYTES) {
      this.#flushedAt = this.#written;
      // A failed early flush is not an error: finishing the upload fsyncs (and reports) anyway.
      this.#flushing = this.#flushing.then(() => this.#file.datasync().catch(() => undefined));
    }
  }
}
