/**
 * Blobs and uploads. Content is addressed by its sha256 and verified before it becomes visible:
 * bytes stream into `uploads/<id>/data` (hashed on the way, never held in memory), and finishing
 * an upload fsyncs the file and renames it to `blobs/sha256/<hex>` only when the digest matches.
 * A crash leaves at worst an upload folder (swept by `collectGarbage`), never a wrong blob.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { releaseBuffer } from './buffers.js';
import { RegistryError } from './errors.js';
import { isMissing, readOptional, syncDirectory } from './files.js';
import type { RegistryLayout } from './layout.js';
import { digestHex, requireUploadId } from './names.js';
import { uploadThread } from './upload-thread.js';
import { UploadWriter } from './upload-writer.js';

export interface BlobInfo {
  digest: string;
  size: number;
}

/** A chunk's place in the upload, from `Content-Range: <start>-<end>` (inclusive). */
export interface ChunkRange {
  start: number;
  end: number;
}

/**
 * Pulls are read and sent 1 MiB at a time (Distribution sends with sendfile(2)): of 512 KiB, 1,
 * 2, 4 and 8 MiB, 1 MiB gave the steadiest and lowest pull times against Distribution's at the
 * bench's load, at about the same CPU time (docs/benchmarks.md, registry).
 */
const READ_CHUNK_BYTES = 1024 * 1024;

interface UploadInfo {
  name: string;
  startedAt: string;
}

/** How an upload's body is handed over. */
export interface UploadBodyOptions {
  /**
   * The body is an HTTP request's that nothing else reads: its chunks are freed as soon as they
   * are written (upload-writer.ts). Never for buffers the caller still holds.
   */
  releaseChunks?: boolean;
}

export class BlobStore {
  readonly #layout: RegistryLayout;
  /** Uploads receiving a chunk right now: a second concurrent chunk is refused, not interleaved. */
  readonly #busy = new Set<string>();

  constructor(layout: RegistryLayout) {
    this.#layout = layout;
  }

  /** The blob's size when it exists and belongs to repository `name`; undefined otherwise. */
  async stat(name: string, digest: string): Promise<BlobInfo | undefined> {
    const hex = digestHex(digest);
    try {
      await stat(this.#layout.blobLink(name, hex));
      const info = await stat(this.#layout.blob(hex));
      return { digest, size: info.size };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** Like `stat`, but BLOB_UNKNOWN when absent. */
  async require(name: string, digest: string): Promise<BlobInfo> {
    const info = await this.stat(name, digest);
    if (info === undefined)
      throw new RegistryError('BLOB_UNKNOWN', `blob ${digest} is not in ${name}`, { detail: { digest } });
    return info;
  }

  /**
   * Writes the blob (or the inclusive byte range of it) to `out`, which it does not end. Reads
   * alternate between two reused buffers, each refilled only once its last write has completed:
   * a fresh buffer per chunk (what a ReadStream does) makes the platform's large heap run a full
   * GC every few chunks, which made GiB pulls 2–3× slower than Distribution (docs/benchmarks.md).
   * The buffers are no larger than the bytes to send and are freed as soon as the last write has
   * completed: two 4 MiB buffers (the size then) left to the garbage collector on every request
   * (most are small blobs) forced a full collection every few requests, ~30 ms of CPU per GET at
   * the bench's load.
   */
  async send(digest: string, out: Writable, range?: ChunkRange): Promise<void> {
    const handle = await open(this.#layout.blob(digestHex(digest)), 'r');
    try {
      const end = range?.end ?? (await handle.stat()).size - 1;
      let position = range?.start ?? 0;
      const total = Math.max(end - position + 1, 0);
      const size = Math.min(READ_CHUNK_BYTES, total);
      // The second buffer only when one read does not cover it all.
      const buffers = [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(total > size ? size : 0)];
      let writing: Promise<void> = Promise.resolve();
      for (let turn = 0; position <= end; turn ^= 1) {
        const buffer = buffers[turn]!;
        const wanted = Math.min(buffer.length, end - position + 1);
        const { bytesRead } = await handle.read(buffer, 0, wanted, position);
        if (bytesRead === 0) throw new Error(`blob ${digest} ended at ${position}, before ${end + 1}`);
        position += bytesRead;
        await writing;
        writing = writeChunk(out, buffer.subarray(0, bytesRead));
        // Awaited on the next turn; until then a rejection (receiver gone) must not count as unhandled.
        writing.catch(() => undefined);
      }
      await writing;
      // Only here: after a failed write the socket may still hold a buffer, so the GC frees it.
      for (const buffer of buffers) releaseBuffer(buffer);
    } finally {
      await handle.close();
    }
  }

  /** Reads a small blob whole (manifests only; they are size-limited before they are stored). */
  async read(digest: string): Promise<Buffer> {
    return readFile(this.#layout.blob(digestHex(digest)));
  }

  /** Makes an existing blob part of `name` (cross-repository mount, manifests written as blobs). */
  async link(name: string, digest: string): Promise<void> {
    const path = this.#layout.blobLink(name, digestHex(digest));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, '');
  }

  /** Mounts `digest` from `from` into `name`; false when `from` does not have it (the caller then starts an upload). */
  async mount(name: string, from: string, digest: string): Promise<boolean> {
    if ((await this.stat(from, digest)) === undefined) return false;
    await this.link(name, digest);
    return true;
  }

  /** Removes the blob from `name`; its bytes stay until garbage collection finds nothing using them. */
  async unlink(name: string, digest: string): Promise<void> {
    await this.require(name, digest);
    await rm(this.#layout.blobLink(name, digestHex(digest)), { force: true });
  }

  /** Stores small content (a manifest) under its digest, crash-safely. */
  async putBytes(name: string, bytes: Buffer): Promise<BlobInfo> {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const path = this.#layout.blob(digestHex(digest));
    if (!(await exists(path))) {
      await mkdir(dirname(path), { recursive: true });
      const temp = this.#layout.temp(path, randomUUID());
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    }
    await this.link(name, digest);
    return { digest, size: bytes.length };
  }

  async startUpload(name: string): Promise<string> {
    const id = randomUUID();
    const dir = this.#layout.upload(id);
    await mkdir(dir, { recursive: true });
    const info: UploadInfo = { name, startedAt: new Date().toISOString() };
    await writeFile(`${dir}/info`, JSON.stringify(info));
    await writeFile(`${dir}/data`, '');
    return id;
  }

  /** Bytes received so far (the spec's `Range: 0-<offset-1>`). BLOB_UPLOAD_UNKNOWN for another repository's upload. */
  async uploadOffset(name: string, id: string): Promise<number> {
    await this.#requireUpload(name, id);
    return (await stat(this.#dataPath(id))).size;
  }

  /**
   * Appends a chunk. With `range`, its start must be the current offset (else RANGE_INVALID with
   * the offset, so the client resumes from there) and the bytes received must fill it exactly. A
   * chunk that fails half-way is cut off again, so the upload stays at its last whole chunk.
   */
  async append(
    name: string,
    id: string,
    body: Readable,
    range?: ChunkRange,
    options: UploadBodyOptions = {},
  ): Promise<number> {
    await this.#requireUpload(name, id);
    if (this.#busy.has(id))
      throw new RegistryError('BLOB_UPLOAD_INVALID', `upload ${id} is receiving another chunk`);
    this.#busy.add(id);
    try {
      const path = this.#dataPath(id);
      const offset = (await stat(path)).size;
      if (range !== undefined && (range.start !== offset || range.end < range.start)) {
        throw new RegistryError(
          'RANGE_INVALID',
          `chunk ${range.start}-${range.end} does not continue the upload at ${offset}`,
          {
            headers: { Range: rangeHeader(offset), 'Docker-Upload-UUID': id },
          },
        );
      }
      const file = await open(path, 'a');
      const releaseChunks = options.releaseChunks === true;
      const writer = new UploadWriter(file, { upload: id, offset, releaseChunks });
      try {
        try {
          await pipeline(body, writer);
        } finally {
          // No write or flush may meet a closed (or reused) descriptor, whatever ended the pipeline.
          await writer.settled();
          writer.release();
          await file.close();
        }
        if (range !== undefined && writer.received !== range.end - range.start + 1) {
          throw new RegistryError(
            'RANGE_INVALID',
            `chunk ${range.start}-${range.end} carried ${writer.received} bytes`,
            {
              headers: { Range: rangeHeader(offset), 'Docker-Upload-UUID': id },
            },
          );
        }
      } catch (error) {
        // The cut-off bytes may have been hashed: the upload is hashed from its file at the end.
        uploadThread.drop(id);
        await truncate(path, offset);
        throw error;
      }
      return offset + writer.received;
    } finally {
      this.#busy.delete(id);
    }
  }

  /**
   * Finishes an upload (after an optional last chunk): verifies the digest, then makes the blob
   * durable before it becomes visible: one fsync of the data, a rename into the blob store and an
   * fsync of the folder that now names it (as Distribution's commit fsyncs its data, with the
   * rename made durable too), then links it into the repository. DIGEST_INVALID on a mismatch,
   * and the upload is discarded.
   */
  async finishUpload(
    name: string,
    id: string,
    digest: string,
    body?: Readable,
    range?: ChunkRange,
    options: UploadBodyOptions = {},
  ): Promise<BlobInfo> {
    const hex = digestHex(digest);
    if (body !== undefined) await this.append(name, id, body, range, options);
    else await this.#requireUpload(name, id);
    const path = this.#dataPath(id);
    const size = (await stat(path)).size;
    const actual = (await uploadThread.digest(id, size)) ?? (await hashFile(path));
    if (actual !== hex) {
      await this.cancelUpload(name, id);
      throw new RegistryError('DIGEST_INVALID', `the upload's content is sha256:${actual}, not ${digest}`, {
        detail: { expected: digest, actual: `sha256:${actual}` },
      });
    }
    const target = this.#layout.blob(hex);
    if (await exists(target)) {
      await rm(this.#layout.upload(id), { recursive: true, force: true });
    } else {
      const handle = await open(path, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await mkdir(dirname(target), { recursive: true });
      await rename(path, target);
      await syncDirectory(dirname(target));
      await rm(this.#layout.upload(id), { recursive: true, force: true });
    }
    await this.link(name, digest);
    return { digest, size };
  }

  async cancelUpload(name: string, id: string): Promise<void> {
    await this.#requireUpload(name, id);
    uploadThread.drop(id);
    await rm(this.#layout.upload(id), { recursive: true, force: true });
  }

  /** Streams a whole blob in one request (`POST …/uploads/?digest=`). */
  async putMonolithic(
    name: string,
    digest: string,
    body: Readable,
    options: UploadBodyOptions = {},
  ): Promise<BlobInfo> {
    digestHex(digest);
    const id = await this.startUpload(name);
    return this.finishUpload(name, id, digest, body, undefined, options);
  }

  #dataPath(id: string): string {
    return `${this.#layout.upload(id)}/data`;
  }

  async #requireUpload(name: string, id: string): Promise<void> {
    requireUploadId(id);
    const text = await readOptional(`${this.#layout.upload(id)}/info`);
    const info = text === undefined ? undefined : (JSON.parse(text) as UploadInfo);
    if (info?.name !== name) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', `no upload ${id} in ${name}`);
  }
}

/** The spec's `Range` header for an upload at `offset` bytes (`0-<offset-1>`; `0-0` when empty, as Distribution sends). */
export function rangeHeader(offset: number): string {
  return `0-${Math.max(offset - 1, 0)}`;
}

/** Resolves once `out` has handed `chunk` on (so its buffer may be reused); rejects if `out` closes first. */
function writeChunk(out: Writable, chunk: Buffer): Promise<void> {
  if (out.destroyed || out.writableEnded) return Promise.reject(new Error('the receiver closed'));
  return new Promise((resolve, reject) => {
    const closed = () => reject(new Error('the receiver closed'));
    out.once('close', closed);
    out.write(chunk, (error) => {
      out.off('close', closed);
      if (error) reject(error);
      else resolve();
    });
  });
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}
