/**
 * Garbage collection: mark every blob a manifest of any repository references (the manifests
 * themselves, their config and layers, an index's children, referrers, which are manifests of the
 * repository too), then delete the blobs nothing marked, and the repository links to them. Blobs
 * younger than `graceMs` are spared, so a push in flight (blobs first, manifest last) is never cut
 * from under its client; stale uploads go too.
 */
import type { Stats } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissing } from './files.js';
import type { RegistryLayout } from './layout.js';
import { parseManifest } from './manifests.js';
import type { ManifestStore } from './manifests.js';

export interface GcOptions {
  /** Spare blobs and uploads modified within this window (default one hour). */
  graceMs?: number;
  /** Report what would go, delete nothing. */
  dryRun?: boolean;
  /** Clock, for tests. */
  now?: number;
}

export interface GcReport {
  repositories: number;
  manifests: number;
  markedBlobs: number;
  deletedBlobs: string[];
  freedBytes: number;
  deletedUploads: number;
}

export async function collectGarbage(
  layout: RegistryLayout,
  manifests: ManifestStore,
  options: GcOptions = {},
): Promise<GcReport> {
  const graceMs = options.graceMs ?? 60 * 60 * 1000;
  const now = options.now ?? Date.now();
  const repositories = await repositoryNames(layout);
  const marked = new Set<string>();
  let manifestCount = 0;
  for (const name of repositories) {
    for (const digest of await manifests.revisions(name)) {
      manifestCount += 1;
      marked.add(digest);
      const { mediaType, bytes } = await manifests.get(name, digest);
      const refs = parseManifest(bytes, mediaType);
      for (const d of [...refs.blobs, ...refs.manifests]) marked.add(d);
    }
  }
  const report: GcReport = {
    repositories: repositories.length,
    manifests: manifestCount,
    markedBlobs: marked.size,
    deletedBlobs: [],
    freedBytes: 0,
    deletedUploads: 0,
  };
  for (const hex of await list(layout.blobsDir)) {
    if (!/^[a-f0-9]{64}$/.test(hex) || marked.has(`sha256:${hex}`)) continue;
    const info = await statOptional(layout.blob(hex));
    if (info === undefined || now - info.mtimeMs < graceMs) continue;
    report.deletedBlobs.push(`sha256:${hex}`);
    report.freedBytes += info.size;
    if (options.dryRun === true) continue;
    await rm(layout.blob(hex), { force: true });
    for (const name of repositories) await rm(layout.blobLink(name, hex), { force: true });
  }
  for (const id of await list(layout.uploadsDir)) {
    const info = await statOptional(join(layout.upload(id), 'data'));
    if (info !== undefined && now - info.mtimeMs < graceMs) continue;
    report.deletedUploads += 1;
    if (options.dryRun !== true) await rm(layout.upload(id), { recursive: true, force: true });
  }
  return report;
}

/** Every repository: a folder under repositories/ holding `_manifests` or `_blobs`. */
export async function repositoryNames(layout: RegistryLayout): Promise<string[]> {
  const found: string[] = [];
  const walk = async (prefix: string[]): Promise<void> => {
    const entries = await list(join(layout.repositoriesDir, ...prefix));
    if (entries.includes('_manifests') || entries.includes('_blobs')) found.push(prefix.join('/'));
    for (const entry of entries) {
      if (entry.startsWith('_') || entry.includes('.tmp-')) continue;
      const info = await statOptional(join(layout.repositoriesDir, ...prefix, entry));
      if (info?.isDirectory() === true) await walk([...prefix, entry]);
    }
  };
  await walk([]);
  return found.sort();
}

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

async function statOptional(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}
