/**
 * Reading a layer's files for the tar writer. Large files stream in chunks through a few reused
 * buffers; small files are read whole, several at a time, ahead of the writer.
 *
 * Why read ahead: every file operation is a round trip to libuv's thread pool, and a small file
 * costs four of them (open, read, stat, close). Awaited one after another, 5,000 files of 4 KB
 * spent most of a pack waiting (measured: 7.9 s idle of an 11.7 s profile on a loaded 2-core
 * machine, against 0.3 s for `tar -czf` unloaded), so the reads of the next files are in flight
 * while the writer frames and hashes the current one.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { sep } from 'node:path';
import { SdkError } from '../errors.js';
import type { CollectedFile } from './collect.js';
import { sortTarEntries, type TarEntry } from './tar.js';

/** Files up to this size (and at most the chunk size) are read whole, ahead of the writer. */
export const SMALL_FILE_BYTES = 256 * 1024;
/** At most this many small files are read at once… */
export const READ_AHEAD_FILES = 32;
/** …and at most this many of their bytes are held before the writer takes them. */
export const READ_AHEAD_BYTES = 8 * 1024 * 1024;

/**
 * Contents of small files read while collecting (the Python sources that the helper check reads),
 * for the tar writer to use instead of reading them again; each is taken out when used.
 */
export const readWhileCollecting = new WeakMap<CollectedFile, Buffer>();

/**
 * A few large buffers handed out in turn. Fresh multi-MiB buffers for every chunk cost a page
 * fault per 4 KiB (measured: about half the CPU time of hashing and writing a 1 GiB layer), so a
 * layer's file reads cycle through these instead.
 */
export class BufferRing {
  private readonly buffers: Buffer[];
  private next = 0;

  constructor(
    readonly chunkSize: number,
    count = 3,
  ) {
    this.buffers = Array.from({ length: count }, () => Buffer.allocUnsafeSlow(chunkSize));
  }

  /** The next buffer, cut to `length` (at most chunkSize). */
  take(length: number): Buffer {
    const buffer = this.buffers[this.next] as Buffer;
    this.next = (this.next + 1) % this.buffers.length;
    return buffer.subarray(0, length);
  }
}

function shrank(absolutePath: string): SdkError {
  return new SdkError('IO_ERROR', `${absolutePath}: file shrank while being packed`, {
    details: { path: absolutePath },
  });
}

function changedSize(absolutePath: string): SdkError {
  return new SdkError('IO_ERROR', `${absolutePath}: file changed size while being packed`, {
    details: { path: absolutePath },
  });
}

/**
 * Reads a file in chunks of `chunkSize`, reading the next chunk while the last is consumed.
 * Without a ring every chunk is a fresh buffer. With one, a chunk is only valid until the chunk
 * after next is requested: the consumer must be done with it by then (tarStream and
 * OciLayout.writeBlob are).
 */
export async function* readFileChunks(
  absolutePath: string,
  size: number,
  chunkSize: number,
  ring?: BufferRing,
): AsyncGenerator<Buffer, void, undefined> {
  const handle = await open(absolutePath, 'r');
  const readAt = async (position: number, length: number): Promise<Buffer> => {
    const buffer = ring ? ring.take(length) : Buffer.allocUnsafeSlow(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
      if (bytesRead === 0) throw shrank(absolutePath);
      filled += bytesRead;
    }
    return buffer;
  };
  let position = 0;
  let next = size > 0 ? readAt(0, Math.min(chunkSize, size)) : undefined;
  try {
    while (next) {
      const chunk = await next;
      position += chunk.length;
      next = position < size ? readAt(position, Math.min(chunkSize, size - position)) : undefined;
      yield chunk;
    }
    const { size: now } = await handle.stat();
    if (now !== size) throw changedSize(absolutePath);
  } finally {
    await next?.catch(() => undefined);
    await handle.close();
  }
}

/**
 * Buffers for small files, cut from 1 MiB slabs the way Node's own pool serves buffers under
 * 4 KiB: an allocation of its own for every 4 KB file (and the garbage collections its external
 * memory triggers) cost about as much CPU as reading the file. A slab lives as long as any piece.
 */
class Slabs {
  private slab = Buffer.allocUnsafeSlow(0);
  private used = 0;

  constructor(private readonly slabBytes: number) {}

  take(length: number): Buffer {
    if (length > this.slabBytes >> 3) return Buffer.allocUnsafeSlow(length);
    if (this.used + length > this.slab.length) {
      this.slab = Buffer.allocUnsafeSlow(this.slabBytes);
      this.used = 0;
    }
    const piece = this.slab.subarray(this.used, this.used + length);
    this.used += (length + 7) & ~7;
    return piece;
  }
}

const slabs = new Slabs(1024 * 1024);

/**
 * Reads a small file whole in three operations (open, read, close): asking for one byte more than
 * its collected size catches a file that grew, as the stat after the last chunk does for large
 * files, and a short read one that shrank.
 *
 * Synchronously: for a file of a few KB each operation is microseconds of system time, while a
 * round trip through libuv's thread pool costs more than that in hand-offs and garbage (a
 * FileHandle, callbacks, promises) and queues behind — or ahead of — the layer's gzip, which runs
 * in the same pool. Large files still stream asynchronously (readFileChunks).
 */
// eslint-disable-next-line @typescript-eslint/require-await -- a throw becomes a rejection
export async function readSmallFile(absolutePath: string, size: number): Promise<Buffer> {
  return readSmallFileSync(absolutePath, size);
}

function readSmallFileSync(absolutePath: string, size: number): Buffer {
  const fd = openSync(absolutePath, 'r');
  // As a `finally`: a failing close wins over the error or result before it.
  try {
    const buffer = slabs.take(size + 1);
    let filled = 0;
    while (filled <= size) {
      const bytesRead = readSync(fd, buffer, filled, size + 1 - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled < size) throw shrank(absolutePath);
    if (filled > size) throw changedSize(absolutePath);
    return buffer.subarray(0, size);
  } finally {
    closeSync(fd);
  }
}

/**
 * Small files in the order the tar writer asks for them, each read started up to
 * READ_AHEAD_FILES files (and READ_AHEAD_BYTES bytes) before it is asked for.
 */
export class ReadAhead {
  private readonly started = new Map<number, Promise<Buffer>>();
  private next = 0;
  private bytesAhead = 0;

  constructor(private readonly files: readonly { absolutePath: string; size: number }[]) {}

  /** The contents of file `i`; starts the reads of the files after it. */
  read(i: number): Promise<Buffer> {
    this.next = Math.max(this.next, i);
    let own = this.started.get(i);
    if (own === undefined) own = this.start(i);
    this.started.delete(i);
    this.bytesAhead -= this.files[i]!.size;
    while (
      this.next < this.files.length &&
      this.next <= i + READ_AHEAD_FILES &&
      this.bytesAhead < READ_AHEAD_BYTES
    ) {
      const ahead = this.next++;
      if (ahead === i) continue;
      this.started.set(ahead, this.start(ahead));
    }
    return own;
  }

  private start(i: number): Promise<Buffer> {
    const file = this.files[i]!;
    this.bytesAhead += file.size;
    const reading = readSmallFile(file.absolutePath, file.size);
    // A read ahead of a writer that has failed is never awaited: its failure is not news.
    reading.catch(() => undefined);
    return reading;
  }
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/**
 * The tar entries of a layer, sorted as the tar writer sorts them: its files and symlinks, plus a
 * directory entry for every folder that holds one of them (empty folders are not packed).
 */
export function layerEntries(files: readonly CollectedFile[], chunkSize: number): TarEntry[] {
  // Created on first use so that a layer of small files allocates no large buffers.
  let ring: BufferRing | undefined;
  const folders = new Set<string>();
  const unsorted: TarEntry[] = [];
  const smallLimit = Math.min(SMALL_FILE_BYTES, chunkSize);
  // Small files are read ahead in the writer's order, known once the entries are sorted.
  const small = new Map<TarEntry, { absolutePath: string; size: number }>();
  const position = new Map<TarEntry, number>();
  const order: { absolutePath: string; size: number }[] = [];
  const readAhead = new ReadAhead(order);
  for (const file of files) {
    for (let slash = file.path.indexOf('/'); slash >= 0; slash = file.path.indexOf('/', slash + 1)) {
      folders.add(file.path.slice(0, slash));
    }
    if (file.type === 'symlink') {
      unsorted.push({ type: 'symlink', path: file.path, target: toPosix(file.target) });
      continue;
    }
    const { absolutePath, size } = file;
    const entry: TarEntry = {
      type: 'file',
      path: file.path,
      size,
      executable: file.executable,
      content: () => readFileChunks(absolutePath, size, chunkSize, (ring ??= new BufferRing(chunkSize))),
    };
    if (readWhileCollecting.has(file)) {
      entry.content = async function* () {
        const content = readWhileCollecting.get(file);
        readWhileCollecting.delete(file);
        yield content ?? (await readSmallFile(absolutePath, size));
      };
    } else if (size <= smallLimit) {
      small.set(entry, { absolutePath, size });
      entry.content = async function* () {
        yield await readAhead.read(position.get(entry)!);
      };
    }
    unsorted.push(entry);
  }
  for (const folder of folders) unsorted.push({ type: 'directory', path: folder });
  const entries = sortTarEntries(unsorted);
  for (const entry of entries) {
    const source = small.get(entry);
    if (source !== undefined) position.set(entry, order.push(source) - 1);
  }
  return entries;
}
