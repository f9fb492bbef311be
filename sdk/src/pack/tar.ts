/**
 * A streaming, reproducible tar writer (POSIX ustar, with PAX extended headers where ustar falls
 * short). Everything that varies between machines is normalised away: entries are sorted byte-wise
 * by path, the mtime is one fixed value, uid/gid are 0 with empty user and group names, and modes
 * are reduced to 0644 / 0755. File contents are streamed, never held whole in memory.
 */
import { SdkError } from '../errors.js';

export const TAR_BLOCK = 512;

/** Largest size or mtime an 11-digit octal ustar field can hold (8 GiB - 1). */
export const USTAR_MAX_OCTAL_11 = 0o77777777777;

/** What a tar entry holds. Directories and symlinks have no content. */
export type TarEntry =
  | {
      type: 'file';
      /** Relative '/'-separated path. */
      path: string;
      size: number;
      /** Any exec bit set in the source: stored as 0755, else 0644. */
      executable: boolean;
      /** Yields exactly `size` bytes. */
      content: () => AsyncIterable<Uint8Array>;
    }
  | { type: 'directory'; path: string }
  | { type: 'symlink'; path: string; target: string };

/** Fields of one header, after normalisation. */
export interface TarHeader {
  path: string;
  type: TarEntry['type'];
  size: number;
  mode: number;
  mtime: number;
  linkTarget?: string;
}

export interface TarStreamOptions {
  /** Seconds since the epoch recorded on every entry (SOURCE_DATE_EPOCH, default 0). */
  mtime?: number;
  /** Called with the number of content bytes of each chunk as it is produced. */
  onContent?: (bytes: number) => void;
  /**
   * Small pieces (headers, small files, padding) are gathered into chunks of about this size, so
   * that hashing and writing see few large buffers rather than many small ones.
   */
  coalesceBytes?: number;
}

const ZERO_BLOCK = Buffer.alloc(TAR_BLOCK);
const END_OF_ARCHIVE = Buffer.alloc(TAR_BLOCK * 2);
const PAX_HEADER_NAME = '././@PaxHeader';

/** Normalised mode of an entry: the only thing kept from the source is "executable or not". */
export function normalisedMode(entry: TarEntry): number {
  if (entry.type === 'file') return entry.executable ? 0o755 : 0o644;
  return entry.type === 'directory' ? 0o755 : 0o777;
}

function isPortableAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

function writeString(block: Buffer, offset: number, length: number, text: string): void {
  block.write(text, offset, length, 'utf8');
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(value.toString(8).padStart(length - 1, '0') + '\0', offset, length, 'ascii');
}

/** One PAX record, `"<len> <key>=<value>\n"`, where len counts the whole record including itself. */
export function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  const restLength = Buffer.byteLength(rest);
  let length = restLength + String(restLength).length;
  // Adding the length's own digits can carry it into one more digit (e.g. 99 → 101).
  if (String(length).length !== String(restLength).length) length = restLength + String(length).length;
  return `${length}${rest}`;
}

function ustarBlock(fields: {
  name: string;
  mode: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
}): Buffer {
  const block = Buffer.alloc(TAR_BLOCK);
  writeString(block, 0, 100, fields.name);
  writeOctal(block, 100, 8, fields.mode);
  writeOctal(block, 108, 8, 0); // uid
  writeOctal(block, 116, 8, 0); // gid
  writeOctal(block, 124, 12, fields.size);
  writeOctal(block, 136, 12, fields.mtime);
  block.write(fields.typeflag, 156, 1, 'ascii');
  writeString(block, 157, 100, fields.linkname);
  block.write('ustar\0' + '00', 257, 8, 'ascii');
  // uname (265) and gname (297) stay empty; devmajor/devminor are zero.
  writeOctal(block, 329, 8, 0);
  writeOctal(block, 337, 8, 0);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return block;
}

/** An ASCII stand-in for a name that only the PAX record carries in full. */
function fallbackName(text: string, limit: number): string {
  return text.replace(/[^\x20-\x7e]/g, '_').slice(0, limit);
}

function padding(size: number): number {
  return (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK;
}

/**
 * Encodes the header of one entry: a single ustar block, preceded by a PAX extended header when
 * the path or link target is over 100 bytes or not plain ASCII, or the size needs more than 11
 * octal digits.
 */
export function encodeTarHeader(header: TarHeader): Buffer {
  const name = header.type === 'directory' ? `${header.path}/` : header.path;
  const link = header.linkTarget ?? '';
  const pax: string[] = [];
  const nameFits = Buffer.byteLength(name) <= 100 && isPortableAscii(name);
  if (!nameFits) pax.push(paxRecord('path', name));
  const linkFits = Buffer.byteLength(link) <= 100 && isPortableAscii(link);
  if (!linkFits) pax.push(paxRecord('linkpath', link));
  const sizeFits = header.size <= USTAR_MAX_OCTAL_11;
  if (!sizeFits) pax.push(paxRecord('size', String(header.size)));
  if (header.mtime < 0 || header.mtime > USTAR_MAX_OCTAL_11 || !Number.isInteger(header.mtime)) {
    throw new SdkError(
      'USAGE',
      `tar mtime ${header.mtime} is not an integer between 0 and ${USTAR_MAX_OCTAL_11}`,
    );
  }
  const typeflag = header.type === 'file' ? '0' : header.type === 'directory' ? '5' : '2';
  const main = ustarBlock({
    name: nameFits ? name : fallbackName(name, 100),
    mode: header.mode,
    size: sizeFits ? header.size : 0,
    mtime: header.mtime,
    typeflag,
    linkname: linkFits ? link : fallbackName(link, 100),
  });
  if (pax.length === 0) return main;
  const body = Buffer.from(pax.join(''), 'utf8');
  const paxHeader = ustarBlock({
    name: PAX_HEADER_NAME,
    mode: 0o644,
    size: body.length,
    mtime: header.mtime,
    typeflag: 'x',
    linkname: '',
  });
  return Buffer.concat([paxHeader, body, Buffer.alloc(padding(body.length)), main]);
}

/** Byte-wise (UTF-8) order, so the archive order does not depend on locale or UTF-16 quirks. */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function checkPath(path: string): void {
  const bad =
    path === '' ||
    path.startsWith('/') ||
    path.includes('\0') ||
    path.split('/').some((s) => s === '' || s === '.' || s === '..');
  if (bad) throw new SdkError('INTERNAL', `tar entry path "${path}" is not a clean relative path`);
}

/** Sorts entries byte-wise by path and refuses duplicates and unclean paths. */
export function sortTarEntries(entries: Iterable<TarEntry>): TarEntry[] {
  const keyed = [...entries].map((entry) => {
    checkPath(entry.path);
    return { entry, key: Buffer.from(entry.path, 'utf8') };
  });
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  for (let i = 1; i < keyed.length; i++) {
    const previous = keyed[i - 1];
    const current = keyed[i];
    if (previous && current && previous.key.equals(current.key)) {
      throw new SdkError('INTERNAL', `tar entry "${current.entry.path}" appears twice`);
    }
  }
  return keyed.map((k) => k.entry);
}

/**
 * Streams a reproducible tar archive of the entries (sorted here, whatever their given order).
 * Chunks of file content at least `coalesceBytes / 4` long pass through as they are; everything
 * smaller is copied and gathered first. A content source may therefore reuse a buffer once the
 * chunk after it has been requested, provided the consumer of this stream is done with each chunk
 * when it asks for the next one (as OciLayout.writeBlob and gzipDeterministic are).
 *
 * @example
 * for await (const chunk of tarStream(entries, { mtime: 0 })) hash.update(chunk);
 */
export async function* tarStream(
  entries: Iterable<TarEntry>,
  options: TarStreamOptions = {},
): AsyncGenerator<Buffer, void, undefined> {
  const mtime = options.mtime ?? 0;
  const target = options.coalesceBytes ?? 1 << 20;
  const passThrough = Math.max(TAR_BLOCK, target >> 2);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const take = (): Buffer => {
    const out = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    return out;
  };

  for (const entry of sortTarEntries(entries)) {
    const size = entry.type === 'file' ? entry.size : 0;
    const header = encodeTarHeader({
      path: entry.path,
      type: entry.type,
      size,
      mode: normalisedMode(entry),
      mtime,
      ...(entry.type === 'symlink' ? { linkTarget: entry.target } : {}),
    });
    pending.push(header);
    pendingBytes += header.length;
    if (entry.type !== 'file') continue;
    let written = 0;
    for await (const chunk of entry.content()) {
      written += chunk.length;
      if (written > size) break;
      options.onContent?.(chunk.length);
      if (chunk.length >= passThrough) {
        if (pendingBytes > 0) yield take();
        yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
      } else {
        // Copied: the source may reuse its buffer for the chunk after next.
        pending.push(Buffer.from(chunk));
        pendingBytes += chunk.length;
        if (pendingBytes >= target) yield take();
      }
    }
    if (written !== size) {
      throw new SdkError(
        'IO_ERROR',
        `${entry.path}: expected ${size} bytes but read ${written}; did it change?`,
        {
          details: { path: entry.path },
        },
      );
    }
    const pad = padding(size);
    if (pad > 0) {
      pending.push(ZERO_BLOCK.subarray(0, pad));
      pendingBytes += pad;
    }
    if (pendingBytes >= target) yield take();
  }
  pending.push(END_OF_ARCHIVE);
  pendingBytes += END_OF_ARCHIVE.length;
  yield take();
}

/** Exact archive size for the entries, known before any byte is written. */
export function tarSize(entries: Iterable<TarEntry>, mtime = 0): number {
  let total = END_OF_ARCHIVE.length;
  for (const entry of entries) {
    const size = entry.type === 'file' ? entry.size : 0;
    total +=
      encodeTarHeader({
        path: entry.path,
        type: entry.type,
        size,
        mode: normalisedMode(entry),
        mtime,
        ...(entry.type === 'symlink' ? { linkTarget: entry.target } : {}),
      }).length +
      size +
      padding(size);
  }
  return total;
}
