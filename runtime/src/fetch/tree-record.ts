/**
 * The tamper-evident record of a sealed app folder, and the signature evidence kept beside it.
 *
 * A tree is built only from layers whose every byte matched its digest. To launch from it again
 * without reading those bytes again (1 GiB of SHA-256 is ~0.7 s of CPU here, more than the whole
 * warm-launch budget), the runtime records, right after sealing, what `lstat` says of every entry:
 * kind, mode, size, inode, and the modification and change times in nanoseconds. Any change made
 * through the file system after that moves one of them: a write or truncate moves mtime and ctime,
 * a chmod or chown moves ctime, a file replaced (rename, delete and re-create) gets another inode,
 * and a file added, removed or renamed moves its folder's times. ctime cannot be set from user
 * space (utimes sets atime and mtime only), so a change cannot be hidden by restoring the times.
 * What it does not catch — a raw write to the block device, a clock set back by root — needs the
 * privileges that could as well replace the runtime itself.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { StoredBundle } from '@gpuaas/sdk';
import type { CacheLayout } from './cache.js';

/** path ('' is the root), kind, mode, size, inode, mtime ns, ctime ns (numbers as decimal text). */
type RecordedEntry = [string, 'd' | 'f' | 'l', number, string, string, string, string];

interface TreeRecord {
  version: 1;
  digest: string;
  entries: RecordedEntry[];
}

/** The bundles that verified an artifact, kept for verifying its next launch offline. */
export interface Evidence {
  version: 1;
  digest: string;
  /** `host/repo` the bundles were read from and the policy was evaluated for. */
  repository: string;
  bundles: StoredBundle[];
}

/** What differs between the record and the tree, for the error message. */
export interface TreeChange {
  entry: string;
  what: string;
}

const LSTAT_BATCH = 64;

async function describeEntry(root: string, path: string): Promise<RecordedEntry> {
  const info = await lstat(path === '' ? root : join(root, path), { bigint: true });
  const kind = info.isDirectory() ? 'd' : info.isSymbolicLink() ? 'l' : info.isFile() ? 'f' : undefined;
  if (kind === undefined) throw new Error(`${path}: neither a file, a folder nor a symlink`);
  return [
    path,
    kind,
    Number(info.mode & 0o7777n),
    String(info.size),
    String(info.ino),
    String(info.mtimeNs),
    String(info.ctimeNs),
  ];
}

/** Writes `text` to `path` through a temporary file and one rename: readers see all or nothing. */
async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.partial`;
  await writeFile(temporary, text, { mode: 0o444 });
  await rename(temporary, path);
}

/** Records the sealed tree of `digest` (in place, final modes set), entry by entry. */
export async function recordTree(cache: CacheLayout, digest: string, paths: Iterable<string>): Promise<void> {
  const root = cache.tree(digest);
  const all = ['', ...paths];
  const entries: RecordedEntry[] = [];
  for (let i = 0; i < all.length; i += LSTAT_BATCH) {
    entries.push(...(await Promise.all(all.slice(i, i + LSTAT_BATCH).map((p) => describeEntry(root, p)))));
  }
  const record: TreeRecord = { version: 1, digest, entries };
  await writeAtomically(cache.record(digest), JSON.stringify(record));
}

/** Whether the tree of `digest` has a record (trees of older runtimes, or a crash, have none). */
export async function hasRecord(cache: CacheLayout, digest: string): Promise<boolean> {
  return readFile(cache.record(digest)).then(
    () => true,
    () => false,
  );
}

/**
 * Compares the tree of `digest` with its record: undefined when every entry is as recorded,
 * else the first difference found (a record that cannot be read is one too).
 */
export async function checkTree(cache: CacheLayout, digest: string): Promise<TreeChange | undefined> {
  const root = cache.tree(digest);
  let record: TreeRecord;
  try {
    record = JSON.parse(await readFile(cache.record(digest), 'utf8')) as TreeRecord;
  } catch (error) {
    return { entry: '', what: `its record cannot be read: ${(error as Error).message}` };
  }
  if (record.version !== 1 || record.digest !== digest || !Array.isArray(record.entries)) {
    return { entry: '', what: `its record is not a record of ${digest}` };
  }
  const fields = ['kind', 'mode', 'size', 'inode', 'mtime', 'ctime'];
  for (let i = 0; i < record.entries.length; i += LSTAT_BATCH) {
    const batch = record.entries.slice(i, i + LSTAT_BATCH);
    const now = await Promise.all(
      batch.map((recorded) =>
        describeEntry(root, recorded[0]).catch((error: unknown) => (error as Error).message),
      ),
    );
    for (const [index, recorded] of batch.entries()) {
      const current = now[index] as RecordedEntry | string;
      if (typeof current === 'string') return { entry: recorded[0], what: current };
      const field = fields.findIndex((_, f) => current[f + 1] !== recorded[f + 1]);
      if (field >= 0) {
        return {
          entry: recorded[0],
          what: `its ${fields[field]} is ${String(current[field + 1])}, recorded ${String(recorded[field + 1])}`,
        };
      }
    }
  }
  return undefined;
}

export async function saveEvidence(cache: CacheLayout, evidence: Omit<Evidence, 'version'>): Promise<void> {
  await writeAtomically(cache.evidence(evidence.digest), JSON.stringify({ version: 1, ...evidence }));
}

/** The kept evidence of `digest`; undefined when there is none or it is not evidence of it. */
export async function loadEvidence(cache: CacheLayout, digest: string): Promise<Evidence | undefined> {
  try {
    const evidence = JSON.parse(await readFile(cache.evidence(digest), 'utf8')) as Evidence;
    const valid =
      evidence.version === 1 &&
      evidence.digest === digest &&
      typeof evidence.repository === 'string' &&
      Array.isArray(evidence.bundles);
    return valid ? evidence : undefined;
  } catch {
    return undefined;
  }
}
