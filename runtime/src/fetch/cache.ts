/**
 * The content-addressed artifact cache shared by the instances of an allocation:
 *
 *   <cacheDir>/blobs/sha256/<hex>   verified blobs: manifests, configs, gzip layers (read-only)
 *   <cacheDir>/trees/sha256/<hex>/  unpacked app folders, by manifest digest (read-only)
 *   <cacheDir>/records/sha256/<hex>.json   what each file of that tree looked like once sealed
 *   <cacheDir>/evidence/sha256/<hex>.json  the signature bundles that last verified it
 *   <cacheDir>/locks/sha256-<hex>   who is building that tree (pid and host)
 *   <cacheDir>/tmp/<hex>.<pid>.<n>/  work in progress of one build: a tree and blob downloads
 *
 * Everything reaches its final path by one rename once complete and verified, so a reader sees a
 * whole tree or none. Building a tree takes a lock (in-process, then a lock file for other
 * processes) so two launches of one artifact unpack it once; the lock is only about saving work —
 * if it is ever broken wrongly, the second rename finds the tree in place and its copy is discarded.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { chmod, link, mkdir, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitDigest } from '@gpuaas/sdk';

export interface CacheLayout {
  root: string;
  blob(digest: string): string;
  tree(digest: string): string;
  /** The tree's tamper-evident record (tree-record.ts), written when it is sealed. */
  record(digest: string): string;
  /** The bundles that verified the artifact, for verifying a warm launch offline (warm.ts). */
  evidence(digest: string): string;
  lock(digest: string): string;
  tmp: string;
}

export function cacheLayout(root: string): CacheLayout {
  return {
    root,
    blob: (digest) => {
      const { algorithm, hex } = splitDigest(digest);
      return join(root, 'blobs', algorithm, hex);
    },
    tree: (digest) => {
      const { algorithm, hex } = splitDigest(digest);
      return join(root, 'trees', algorithm, hex);
    },
    record: (digest) => {
      const { algorithm, hex } = splitDigest(digest);
      return join(root, 'records', algorithm, `${hex}.json`);
    },
    evidence: (digest) => {
      const { algorithm, hex } = splitDigest(digest);
      return join(root, 'evidence', algorithm, `${hex}.json`);
    },
    lock: (digest) => {
      const { algorithm, hex } = splitDigest(digest);
      return join(root, 'locks', `${algorithm}-${hex}`);
    },
    tmp: join(root, 'tmp'),
  };
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Removes a tree whose folders may be read-only (a sealed tree, or a failed build). */
export async function removeTree(path: string): Promise<void> {
  if (!(await exists(path))) return;
  const open = async (dir: string): Promise<void> => {
    await chmod(dir, 0o755).catch(() => undefined);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) if (entry.isDirectory()) await open(join(dir, entry.name));
  };
  await open(path);
  await rm(path, { recursive: true, force: true });
}

/**
 * Deletes the whole cache of `cacheDir` (trees are read-only, so a plain `rm -rf` fails for users
 * other than root). Only for when no instance uses it: running apps' folders disappear.
 */
export async function clearArtifactCache(cacheDir: string): Promise<void> {
  await removeTree(cacheDir);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const HOST = hostname();
let tmpCounter = 0;

/** A fresh folder for one build of `digest`; stale ones of that digest are removed by `takeLock`. */
export async function makeWorkDir(cache: CacheLayout, digest: string): Promise<string> {
  const dir = join(cache.tmp, `${splitDigest(digest).hex}.${process.pid}.${++tmpCounter}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Lock holder is stale when it is a process of this host that no longer runs. */
async function staleHolder(path: string): Promise<boolean> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return false; // released meanwhile: just try again
  const [pid, host] = text.trim().split(' ');
  if (host !== HOST) return false; // another machine's process: cannot tell, so wait
  const number = Number(pid);
  // Our own pid can only be a leftover of an earlier process: this one holds no lock it waits for.
  return !Number.isSafeInteger(number) || number === process.pid || !processAlive(number);
}

/**
 * Takes the lock file of `digest`: written under a temporary name, then hard-linked into place,
 * which fails when someone else holds it — so the file is never seen half-written. A holder that
 * died is detected by its pid and its lock broken. Returns the release function.
 */
async function takeFileLock(cache: CacheLayout, digest: string): Promise<() => Promise<void>> {
  const path = cache.lock(digest);
  await mkdir(join(cache.root, 'locks'), { recursive: true, mode: 0o700 });
  const mine = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const content = `${process.pid} ${HOST}\n`;
  await writeFile(mine, content, { mode: 0o600 });
  try {
    let delay = 10;
    for (;;) {
      try {
        await link(mine, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (await staleHolder(path)) {
        await unlink(path).catch(() => undefined);
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 200);
    }
  } finally {
    await unlink(mine).catch(() => undefined);
  }
  // Stale work folders of this digest belong to dead holders: nobody else builds it now.
  const prefix = `${splitDigest(digest).hex}.`;
  for (const name of await readdir(cache.tmp).catch(() => [] as string[])) {
    if (name.startsWith(prefix)) await removeTree(join(cache.tmp, name));
  }
  return async () => {
    const held = await readFile(path, 'utf8').catch(() => undefined);
    if (held === content) await unlink(path).catch(() => undefined);
  };
}

const inProcess = new Map<string, Promise<unknown>>();

/**
 * Runs `work` while holding the build lock of `digest` in `cache`: calls of this process queue in
 * order, other processes wait on the lock file.
 */
export async function withBuildLock<T>(
  cache: CacheLayout,
  digest: string,
  work: () => Promise<T>,
): Promise<T> {
  const key = `${cache.root}\0${digest}`;
  const previous = inProcess.get(key) ?? Promise.resolve();
  const run = previous
    .catch(() => undefined)
    .then(async () => {
      const release = await takeFileLock(cache, digest);
      try {
        return await work();
      } finally {
        await release();
      }
    });
  const settled = run.catch(() => undefined);
  inProcess.set(key, settled);
  void settled.then(() => {
    if (inProcess.get(key) === settled) inProcess.delete(key);
  });
  return run;
}
