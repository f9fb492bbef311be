/**
 * The upload thread: hashes an upload's bytes and appends them to its file, off the main thread.
 *
 * Runs inside a worker thread (upload-thread.ts starts it). Each message carries one filled
 * batch buffer (transferred, not copied), which goes back to the sender once written. Messages
 * are handled in order, so an upload's batches are hashed and written in the order sent, and a
 * digest request sees every batch sent before it. It imports nothing but Node's modules: the
 * tests start it from this TypeScript source (Node strips the types), the server from dist/.
 *
 * An upload's running hash is kept while its bytes arrive in order from its first byte, across
 * requests (chunked uploads); a batch that does not continue it where it ended (a chunk that
 * failed half-way and was cut off, a thread that restarted) drops it for good, and the upload is
 * then hashed from its file when it finishes.
 */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';

export type UploadThreadRequest =
  | {
      op: 'write';
      seq: number;
      upload: string;
      /** The upload's file, opened for appending by the main thread and kept open until the reply. */
      fd: number;
      buffer: ArrayBuffer;
      length: number;
      /** Where in the upload the batch starts. */
      at: number;
    }
  | { op: 'digest'; seq: number; upload: string; size: number }
  | { op: 'drop'; upload: string };

export interface UploadThreadReply {
  seq: number;
  /** `write`: the batch buffer, handed back. */
  buffer?: ArrayBuffer;
  /** `digest`: the hex SHA-256 of the upload's `size` bytes; absent when its hash does not cover exactly them. */
  hex?: string;
  error?: { message: string; code?: string };
}

interface RunningHash {
  hash: Hash;
  /** Bytes hashed so far: the upload's first `hashed` bytes. */
  hashed: number;
}

const hashes = new Map<string, RunningHash>();

/**
 * A batch is hashed and written this much at a time, so the bytes the hash has just read are
 * still in the CPU's cache when the kernel copies them into the page cache: 4 MiB writes cost
 * ~1.0–1.5 s of kernel time per GiB here, 256 KiB writes ~0.2 s (docs/benchmarks.md, registry).
 */
const PIECE_BYTES = 256 * 1024;

/** Hashes (when `running`) and appends `bytes` to `fd`, piece by piece. */
function hashAndWrite(fd: number, bytes: Uint8Array, running: RunningHash | undefined): void {
  for (let start = 0; start < bytes.length; start += PIECE_BYTES) {
    const piece = bytes.subarray(start, Math.min(start + PIECE_BYTES, bytes.length));
    running?.hash.update(piece);
    // A short write (rare on files) continues where it stopped; the file appends.
    let offset = 0;
    while (offset < piece.length) offset += writeSync(fd, piece, offset, piece.length - offset);
  }
  if (running !== undefined) running.hashed += bytes.length;
}

function handle(request: UploadThreadRequest): UploadThreadReply | undefined {
  switch (request.op) {
    case 'write': {
      const bytes = new Uint8Array(request.buffer, 0, request.length);
      let running = hashes.get(request.upload);
      if (running === undefined && request.at === 0)
        hashes.set(request.upload, (running = { hash: createHash('sha256'), hashed: 0 }));
      if (running !== undefined && running.hashed !== request.at) {
        hashes.delete(request.upload);
        running = undefined;
      }
      try {
        hashAndWrite(request.fd, bytes, running);
      } catch (error) {
        // Bytes hashed but perhaps not written: the upload is hashed from its file at the end.
        hashes.delete(request.upload);
        const { message, code } = error as NodeJS.ErrnoException;
        return { seq: request.seq, buffer: request.buffer, error: { message, code } };
      }
      return { seq: request.seq, buffer: request.buffer };
    }
    case 'digest': {
      const running = hashes.get(request.upload);
      hashes.delete(request.upload);
      const hex = running?.hashed === request.size ? running.hash.digest('hex') : undefined;
      return { seq: request.seq, hex };
    }
    case 'drop':
      hashes.delete(request.upload);
      return undefined;
  }
}

parentPort?.on('message', (request: UploadThreadRequest) => {
  const reply = handle(request);
  if (reply !== undefined) parentPort?.postMessage(reply, reply.buffer === undefined ? [] : [reply.buffer]);
});
