/**
 * Deterministic gzip and the "is this worth compressing?" check.
 *
 * zlib's own gzip wrapper writes an OS byte that depends on the platform zlib was built for (3 on
 * Unix, 10 on Windows builds of older zlib), so we write the 10-byte header and the CRC32/ISIZE
 * trailer ourselves around a raw deflate stream: mtime 0, no name, XFL 0, OS 255 ("unknown", as
 * Go's compress/gzip writes). The deflate bytes themselves depend only on the input, the level and
 * the zlib build (Node bundles its own), not on how the input is split into chunks.
 */
import { constants, crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';

/** Fixed compression level of gzip layers; changing it changes every gzip layer digest. */
export const GZIP_LEVEL = 6;

/** Header of every gzip stream we write. */
export const GZIP_HEADER: Readonly<Buffer> = Buffer.from([
  0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff,
]);

function trailer(crc: number, length: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeUInt32LE(crc >>> 0, 0);
  out.writeUInt32LE(length % 0x1_0000_0000, 4);
  return out;
}

/**
 * Compresses a byte stream into gzip with fixed header fields; the output is a function of the
 * input bytes alone (for one zlib build). A chunk of the source is consumed by the time the chunk
 * after next is asked for, so a source may reuse its buffer from then on (as readFileChunks does).
 *
 * @example
 * await pipeline(tarStream(entries), gzipDeterministic, hashingWriter);
 */
export async function* gzipDeterministic(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<Buffer, void, undefined> {
  const deflate = createDeflateRaw({
    level: GZIP_LEVEL,
    memLevel: 8,
    windowBits: 15,
    strategy: constants.Z_DEFAULT_STRATEGY,
    chunkSize: 256 * 1024,
  });
  let crc = 0;
  let length = 0;
  // The feeder runs beside the reader below; a failure on either side tears both down.
  const feeder = (async () => {
    let previous: Promise<void> | undefined;
    for await (const chunk of source) {
      crc = crc32(chunk, crc);
      length += chunk.length;
      const written = new Promise<void>((done, fail) => {
        deflate.write(chunk, (error) => (error ? fail(error) : done()));
      });
      written.catch(() => undefined); // awaited below, or failed by destroy() when torn down
      // One chunk compresses while the source makes the next (the tar writer frames and reads
      // while zlib works on its thread); waiting for each chunk to be consumed before asking for
      // the one after next (not just for 'drain') lets the source reuse a buffer from then on.
      // destroy() fails pending callbacks, so this cannot hang once the reader below gives up.
      await previous;
      previous = written;
    }
    await previous;
    deflate.end();
  })();
  feeder.catch((error: unknown) =>
    deflate.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  try {
    yield Buffer.from(GZIP_HEADER);
    for await (const out of deflate as AsyncIterable<Buffer>) yield out;
    await feeder;
  } finally {
    deflate.destroy();
    await feeder.catch(() => undefined);
  }
  yield trailer(crc, length);
}

/** Result of sampling a layer's content. */
export interface CompressibilitySample {
  sampledBytes: number;
  compressedBytes: number;
  /** compressedBytes / sampledBytes (1 when nothing was sampled). */
  ratio: number;
}

/**
 * Compressed size over raw size of the samples, at the fastest deflate level, which tracks what
 * level 6 would do closely enough to decide "compress or not" at a fraction of its cost.
 */
export function measureCompressibility(samples: Iterable<Uint8Array>): CompressibilitySample {
  let sampledBytes = 0;
  let compressedBytes = 0;
  for (const sample of samples) {
    if (sample.length === 0) continue;
    sampledBytes += sample.length;
    compressedBytes += deflateRawSync(sample, { level: 1 }).length;
  }
  return { sampledBytes, compressedBytes, ratio: sampledBytes === 0 ? 1 : compressedBytes / sampledBytes };
}

/** Compress only when the sample shrinks by at least this fraction. */
export const MIN_COMPRESSION_SAVING = 0.1;

/** The policy: gzip when the sample saves at least 10%, or when there is no content to sample. */
export function worthCompressing(sample: CompressibilitySample): boolean {
  return sample.sampledBytes === 0 || sample.ratio <= 1 - MIN_COMPRESSION_SAVING;
}
