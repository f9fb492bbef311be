/**
 * Collects the files of an app folder for packing: walks it (pruning excluded folders), applies
 * the manifest's include/exclude globs and splits the result into the main layer and the named
 * layers of `files.layers`.
 */
import { lstatSync, type Dirent, type Stats } from 'node:fs';
import { readdir, readlink, realpath } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import type { Files } from '@gpuaas/manifest-schema';
import { SdkError } from '../errors.js';
import { GlobSet } from './glob.js';
import { pythonHelperForPack } from './python-helper.js';

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

/** File system operations of a walk in flight at once. */
const FS_CONCURRENCY = 32;

/**
 * lstat, synchronously, as a promise. A walk makes one call per file, and on a local disk an
 * lstat is a few microseconds of system time while a round trip through libuv's thread pool
 * costs several times that in hand-offs — and keeps a pool thread from the gzip of the layer
 * (5,000 files of 4 KB: the pack's main thread spent ~90 ms in async lstat calls alone).
 */
// eslint-disable-next-line @typescript-eslint/require-await -- a throw becomes a rejection
async function lstat(path: string): Promise<Stats> {
  return lstatSync(path);
}

/** What the walk found at one place in a folder: a file or symlink, a warning, or a subfolder's findings. */
type Found = { file: CollectedFile } | { warning: string } | { items: Promise<Found>[] };

/** Runs tasks with at most `max` of them in flight; the others wait their turn, first come first served. */
function limiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active < max) active++;
    else await new Promise<void>((go) => waiting.push(go));
    try {
      return await task();
    } finally {
      // The slot passes straight to the next task waiting, if any.
      const next = waiting.shift();
      if (next === undefined) active--;
      else next();
    }
  };
}

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

  // Everything under the folder is listed and stat'ed several operations at a time (one after
  // another, each a thread-pool round trip, they were most of the time of packing many small
  // files), then placed in the order of a depth-first walk, so that file order, warnings and the
  // first error are the same as a walk one operation at a time.
  const limit = limiter(FS_CONCURRENCY);
  const walk = async (folder: string, relFolder: string): Promise<Promise<Found>[]> => {
    let dirents: Dirent[];
    try {
      dirents = await limit(() => readdir(folder, { withFileTypes: true }));
    } catch (error) {
      throw new SdkError('IO_ERROR', `${folder}: could not list: ${(error as Error).message}`, {
        cause: error,
        details: { path: folder },
      });
    }
    const found: Promise<Found>[] = [];
    for (const dirent of dirents) {
      const path = relFolder === '' ? dirent.name : `${relFolder}/${dirent.name}`;
      const absolutePath = join(folder, dirent.name);
      const isDirectory = dirent.isDirectory();
      if (exclude.match(path, isDirectory) !== undefined) continue;
      if (isDirectory) {
        if (!excludedFolders.includes(path))
          found.push(walk(absolutePath, path).then((items) => ({ items })));
      } else if (!wanted(path)) {
        continue;
      } else if (dirent.isFile()) {
        found.push(
          limit(() => lstat(absolutePath)).then((stats) => ({
            file: {
              type: 'file',
              path,
              absolutePath,
              size: stats.size,
              executable: (stats.mode & 0o111) !== 0,
            },
          })),
        );
      } else if (dirent.isSymbolicLink()) {
        found.push(
          limit(() => checkSymlink(realRoot, path, absolutePath)).then((target) => ({
            file: { type: 'symlink', path, absolutePath, target },
          })),
        );
      } else {
        found.push(
          Promise.resolve({
            warning: `${path}: skipped, not a regular file, folder or symlink (socket, FIFO or device)`,
          }),
        );
      }
    }
    // Failures surface in walk order, below; one not reached there is not news.
    for (const item of found) item.catch(() => undefined);
    return found;
  };
  const settle = async (found: readonly Promise<Found>[]): Promise<void> => {
    for (const item of found) {
      const result = await item;
      if ('items' in result) await settle(result.items);
      else if ('file' in result) place(result.file);
      else warnings.push(result.warning);
    }
  };
  await settle(await walk(root, ''));

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
