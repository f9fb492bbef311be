/**
 * A warm launch: an artifact whose tree is in the cache is verified from what was kept beside it,
 * without the registry. The checks are a cold pull's, on the same inputs:
 *
 * - signatures: the Sigstore bundles read from the registry when the artifact last verified are
 *   judged again by the sdk's `judgeBundles` (what `verifyArtifact` runs once it has the bundles)
 *   against the trust policy or keys of *this* launch: signature, key or identity, subject digest,
 *   required attestations. A bundle is signed content, so one kept on disk is no easier to forge
 *   than one served by a registry. When the kept bundles do not satisfy this launch's policy (a
 *   newly required approval, say), the launch asks the registry as a cold one does — so a verdict
 *   can only get stricter offline, never looser;
 * - manifest and config: re-read from the blob store and re-hashed against the pinned digest;
 * - layers: the tree was unpacked from layers that matched their digests; it is compared, entry by
 *   entry, with the record taken when it was sealed (tree-record.ts), which any later change to it
 *   shows. Re-hashing the layers instead would cost ~0.7 s per GiB on every launch.
 *
 * Anything changed refuses the launch with ARTIFACT_CACHE_TAMPERED, and the copy is dropped so the
 * next launch downloads it again. Anything missing (no evidence, no record, a blob gone) is a miss:
 * the launch goes the cold way, where `reuseOrBuild` (under the build lock, once the registry's
 * bundles verified) checks a recorded tree the same way before using it, and rebuilds one that
 * has no record rather than trust it.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  judgeBundles,
  splitDigest,
  type ArtifactTrust,
  type BundleSubject,
  type RegistryClient,
  type VerifyArtifactResult,
} from '@gpuaas/sdk';
import { RuntimeError, isRuntimeError } from '../errors.js';
import { buildTree, loadCachedMeta, loadMeta, type ArtifactMeta } from './build.js';
import { exists, removeTree, withBuildLock, type CacheLayout } from './cache.js';
import type { FetchArtifactOptions } from './fetch.js';
import { checkTree, hasRecord, loadEvidence } from './tree-record.js';

export type WarmOutcome =
  { hit: true; meta: ArtifactMeta; verdict: VerifyArtifactResult } | { hit: false; why: string };

let dropped = 0;

/**
 * Removes the tree, record and evidence of `digest` and the damaged `blobs` (under the build
 * lock of `digest`), so the next launch rebuilds it from blobs verified again or downloaded
 * again. The tree is renamed aside first: a launch that looks now finds nothing, not half a tree.
 */
export async function dropCopy(
  cache: CacheLayout,
  digest: string,
  blobs: readonly string[] = [],
): Promise<void> {
  await withBuildLock(cache, digest, () => dropCopyLocked(cache, digest, blobs));
}

/** dropCopy for a caller that holds the build lock of `digest` already. */
export async function dropCopyLocked(
  cache: CacheLayout,
  digest: string,
  blobs: readonly string[] = [],
): Promise<void> {
  const aside = join(cache.tmp, `${splitDigest(digest).hex}.dropped.${process.pid}.${++dropped}`);
  await mkdir(cache.tmp, { recursive: true, mode: 0o700 });
  await rename(cache.tree(digest), aside).catch(() => undefined);
  await rm(cache.record(digest), { force: true });
  await rm(cache.evidence(digest), { force: true });
  for (const blob of blobs) await rm(cache.blob(blob), { force: true });
  await removeTree(aside);
}

/** The tree of `digest` differs from its record: ARTIFACT_CACHE_TAMPERED naming the entry. */
export async function refuseChangedTree(cache: CacheLayout, digest: string): Promise<void> {
  const change = await checkTree(cache, digest);
  if (change === undefined) return;
  const entry = change.entry === '' ? 'the app folder' : `"${change.entry}"`;
  throw new RuntimeError(
    'ARTIFACT_CACHE_TAMPERED',
    `the cached copy of ${digest} changed after it was verified: ${entry}: ${change.what}; it is dropped, and the next launch downloads the artifact again`,
    { details: { digest, entry: change.entry, change: change.what } },
  );
}

/**
 * Verifies the cached copy of `subject` for a launch under `trust`, offline. A hit needs no
 * registry request; a miss says why; a changed copy throws ARTIFACT_CACHE_TAMPERED after
 * dropping it.
 */
export async function verifyFromCache(
  cache: CacheLayout,
  subject: BundleSubject,
  trust: ArtifactTrust,
): Promise<WarmOutcome> {
  const { digest } = subject;
  const evidence = await loadEvidence(cache, digest);
  if (evidence === undefined) return { hit: false, why: 'no signatures kept' };
  // Bundles read from another repository were judged for its name; this launch's scope may differ.
  if (evidence.repository !== subject.repository) {
    return { hit: false, why: `signatures kept for ${evidence.repository}` };
  }
  if (!(await exists(cache.tree(digest))) || !(await hasRecord(cache, digest))) {
    return { hit: false, why: 'no recorded tree' };
  }
  try {
    const meta = await loadCachedMeta(cache, digest);
    if (meta === undefined) return { hit: false, why: 'manifest or config not in the blob store' };
    await refuseChangedTree(cache, digest);
    const verdict = await judgeBundles(subject, evidence.bundles, trust);
    if (!verdict.allowed) {
      return { hit: false, why: `the kept signatures do not pass now (${verdict.code ?? 'refused'})` };
    }
    return { hit: true, meta, verdict };
  } catch (error) {
    if (isRuntimeError(error) && error.code === 'ARTIFACT_CACHE_TAMPERED') {
      const blob = error.details?.blob;
      await dropCopy(cache, digest, typeof blob === 'string' ? [blob] : []);
    }
    throw error;
  }
}

/** The tree of `digest` as it stands in the cache, checked against its record; see the module comment. */
export async function reuseOrBuild(
  client: RegistryClient,
  cache: CacheLayout,
  repository: string,
  digest: string,
  options: Pick<FetchArtifactOptions, 'signal' | 'maxUnpackedBytes'>,
): Promise<{ meta: ArtifactMeta; fromCache: boolean; files: number; bytes: number; layerBytes: number }> {
  const meta = await loadMeta(client, cache, repository, digest);
  if (await exists(cache.tree(digest))) {
    if (await hasRecord(cache, digest)) {
      try {
        await refuseChangedTree(cache, digest);
      } catch (error) {
        await dropCopyLocked(cache, digest);
        throw error;
      }
      return { meta, fromCache: true, files: 0, bytes: 0, layerBytes: 0 };
    }
    // No record (an older runtime's tree, or a crash right after its rename): nothing vouches for
    // it, so it is built again from blobs that are verified again.
    await removeTree(cache.tree(digest));
  }
  options.signal?.throwIfAborted();
  const tree = await buildTree(
    client,
    cache,
    repository,
    digest,
    meta.image,
    options.signal,
    options.maxUnpackedBytes,
  );
  return { meta, fromCache: false, files: tree.files, bytes: tree.bytes, layerBytes: tree.bytesDownloaded };
}
