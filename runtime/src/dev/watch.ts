/**
 * What `gpuaas-runtime dev` watches and how: the files that would be packed (the manifest's
 * `files` include/exclude) minus what builds and hooks write (dotfiles, node_modules,
 * __pycache__, the dev data folder), watched one folder at a time. Node's recursive fs.watch on
 * Linux would also descend into node_modules and other ignored trees, thousands of inotify watches
 * for folders whose changes are ignored anyway.
 */
import { createHash } from 'node:crypto';
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { GlobSet } from '@gpuaas/sdk';

/** Always ignored: what package managers, compilers and the runtime itself write. */
const GENERATED = new GlobSet(['**/node_modules', '**/__pycache__', '**/*.pyc']);

/** Relative, '/'-separated path → true when a change to it must not restart the app. */
export type IgnoreRule = (path: string, isDirectory: boolean) => boolean;

/**
 * The rule for an app folder: dotfiles and dot-folders, generated folders, the data folder (when
 * it is inside the app folder), and everything the manifest's `files` would not pack.
 */
export function ignoreRule(appDir: string, manifest: GpuaasAppManifest, dataDir?: string): IgnoreRule {
  const files = manifest.files ?? {};
  const include = new GlobSet(files.include ?? ['**']);
  const exclude = new GlobSet(files.exclude ?? []);
  const layers = (files.layers ?? []).map((layer) => new GlobSet(layer.include));
  const data = dataDir === undefined ? undefined : relative(appDir, dataDir).split(sep).join('/');
  const inData = (path: string): boolean =>
    data !== undefined &&
    data !== '' &&
    !data.startsWith('..') &&
    (path === data || path.startsWith(`${data}/`));
  return (path, isDirectory) => {
    if (path.split('/').some((segment) => segment.startsWith('.'))) return true;
    if (inData(path) || GENERATED.match(path, isDirectory) !== undefined) return true;
    if (exclude.match(path, isDirectory) !== undefined) return true;
    // A folder may hold included files even when the folder itself matches no include glob.
    if (isDirectory) return false;
    return include.match(path) === undefined && layers.every((l) => l.match(path) === undefined);
  };
}

/** Every watched file under `root` with its size and mtime, sorted (`path` relative). */
async function watchedFiles(
  root: string,
  ignore: IgnoreRule,
): Promise<{ path: string; size: number; mtimeMs: number }[]> {
  const out: { path: string; size: number; mtimeMs: number }[] = [];
  const walk = async (folder: string, rel: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const isDirectory = entry.isDirectory();
      if (ignore(path, isDirectory)) continue;
      if (isDirectory) await walk(join(folder, entry.name), path);
      else if (entry.isFile()) {
        const stat = await lstat(join(folder, entry.name)).catch(() => undefined);
        if (stat !== undefined) out.push({ path, size: stat.size, mtimeMs: stat.mtimeMs });
      }
    }
  };
  await walk(root, '');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * A cheap fingerprint of the watched files (names, sizes, mtimes): when it differs from the one of
 * the last install, the install hook runs again (dev runs every version under one digest).
 */
export async function folderFingerprint(root: string, ignore: IgnoreRule): Promise<string> {
  const hash = createHash('sha256');
  for (const f of await watchedFiles(root, ignore)) hash.update(`${f.path}\0${f.size}\0${f.mtimeMs}\n`);
  return hash.digest('hex');
}

export interface FolderWatcher {
  close(): void;
}

export interface WatchOptions {
  /** Quiet time after the last change before `onChange` fires (default 300 ms). */
  debounceMs?: number;
  /** Called with the changed paths (relative, sorted) once changes settle. */
  onChange: (paths: string[]) => void;
  onError?: (error: Error) => void;
}

/**
 * Watches `root` (folders the rule does not ignore, new ones too) and reports settled batches of
 * changes. The rule is asked again on every event, so it may change (a reloaded manifest).
 */
export async function watchFolder(
  root: string,
  ignore: () => IgnoreRule,
  options: WatchOptions,
): Promise<FolderWatcher> {
  const debounceMs = options.debounceMs ?? 300;
  const watchers = new Map<string, FSWatcher>();
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const changed = (path: string): void => {
    pending.add(path);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const paths = [...pending].sort();
      pending.clear();
      if (!closed) options.onChange(paths);
    }, debounceMs);
  };

  const add = async (folder: string, rel: string): Promise<void> => {
    if (closed || watchers.has(rel)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(folder, { persistent: true }, (_event, name) => {
        if (name === null) return;
        const path = rel === '' ? name : `${rel}/${name}`;
        void lstat(join(folder, name))
          .then((s) => s.isDirectory())
          .catch(() => false)
          .then(async (isDirectory) => {
            if (ignore()(path, isDirectory)) return;
            if (isDirectory) await add(join(folder, name), path);
            changed(path);
          });
      });
    } catch (error) {
      // A folder removed between listing and watching is simply not watched.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') options.onError?.(error as Error);
      return;
    }
    watcher.on('error', () => {
      // The folder went away; its parent reports the removal.
      watcher.close();
      watchers.delete(rel);
    });
    watchers.set(rel, watcher);
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory() && !ignore()(path, true)) await add(join(folder, entry.name), path);
    }
  };
  await add(root, '');

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
