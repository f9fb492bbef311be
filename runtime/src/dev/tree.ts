/**
 * `gpuaas-app dev` runs the app under an allocation's filesystem rules, so what fails in an
 * allocation fails on the developer's machine first: the app runs from a read-only copy of exactly
 * the files its artifact would hold (the packer's own selection), and writes only to its data
 * folder. As root (where file modes bind no one), hooks and the app also run as `nobody`, as they
 * run as an unprivileged uid in a sandbox.
 */
import { statSync } from 'node:fs';
import { chmod, copyFile, mkdir, symlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { collectFiles } from '@gpuaas/sdk';
import { removeTree } from '../fetch/cache.js';
import { setTenantUser } from '../sandbox/tenant.js';

/** `nobody`: the uid dev runs tenant code as when it runs as root. */
export const DEV_TENANT = { uid: 65534, gid: 65534 } as const;

/**
 * Copies the files the artifact would contain from `appDir` into `target` (replacing what was
 * there), read-only: files 0444 (0555 when executable), folders 0555. Returns the file count.
 */
export async function stageAppTree(
  appDir: string,
  manifest: GpuaasAppManifest,
  target: string,
  exclude: readonly string[],
): Promise<number> {
  await removeTree(target);
  await mkdir(target, { recursive: true, mode: 0o755 });
  const { layers } = await collectFiles(appDir, manifest.files ?? {}, { excludeAbsolute: exclude });
  const folders = new Set<string>();
  let count = 0;
  for (const layer of layers) {
    for (const file of layer.files) {
      const to = join(target, file.path);
      for (let dir = dirname(to); dir.length > target.length; dir = dirname(dir)) folders.add(dir);
      await mkdir(dirname(to), { recursive: true, mode: 0o755 });
      if (file.type === 'symlink') {
        await symlink(file.target, to);
      } else {
        await copyFile(file.absolutePath, to);
        await chmod(to, file.executable ? 0o555 : 0o444);
      }
      count += 1;
    }
  }
  // Deepest first, the tree's root last: a folder made read-only stops its own copy otherwise.
  for (const dir of [...folders].sort((a, b) => b.length - a.length)) await chmod(dir, 0o555);
  await chmod(target, 0o555);
  return count;
}

/**
 * As root, tenant code runs as nobody (mode bits would bind no one else); returns whether it does.
 * The data folder must then let nobody through: it is opened to 0711, and when a folder above it
 * is private (a --data-dir under /root), tenant code stays root and `warn` says what that means.
 */
export async function useDevTenant(dataDir: string, warn: (message: string) => void): Promise<boolean> {
  // Process-wide (see sandbox/tenant.ts): decided anew by each dev session.
  setTenantUser(undefined);
  if (process.getuid?.() !== 0) return false;
  await chmod(dataDir, 0o711);
  if (!worldTraversable(dataDir)) {
    warn(
      `running as root with the data folder ${dataDir} under a private folder: hooks and the app run as root, so the read-only app folder is not enforced (pass a --data-dir others can traverse, or run as another user)`,
    );
    return false;
  }
  setTenantUser(DEV_TENANT);
  return true;
}

/** Whether every folder from / down to `path` lets others through. */
export function worldTraversable(path: string): boolean {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    try {
      if ((statSync(dir).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    if (dir === dirname(dir)) return true;
  }
}
