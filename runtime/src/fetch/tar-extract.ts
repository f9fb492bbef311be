/**
 * A streaming tar reader that extracts into a fresh folder and refuses anything that could land
 * outside it. It reads what the sdk's writer (sdk/src/pack/tar.ts) produces — ustar headers, PAX
 * `path`/`linkpath`/`size` records, regular files, folders and symlinks — plus the ustar `prefix`
 * field and base-256 sizes other writers use.
 *
 * Safety rules, checked before any byte of an entry is written:
 * - no absolute path, no `..` segment, no NUL;
 * - no entry below a symlink extracted earlier (writing "through" a link), and every file is
 *   created with O_EXCL | O_NOFOLLOW, so nothing that already exists is followed or overwritten;
 * - symlink targets are relative and, resolved inside the tree (following the tree's other links,
 *   as the kernel would), never climb above its root — checked once every layer is extracted,
 *   since a later layer's link can change where an earlier one leads;
 * - hard links, devices, FIFOs and GNU extensions are refused (the sdk never writes them).
 *
 * Several layers may be extracted into one tree at once (build.ts fetches them in parallel). The
 * sdk puts every file in exactly one layer, so layers share folders only; anything else two
 * layers both claim is refused whatever order they arrive in: the same path twice is
 * ARTIFACT_INVALID, a symlink where another layer has a folder (or the reverse) ARTIFACT_UNSAFE.
 */
import { constants } from 'node:fs';
import { chmod, mkdir, open, symlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { RuntimeError } from '../errors.js';
import { BatchedFileWriter, ByteReader } from './byte-io.js';

const BLOCK = 512;
/** PAX headers carry a few short records; anything larger is refused rather than buffered. */
const MAX_PAX_BYTES = 1 << 20;
/** Symlinks followed while resolving one target, as Linux's MAXSYMLINKS. */
const MAX_LINK_HOPS = 40;
const FILE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

type Kind = 'directory' | 'file' | 'symlink';

/** What has been extracted into one tree, shared by the layers extracted into it. */
export interface ExtractState {
  /** Absolute path of the tree being filled. */
  readonly root: string;
  readonly entries: Map<string, Kind>;
  /** Folders claimed, by the mkdir that creates them: another layer waits for it before using one. */
  readonly folders: Map<string, Promise<void>>;
  readonly symlinks: Map<string, string>;
  files: number;
  bytes: number;
  /** The most bytes the tree may hold: a small layer must not unpack into a full disk. */
  readonly maxBytes: number;
}

export function createExtractState(root: string, maxBytes = Number.POSITIVE_INFINITY): ExtractState {
  return { root, entries: new Map(), folders: new Map(), symlinks: new Map(), files: 0, bytes: 0, maxBytes };
}

function unsafe(where: string, path: string, why: string): RuntimeError {
  return new RuntimeError('ARTIFACT_UNSAFE', `${where}: entry "${path}" ${why}; refusing to unpack it`, {
    details: { blob: where, entry: path },
  });
}

function invalid(where: string, why: string): RuntimeError {
  return new RuntimeError('ARTIFACT_INVALID', `${where}: ${why}`, { details: { blob: where } });
}

function field(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

function numeric(block: Buffer, offset: number, length: number, where: string): number {
  const raw = block.subarray(offset, offset + length);
  if (((raw[0] ?? 0) & 0x80) !== 0) {
    // Base-256 (GNU/star): big-endian, the top bit of the first byte is the marker.
    let value = (raw[0] ?? 0) & 0x7f;
    for (const byte of raw.subarray(1)) value = value * 256 + byte;
    if (!Number.isSafeInteger(value)) throw invalid(where, 'a header number is too large');
    return value;
  }
  const text = raw
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (!/^[0-7]*$/.test(text)) throw invalid(where, `header field "${text}" is not octal`);
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumOk(block: Buffer, where: string): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  return sum === numeric(block, 148, 8, where);
}

function parsePax(body: Buffer, where: string): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    const length = Number(body.subarray(at, space).toString('latin1'));
    if (space < 0 || !Number.isSafeInteger(length) || length <= 0 || at + length > body.length) {
      throw invalid(where, 'a PAX extended header is malformed');
    }
    const record = body.subarray(space + 1, at + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals < 0) throw invalid(where, 'a PAX record has no "="');
    records.set(record.slice(0, equals), record.slice(equals + 1));
    at += length;
  }
  return records;
}

/** The entry's path inside the tree ('' for the root itself); refuses escapes. */
function cleanPath(raw: string, where: string): string {
  if (raw.includes('\0')) throw unsafe(where, raw, 'contains a NUL byte');
  if (raw.startsWith('/')) throw unsafe(where, raw, 'is an absolute path');
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw unsafe(where, raw, 'climbs out with ".."');
  return segments.join('/');
}

const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

/** Creates the missing folders above `path`, refusing to pass through a file or a symlink. */
async function ensureParents(state: ExtractState, path: string, where: string): Promise<void> {
  for (let slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
    const parent = path.slice(0, slash);
    const kind = state.entries.get(parent);
    if (kind === 'symlink') throw unsafe(where, path, `lies below the symlink "${parent}"`);
    if (kind === 'file') throw invalid(where, `entry "${path}" lies below the file "${parent}"`);
    if (kind === undefined) makeFolder(state, parent);
    // Claimed by this layer or another one: either way created (or being created) by its mkdir.
    await state.folders.get(parent);
  }
}

/** Claims `path` as a folder and starts its mkdir; callers await `state.folders.get(path)`. */
function makeFolder(state: ExtractState, path: string): void {
  state.entries.set(path, 'directory');
  const made = mkdir(join(state.root, path), { mode: 0o755 });
  // Awaited by whoever needs the folder; this handler only keeps a failure from going unhandled.
  made.catch(() => undefined);
  state.folders.set(path, made);
}

function claim(state: ExtractState, path: string, kind: Kind, where: string): boolean {
  const existing = state.entries.get(path);
  if (existing === 'directory' && kind === 'directory') return false;
  if ((existing === 'directory' && kind === 'symlink') || (existing === 'symlink' && kind === 'directory')) {
    throw unsafe(where, path, 'is both a symlink and a folder');
  }
  if (existing !== undefined) throw invalid(where, `entry "${path}" appears twice`);
  state.entries.set(path, kind);
  return true;
}

async function writeFile(
  state: ExtractState,
  path: string,
  header: { size: number; mode: number },
  reader: ByteReader,
  truncated: () => Error,
): Promise<void> {
  // Checked on the declared size, before any byte of the entry is written.
  if (state.bytes + header.size > state.maxBytes) {
    throw new RuntimeError(
      'ARTIFACT_TOO_LARGE',
      `${path}: unpacking would exceed the limit of ${state.maxBytes} bytes (${state.bytes} unpacked so far, this entry ${header.size})`,
      {
        details: {
          entry: path,
          limit_bytes: state.maxBytes,
          unpacked_bytes: state.bytes,
          entry_bytes: header.size,
        },
      },
    );
  }
  // Counted before writing: a layer unpacking beside this one checks against it at once.
  state.bytes += header.size;
  // Read-only from the start: instances share the tree and must not change it.
  const mode = (header.mode & 0o111) !== 0 ? 0o555 : 0o444;
  const writer = new BatchedFileWriter(await open(join(state.root, path), FILE_FLAGS, mode));
  try {
    for await (const chunk of reader.stream(header.size, truncated)) await writer.write(chunk);
  } catch (error) {
    await writer.abort();
    throw error;
  }
  await writer.close();
  state.files++;
}

/**
 * Extracts one tar stream into `state.root`. `where` names the layer in errors. Reads `source` to
 * its end even after the end-of-archive marker, so a verifying source gets to check its digest.
 */
export async function extractTar(
  source: AsyncIterable<Buffer>,
  state: ExtractState,
  where: string,
): Promise<void> {
  const reader = new ByteReader(source);
  try {
    await extractEntries(reader, state, where);
  } catch (error) {
    // A refused entry leaves the source half read: let it (a gunzip, a download) wind down.
    await reader.close();
    throw error;
  }
}

async function extractEntries(reader: ByteReader, state: ExtractState, where: string): Promise<void> {
  const truncated = (): Error => invalid(where, 'the archive ends in the middle of an entry');
  let pax = new Map<string, string>();
  for (;;) {
    const block = await reader.read(BLOCK);
    if (block === undefined || block.length < BLOCK) throw invalid(where, 'the archive has no end marker');
    if (block.every((b) => b === 0)) break;
    if (!checksumOk(block, where)) throw invalid(where, 'a tar header has a bad checksum');
    const typeflag = String.fromCharCode(block[156] as number);
    const size = pax.has('size') ? Number(pax.get('size')) : numeric(block, 124, 12, where);
    if (!Number.isSafeInteger(size) || size < 0) throw invalid(where, `entry size "${size}" is invalid`);

    if (typeflag === 'x' || typeflag === 'g') {
      if (size > MAX_PAX_BYTES) throw invalid(where, `a PAX header of ${size} bytes is too large`);
      const body = await reader.read(size + padding(size));
      if (body === undefined || body.length < size + padding(size)) throw truncated();
      // Global records apply to nothing we read (path and size are per entry), so they are skipped.
      if (typeflag === 'x') pax = parsePax(body.subarray(0, size), where);
      continue;
    }
    const prefix = field(block, 257, 6) === 'ustar' ? field(block, 345, 155) : '';
    const name = field(block, 0, 100);
    const rawPath = pax.get('path') ?? (prefix === '' ? name : `${prefix}/${name}`);
    const linkTarget = pax.get('linkpath') ?? field(block, 157, 100);
    pax = new Map();
    const path = cleanPath(rawPath, where);

    if (typeflag === '0' || typeflag === '\0' || typeflag === '7') {
      if (path === '') throw invalid(where, 'a file entry has no name');
      await ensureParents(state, path, where);
      claim(state, path, 'file', where);
      await writeFile(state, path, { size, mode: numeric(block, 100, 8, where) }, reader, truncated);
    } else if (typeflag === '5') {
      if (path !== '') {
        await ensureParents(state, path, where);
        if (claim(state, path, 'directory', where)) makeFolder(state, path);
        await state.folders.get(path);
      }
      await reader.skip(size, truncated);
    } else if (typeflag === '2') {
      if (path === '') throw unsafe(where, rawPath, 'replaces the tree root with a symlink');
      if (linkTarget === '' || linkTarget.includes('\0')) throw unsafe(where, path, 'has an empty target');
      if (linkTarget.startsWith('/')) throw unsafe(where, path, `links to the absolute path "${linkTarget}"`);
      const lexical = posix.normalize(posix.join(posix.dirname(path), linkTarget));
      if (lexical === '..' || lexical.startsWith('../')) {
        throw unsafe(where, path, `links to "${linkTarget}", outside the app folder`);
      }
      await ensureParents(state, path, where);
      claim(state, path, 'symlink', where);
      state.symlinks.set(path, linkTarget);
      await symlink(linkTarget, join(state.root, path));
      await reader.skip(size, truncated);
    } else if (typeflag === '1') {
      throw unsafe(where, path, `is a hard link to "${linkTarget}"`);
    } else if ('346'.includes(typeflag)) {
      throw unsafe(where, path, 'is a device or FIFO');
    } else {
      throw invalid(where, `entry "${path}" has the unsupported tar type "${typeflag}"`);
    }
    await reader.skip(padding(size), truncated);
  }
  await reader.drain();
}

/** Where `link`'s target leads inside the tree, following its links; undefined if it climbs out. */
export function resolveLink(symlinks: ReadonlyMap<string, string>, link: string): string | undefined {
  const stack = link.split('/').slice(0, -1);
  let pending = (symlinks.get(link) ?? '').split('/');
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return undefined;
      stack.pop();
      continue;
    }
    stack.push(part);
    const target = symlinks.get(stack.join('/'));
    if (target === undefined) continue;
    if (++hops > MAX_LINK_HOPS || target.startsWith('/')) return undefined;
    stack.pop();
    pending = [...target.split('/'), ...pending];
  }
  return stack.join('/');
}

/** Refuses the tree when any symlink, followed through the others, leads out of it. */
export function checkSymlinks(state: ExtractState, where: string): void {
  for (const [link, target] of state.symlinks) {
    if (resolveLink(state.symlinks, link) === undefined) {
      throw unsafe(
        where,
        link,
        `links to "${target}", which leads outside the app folder (or loops) through other links`,
      );
    }
  }
}

/** Makes every folder of the tree read-only (files were created so); the root last, by the caller. */
export async function sealFolders(state: ExtractState): Promise<void> {
  for (const [path, kind] of state.entries) {
    if (kind === 'directory') await chmod(join(state.root, path), 0o555);
  }
}
