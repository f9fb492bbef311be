/**
 * Where blob bytes come from when pushing. A source can be opened again (so an upload can be
 * retried) and optionally read from an offset (so a failed chunk is re-sent without re-reading
 * everything before it).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { SdkError } from '../errors.js';

/** Bytes to push: reopenable, with a known size and, when known, their digest. */
export interface BlobSource {
  /** A fresh stream of the whole content, each time it is called. */
  open(): Readable;
  /** A fresh stream of bytes `[start, end)`; optional, saves re-reading on retries. */
  openRange?(start: number, end: number): Readable;
  size: number;
  /** When given, an existing blob is detected with HEAD and nothing is sent. */
  digest?: string;
}

/** A source over bytes in memory (manifests' config, small referrer payloads). */
export function bufferBlobSource(bytes: Uint8Array, digest?: string): BlobSource {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const source: BlobSource = {
    open: () => Readable.from([buffer], { objectMode: false }),
    openRange: (start, end) => Readable.from([buffer.subarray(start, end)], { objectMode: false }),
    size: buffer.length,
  };
  if (digest !== undefined) source.digest = digest;
  return source;
}

/**
 * Read size for file sources. fs streams default to 64 KiB: a 1 GiB layer then crosses the upload
 * pipeline (range reader, hashing generator, fetch) as 16,384 chunks, and the per-chunk
 * allocations and async hops cost more CPU than hashing and sending the bytes. 1 MiB chunks keep
 * memory small (a few chunks in flight) and the per-chunk cost negligible.
 */
export const FILE_READ_CHUNK = 1024 * 1024;

/** A source over a file; its size is read now, its bytes only when the upload needs them. */
export async function fileBlobSource(path: string, digest?: string): Promise<BlobSource> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new SdkError('IO_ERROR', `cannot read ${path}`, { cause: error });
  }
  const source: BlobSource = {
    open: () => createReadStream(path, { highWaterMark: FILE_READ_CHUNK }),
    // fs streams take an inclusive end; an empty range is an empty stream.
    openRange: (start, end) =>
      end > start
        ? createReadStream(path, { start, end: end - 1, highWaterMark: FILE_READ_CHUNK })
        : Readable.from([]),
    size,
  };
  if (digest !== undefined) source.digest = digest;
  return source;
}

/**
 * Reads a source in consecutive ranges over one open stream, and reopens (from the offset when
 * the source can, else from the start, skipping) only when a range does not follow the last one.
 */
export class SequentialReader {
  private readonly source: BlobSource;
  private iterator: AsyncIterator<unknown> | undefined;
  private stream: Readable | undefined;
  private leftover: Buffer | undefined;
  private position = 0;
  private generation = 0;
  private clean = false;

  constructor(source: BlobSource) {
    this.source = source;
  }

  private reset(start: number): void {
    this.close();
    this.leftover = undefined;
    if (this.source.openRange !== undefined && start > 0) {
      this.stream = this.source.openRange(start, this.source.size);
      this.position = start;
    } else {
      this.stream = this.source.open();
      this.position = 0;
    }
    this.iterator = this.stream[Symbol.asyncIterator]();
  }

  private async next(): Promise<Buffer | undefined> {
    const pending = this.leftover;
    if (pending !== undefined) {
      this.leftover = undefined;
      return pending;
    }
    const result = await this.iterator?.next();
    if (result === undefined || result.done === true) return undefined;
    const value = result.value;
    if (typeof value === 'string') return Buffer.from(value);
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    throw new SdkError('IO_ERROR', 'blob source yielded something other than bytes');
  }

  /** Yields exactly the bytes `[start, end)`; fails with IO_ERROR when the source is shorter. */
  async *range(start: number, end: number): AsyncGenerator<Buffer> {
    // A range abandoned half-way (a failed request) leaves the stream mid-chunk: start over.
    if (!this.clean || this.iterator === undefined || start !== this.position) this.reset(start);
    const generation = ++this.generation;
    this.clean = false;
    while (this.position < start) {
      const chunk = await this.next();
      if (chunk === undefined) throw this.short();
      const skip = Math.min(chunk.length, start - this.position);
      this.position += skip;
      if (skip < chunk.length) this.leftover = chunk.subarray(skip);
    }
    while (this.position < end) {
      const chunk = await this.next();
      if (generation !== this.generation) return;
      if (chunk === undefined) throw this.short();
      const take = Math.min(chunk.length, end - this.position);
      if (take < chunk.length) this.leftover = chunk.subarray(take);
      this.position += take;
      yield chunk.subarray(0, take);
    }
    this.clean = true;
  }

  /** Fails with IO_ERROR when the source has bytes past its declared size. */
  async expectEnd(): Promise<void> {
    if (!this.clean || this.position !== this.source.size) return;
    const extra = await this.next();
    if (extra !== undefined && extra.length > 0) {
      throw new SdkError('IO_ERROR', `blob source has more bytes than its declared size ${this.source.size}`);
    }
  }

  private short(): SdkError {
    return new SdkError(
      'IO_ERROR',
      `blob source ended at byte ${this.position} but declared size ${this.source.size}`,
    );
  }

  close(): void {
    this.stream?.destroy();
    this.stream = undefined;
    this.iterator = undefined;
    this.clean = false;
  }
}
