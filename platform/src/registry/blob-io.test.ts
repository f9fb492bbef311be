import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { releaseArrayBuffer, releaseBuffer } from './buffers.js';
import { Registry } from './registry.js';
import { uploadThread, UploadWriteError } from './upload-thread.js';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const digestOf = (bytes: Buffer): string => `sha256:${sha256(bytes)}`;

let root: string;
let registry: Registry;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'registry-io-'));
  registry = new Registry(root);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every chunk in its own ArrayBuffer, as Node's HTTP parser hands a request body over. */
function ownedChunks(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    const piece = bytes.subarray(at, at + size);
    const chunk = Buffer.allocUnsafeSlow(piece.length);
    piece.copy(chunk);
    chunks.push(chunk);
  }
  return chunks;
}

function collector(): { out: Writable; received: () => Buffer } {
  const parts: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      parts.push(Buffer.from(chunk));
      callback();
    },
  });
  return { out, received: () => Buffer.concat(parts) };
}

describe('releaseBuffer', () => {
  it('frees a buffer that is all of its ArrayBuffer, and never a slice or a pooled buffer', () => {
    const whole = Buffer.allocUnsafeSlow(1024).fill(1);
    releaseBuffer(whole);
    expect(whole.length).toBe(0);
    expect(whole.buffer.byteLength).toBe(0);

    const parent = Buffer.alloc(1024, 2);
    const slice = parent.subarray(0, 512);
    releaseBuffer(slice);
    expect(slice.length).toBe(512);
    expect(parent.every((b) => b === 2)).toBe(true);

    // Small unsafe buffers share Node's pool with other, unrelated buffers.
    const pooled = Buffer.allocUnsafe(100).fill(3);
    const neighbour = Buffer.allocUnsafe(100).fill(4);
    releaseBuffer(pooled);
    expect(pooled.length).toBe(100);
    expect(neighbour.every((b) => b === 4)).toBe(true);

    const array = new ArrayBuffer(16);
    releaseArrayBuffer(array);
    releaseArrayBuffer(array);
    expect(array.detached).toBe(true);
  });
});

describe('the upload thread', () => {
  it('appends batches in order and hashes them while they continue the upload from its first byte', async () => {
    const path = join(root, 'data');
    const file = await open(path, 'a');
    const bytes = randomBytes(3 * 1024 * 1024 + 5);
    const parts = [bytes.subarray(0, 1024 * 1024 + 1), bytes.subarray(1024 * 1024 + 1)];
    try {
      let at = 0;
      for (const part of parts) {
        const batch = Buffer.allocUnsafeSlow(part.length);
        part.copy(batch);
        const back = await uploadThread.write('upload-a', file.fd, batch.buffer, part.length, at);
        // The batch comes back whole, ready to be refilled.
        expect(back.byteLength).toBe(part.length);
        at += part.length;
      }
    } finally {
      await file.close();
    }
    expect((await readFile(path)).equals(bytes)).toBe(true);
    // Asked for other bytes than it hashed, it says so (the caller then hashes the file).
    expect(await uploadThread.digest('upload-a', bytes.length - 1)).toBeUndefined();

    const again = await open(join(root, 'again'), 'a');
    try {
      const batch = Buffer.from(bytes);
      await uploadThread.write('upload-b', again.fd, batch.buffer, bytes.length, 0);
      expect(await uploadThread.digest('upload-b', bytes.length)).toBe(sha256(bytes));
      // Digested once: the hash is gone.
      expect(await uploadThread.digest('upload-b', bytes.length)).toBeUndefined();
    } finally {
      await again.close();
    }
  });

  it('drops a hash that a batch does not continue, or that is dropped, and reports a failed write with its code', async () => {
    const file = await open(join(root, 'data'), 'a');
    const piece = (n: number) => Buffer.alloc(n, 7).buffer;
    try {
      await uploadThread.write('gap', file.fd, piece(10), 10, 0);
      await uploadThread.write('gap', file.fd, piece(10), 10, 20);
      expect(await uploadThread.digest('gap', 30)).toBeUndefined();
      expect(await uploadThread.digest('gap', 20)).toBeUndefined();

      await uploadThread.write('dropped', file.fd, piece(10), 10, 0);
      uploadThread.drop('dropped');
      expect(await uploadThread.digest('dropped', 10)).toBeUndefined();
    } finally {
      await file.close();
    }
    // A descriptor open for reading only: the write fails in the thread, not here.
    const readOnly = await open(join(root, 'data'), 'r');
    try {
      const failed = uploadThread.write('read-only', readOnly.fd, piece(10), 10, 0);
      await expect(failed).rejects.toBeInstanceOf(UploadWriteError);
      await expect(failed).rejects.toMatchObject({ code: 'EBADF' });
      expect(await uploadThread.digest('read-only', 10)).toBeUndefined();
    } finally {
      await readOnly.close();
    }
  });
});

describe('uploads and sends through the blob store', () => {
  it('frees an HTTP-like body chunk by chunk when told it owns them, and leaves a caller’s buffers alone', async () => {
    const bytes = randomBytes(9 * 1024 * 1024 + 5000);
    const owned = ownedChunks(bytes, 64 * 1024);
    const info = await registry.blobs.putMonolithic('team/app', digestOf(bytes), Readable.from(owned), {
      releaseChunks: true,
    });
    expect(info).toEqual({ digest: digestOf(bytes), size: bytes.length });
    expect(owned.every((chunk) => chunk.length === 0)).toBe(true);

    const other = randomBytes(5 * 1024 * 1024);
    const kept = ownedChunks(other, 64 * 1024);
    await registry.blobs.putMonolithic('team/app', digestOf(other), Readable.from(kept));
    expect(Buffer.concat(kept).equals(other)).toBe(true);

    const { out, received } = collector();
    await registry.blobs.send(digestOf(bytes), out);
    expect(received().equals(bytes)).toBe(true);
  });

  it('sends empty, small and exactly-one-read-buffer blobs, and ranges of them, byte for byte', async () => {
    for (const size of [0, 1, 100, 1024 * 1024, 1024 * 1024 + 1, 4 * 1024 * 1024]) {
      const bytes = randomBytes(size);
      await registry.blobs.putMonolithic('team/app', digestOf(bytes), Readable.from([bytes]));
      const whole = collector();
      await registry.blobs.send(digestOf(bytes), whole.out);
      expect(whole.received().equals(bytes)).toBe(true);
      if (size < 2) continue;
      const range = { start: 1, end: size - 2 };
      const part = collector();
      await registry.blobs.send(digestOf(bytes), part.out, range);
      expect(part.received().equals(bytes.subarray(1, size - 1))).toBe(true);
    }
  });
});
