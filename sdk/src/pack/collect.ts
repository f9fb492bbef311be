/**
 * Collects the files of an app folder for packing: walks it (pruning excluded folders), applies
 * the manifest's include/exclude globs and splits the result into the main layer and the named
 * layers of `files.layers`.
 */
import type { Dirent } from 'node:fs';
import { lstat, open, readdir, readlink, realpath } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import type { Files } from '@gpuaas/manifest-schema';
import { SdkError } from '../errors.js';
import { GlobSet } from './glob.js';
import { pythonHelperForPack } from './python-helper.js';
import type { TarEntry } from './tar.js';

/** Folders never packed, at any depth. */
export const ALWAYS_EXCLUDED = ['**/.git', '**/node_modules/.cache'] as const;

/** A packable file or symlink found in the app folder (or the sdk's Python helper, added for it). */
export type CollectedFile =
  | { type: 'file'; path: string; absolutePath: string; size: number; executable: boolean }
  | { type: 'symlink'; path: string; absolutePath: string; target: string };

export interface CollectedLayer {
  /** `main` for the main layer, else the name from files.layers. */
  name: string;
  /** Named layers only: the manifest's `compress` flag. */
  compress?: boolean;
  files: CollectedFile[];
}

export interface CollectResult {
  /** The main layer first, then the named layers in manifest order. */
  layers: CollectedLayer[];
  warnings: string[];
}

export interface CollectOptions {
  /** Folders (absolute) to leave out, typically the output layout. */
  excludeAbsolute?: readonly string[];
}

/** Name of the layer holding every packed file no named layer claims. */
export const MAIN_LAYER = 'main';

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

async function checkSymlink(realRoot: string, path: string, absolute: string): Promise<string> {
  const target = await readlink(absolute);
  const escape = (why: string): SdkError =>
    new SdkError(
      'SYMLINK_ESCAPE',
      `${path}: symlink to "${target}" ${why}; the app folder must be self-contained`,
      {
        details: { path, target },
      },
    );
  if (isAbsolute(target)) throw escape('is absolute');
  const lexical = posix.normalize(posix.join(posix.dirname(path), toPosix(target)));
  if (lexical === '..' || lexical.startsWith('../')) throw escape('leads outside the app folder');
  // A target inside the folder may still pass through another symlink that leads out of it.
  let resolved: string | undefined;
  try {
    resolved = await realpath(absolute);
  } catch {
    resolved = undefined; // dangling: nothing to follow, and the lexical check passed
  }
  if (resolved !== undefined && !isInside(realRoot, resolved))
    throw escape('resolves outside the app folder');
  return target;
}

/**
 * Walks `root` and returns the packable files by layer, sorted byte-wise by path.
 *
 * A file is packed when it matches `files.include` (default everything) or a named layer's
 * include, and matches no `files.exclude` glob; `.git` and `node_modules/.cache` are never packed.
 * When a packed `.py` file imports `gpuaas_runtime` and none is packed, the main layer also gets
 * the sdk's `gpuaas_runtime.py` at its root (see python-helper.ts); its `absolutePath` is then in
 * the sdk, not under `root`.
 * A file matched by two named layers fails with PACK_LAYER_CONFLICT; a symlink leading outside the
 * folder fails with SYMLINK_ESCAPE. Sockets, FIFOs and devices are skipped with a warning.
 */
export async function collectFiles(
  root: string,
  files: Files = {},
  options: CollectOptions = {},
): Promise<CollectResult> {
  const realRoot = await realpath(root);
  const include = new GlobSet(files.include ?? ['**']);
  const exclude = new GlobSet([...(files.exclude ?? []), ...ALWAYS_EXCLUDED]);
  const named = (files.layers ?? []).map((layer) => ({ layer, globs: new GlobSet(layer.include) }));
  const excludedFolders = (options.excludeAbsolute ?? [])
    .map((folder) => relative(root, folder))
    .filter((rel) => rel !== '' && !rel.startsWith('..') && !isAbsolute(rel))
    .map(toPosix);

  const main: CollectedLayer = { name: MAIN_LAYER, files: [] };
  const layers: CollectedLayer[] = named.map(({ layer }) => ({
    name: layer.name,
    ...(layer.compress === undefined ? {} : { compress: layer.compress }),
    files: [],
  }));
  const warnings: string[] = [];
  const conflicts: Array<{ file: string; layers: string[] }> = [];

  const place = (file: CollectedFile): void => {
    const hits = named.flatMap(({ globs }, i) => (globs.match(file.path) === undefined ? [] : [i]));
    if (hits.length > 1) {
      conflicts.push({ file: file.path, layers: hits.map((i) => named[i]?.layer.name ?? '') });
      return;
    }
    const inNamed = hits[0];
    if (inNamed === undefined && include.match(file.path) === undefined) return;
    (inNamed === undefined ? main : layers[inNamed])?.files.push(file);
  };

  const wanted = (path: string): boolean =>
    include.match(path) !== undefined || named.some(({ globs }) => globs.match(path) !== undefined);

  const walk = async (folder: string, relFolder: string): Promise<void> => {
    let dirents: Dirent[];
    try {
      dirents = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      throw new SdkError('IO_ERROR', `${folder}: could not list: ${(error as Error).message}`, {
        cause: error,
        details: { path: folder },
      });
    }
    for (const dirent of dirents) {
      const path = relFolder === '' ? dirent.name : `${relFolder}/${dirent.name}`;
      const absolutePath = join(folder, dirent.name);
      const isDirectory = dirent.isDirectory();
      if (exclude.match(path, isDirectory) !== undefined) continue;
      if (isDirectory) {
        if (excludedFolders.includes(path)) continue;
        await walk(absolutePath, path);
      } else if (dirent.isFile()) {
        const stats = await lstat(absolutePath);
        place({ type: 'file', path, absolutePath, size: stats.size, executable: (stats.mode & 0o111) !== 0 });
      } else if (!wanted(path)) {
        continue;
      } else if (dirent.isSymbolicLink()) {
        const target = await checkSymlink(realRoot, path, absolutePath);
        place({ type: 'symlink', path, absolutePath, target });
      } else {
        warnings.push(`${path}: skipped, not a regular file, folder or symlink (socket, FIFO or device)`);
      }
    }
  };
  await walk(root, '');

  if (conflicts.length > 0) {
    conflicts.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const first = conflicts[0];
    const more = conflicts.length > 1 ? ` (and ${conflicts.length - 1} more files)` : '';
    throw new SdkError(
      'PACK_LAYER_CONFLICT',
      `${first?.file}: matched by named layers "${first?.layers.join('" and "')}"${more}; a file can be in one layer only`,
      { details: { conflicts } },
    );
  }
  // An app that imports the Python helper without shipping it gets the sdk's copy (python-helper.ts).
  const helper = await pythonHelperForPack([main, ...layers].flatMap((layer) => layer.files));
  if (helper.add !== undefined) main.files.push(helper.add);
  warnings.push(...helper.warnings);
  return { layers: [main, ...layers], warnings };
}

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
      if (bytesRead === 0) {
        throw new SdkError('IO_ERROR', `${absolutePath}: file shrank while being packed`, {
          details: { path: absolutePath },
        });
      }
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
    if (now !== size) {
      throw new SdkError('IO_ERROR', `${absolutePath}: file changed size while being packed`, {
        details: { path: absolutePath },
      });
    }
  } finally {
    await next?.catch(() => undefined);
    await handle.close();
  }
}

/**
 * The tar entries of a layer: its files and symlinks, plus a directory entry for every folder
 * that holds one of them (empty folders are not packed).
 */
export function layerEntries(files: readonly CollectedFile[], chunkSize: number): TarEntry[] {
  // Created on first use so that an empty layer allocates nothing.
  let ring: BufferRing | undefined;
  const folders = new Set<string>();
  const entries: TarEntry[] = [];
  for (const file of files) {
    for (let slash = file.path.indexOf('/'); slash >= 0; slash = file.path.indexOf('/', slash + 1)) {
      folders.add(file.path.slice(0, slash));
    }
    if (file.type === 'symlink') {
      entries.push({ type: 'symlink', path: file.path, target: toPosix(file.target) });
    } else {
      const { absolutePath, size } = file;
      entries.push({
        type: 'file',
        path: file.path,
        size,
        executable: file.executable,
        content: () => readFileChunks(absolutePath, size, chunkSize, (ring ??= new BufferRing(chunkSize))),
      });
    }
  }
  for (const folder of folders) entries.push({ type: 'directory', path: folder });
  return entries;
}
