/**
 * Byte plumbing for fetching: reading exact lengths out of a chunked stream (the tar reader needs
 * 512-byte headers while the network hands out arbitrary chunks), batched file writes (one write
 * per network chunk would mean tens of thousands of thread-pool round trips per GiB), gunzip as an
 * async iterable, and copying a stream into a file while passing it on.
 */
import type { FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

/** Exact-length reads over an async iterable of chunks; slices, never copies file content. */
export class ByteReader {
  private readonly iterator: AsyncIterator<Buffer>;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  private async fill(wanted: number): Promise<void> {
    while (this.buffered < wanted && !this.ended) {
      const next = await this.iterator.next();
      if (next.done === true) {
        this.ended = true;
        break;
      }
      if (next.value.length === 0) continue;
      this.chunks.push(next.value);
      this.buffered += next.value.length;
    }
  }

  private take(length: number): Buffer {
    const head = this.chunks[0] as Buffer;
    if (head.length <= length) {
      this.chunks.shift();
      this.buffered -= head.length;
      return head;
    }
    this.chunks[0] = head.subarray(length);
    this.buffered -= length;
    return head.subarray(0, length);
  }

  /** Exactly `length` bytes; undefined at a clean end (nothing left), a short Buffer when truncated. */
  async read(length: number): Promise<Buffer | undefined> {
    await this.fill(length);
    if (this.buffered === 0) return undefined;
    const parts: Buffer[] = [];
    let got = 0;
    while (got < length && this.buffered > 0) {
      const part = this.take(length - got);
      parts.push(part);
      got += part.length;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, got);
  }

  /** Yields exactly `length` bytes as they arrive; throws `truncated()` if the source ends first. */
  async *stream(length: number, truncated: () => Error): AsyncGenerator<Buffer> {
    let left = length;
    while (left > 0) {
      if (this.buffered === 0) await this.fill(1);
      if (this.buffered === 0) throw truncated();
      const part = this.take(left);
      left -= part.length;
      yield part;
    }
  }

  async skip(length: number, truncated: () => Error): Promise<void> {
    for await (const part of this.stream(length, truncated)) void part;
  }

  /** Gives the source up (its `return()`), so a generator under it runs its cleanup. */
  async close(): Promise<void> {
    this.chunks = [];
    this.buffered = 0;
    this.ended = true;
    await this.iterator.return?.().catch(() => undefined);
  }

  /** Reads to the end (so a verifying source gets to check its digest); returns the bytes seen. */
  async drain(): Promise<number> {
    let seen = this.buffered;
    this.chunks = [];
    this.buffered = 0;
    for (;;) {
      const next = await this.iterator.next();
      if (next.done === true) break;
      seen += next.value.length;
    }
    this.ended = true;
    return seen;
  }
}

async function writeAll(handle: FileHandle, buffers: Buffer[]): Promise<void> {
  let pending = buffers;
  while (pending.length > 0) {
    const total = pending.reduce((sum, b) => sum + b.length, 0);
    const { bytesWritten } = await handle.writev(pending);
    if (bytesWritten >= total) return;
    // A short write: keep what is left, from the first unwritten byte on.
    let skip = bytesWritten;
    const rest: Buffer[] = [];
    for (const buffer of pending) {
      if (skip >= buffer.length) {
        skip -= buffer.length;
        continue;
      }
      rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
      skip = 0;
    }
    pending = rest;
  }
}

/**
 * Gathers chunks into writes of about `batchBytes`, with one write in flight while the next batch
 * fills. Chunks must not be reused by their producer (network and zlib chunks are not).
 */
export class BatchedFileWriter {
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private inFlight: Promise<void> = Promise.resolve();
  bytes = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly batchBytesTarget = 1 << 20,
  ) {}

  async write(chunk: Buffer): Promise<void> {
    this.batch.push(chunk);
    this.batchBytes += chunk.length;
    this.bytes += chunk.length;
    if (this.batchBytes >= this.batchBytesTarget) await this.flush();
  }

  private async flush(): Promise<void> {
    await this.inFlight;
    if (this.batchBytes === 0) return;
    const buffers = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    const writing = writeAll(this.handle, buffers);
    // Awaited by the next flush or close; the handler only keeps Node from calling it unhandled.
    writing.catch(() => undefined);
    this.inFlight = writing;
  }

  /** Writes what is left and closes the file. */
  async close(): Promise<void> {
    try {
      await this.flush();
      await this.inFlight;
    } finally {
      await this.handle.close();
    }
  }

  /** Closes without caring about pending writes (the file is about to be deleted). */
  async abort(): Promise<void> {
    await this.inFlight.catch(() => undefined);
    await this.handle.close().catch(() => undefined);
  }
}

/** Passes `source` on unchanged while writing a copy of it through `writer`. */
export async function* teeToFile(
  source: AsyncIterable<Buffer>,
  writer: BatchedFileWriter,
): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    await writer.write(chunk);
    yield chunk;
  }
}

/**
 * Gunzips an async iterable of chunks (multi-member streams too, as zlib does; zero padding after
 * the last member is ignored, anything else after it is an error).
 */
export async function* gunzip(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const inflate = createGunzip({ chunkSize: 256 * 1024 });
  // The feeder runs beside the reader below; a failure on either side tears both down. A zlib
  // stream that fails (corrupt data) never calls back the write in progress, so the wait ends on
  // `close` too: without that the feeder, and whoever waits for it, would wait forever.
  const feeder = (async () => {
    for await (const chunk of source) {
      await new Promise<void>((done, fail) => {
        const closed = (): void => fail(inflate.errored ?? new Error('the gzip stream was closed'));
        inflate.once('close', closed);
        inflate.write(chunk, (error) => {
          inflate.off('close', closed);
          if (error) fail(error);
          else done();
        });
      });
    }
    inflate.end();
  })();
  feeder.catch((error: unknown) =>
    inflate.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  try {
    for await (const out of inflate as AsyncIterable<Buffer>) yield out;
    await feeder;
  } finally {
    inflate.destroy();
    await feeder.catch(() => undefined);
  }
}
