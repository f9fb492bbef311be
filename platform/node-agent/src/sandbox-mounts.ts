/**
 * Host mounts the agent (as root) makes for sandboxes: each allocation's view (its home, on a
 * file system image of its own size when the node can mount one, and the runtime's folder, bound
 * from the data folder), and staged read-only binds of installs that lie under folders the
 * sandbox's unprivileged host uid cannot traverse (node under /root/.cache, a checkout in /root).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { AgentLogger } from './sandbox.js';
import { warnOnce } from './sandbox-limits.js';
import { mountLoopImage } from './loop-images.js';

const run = promisify(execFile);
const SYSTEM_PATH = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };

/** Whether `path` is a mount point (per this process's mount table). */
export async function isMountPoint(path: string): Promise<boolean> {
  const table = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const target = resolve(path);
  return table.split('\n').some((line) => unescapeMount(line.split(' ')[4] ?? '') === target);
}

function unescapeMount(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Whether this node has mounted a home image yet (undefined: not tried). */
let loopMounts: boolean | undefined;

/**
 * Gives the home its own ext4 file system of `bytes` (a sparse image, so unused space costs
 * nothing), owned by the tenant. Returns false where the node cannot mount one at all (no loop
 * devices, not root): the home is then a plain folder, limited only by the node's disk, said once.
 * On a node where it has worked, a failure is retried and then fails the allocation: a home
 * without its limit is not handed out silently.
 */
export async function mountHomeImage(
  image: string,
  home: string,
  bytes: number,
  owner: number,
  logger: AgentLogger,
): Promise<boolean> {
  if (await isMountPoint(home)) return true;
  let lastError: unknown;
  for (let attempt = 0; attempt < (loopMounts === true ? 3 : 1); attempt += 1) {
    try {
      await makeAndMount(image, home, bytes, owner);
      loopMounts = true;
      return true;
    } catch (error) {
      lastError = error;
      await rm(image, { force: true }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
    }
  }
  const message = errorText(lastError);
  if (loopMounts === true) throw new Error(`cannot mount the home's file system: ${message}`);
  loopMounts = false;
  warnOnce(
    logger,
    `cannot mount a file system image for sandbox homes (${message}): homes are plain folders without a size limit`,
  );
  return false;
}

async function makeAndMount(image: string, home: string, bytes: number, owner: number): Promise<void> {
  if (!existsSync(image)) {
    await writeFile(image, '', { mode: 0o600 });
    await run('truncate', ['-s', String(bytes), image]);
    // One inode per 64 KiB and lazy initialisation: a fresh home costs a few MiB of the node's
    // disk whatever its size (the image is sparse); large homes get a 64 MiB journal instead of
    // mkfs's default of up to 1 GiB, small ones mkfs's own (a journal must fit the file system).
    const options = `root_owner=${owner}:${owner},lazy_itable_init=1,lazy_journal_init=1`;
    const journal = bytes >= 1024 ** 3 ? ['-J', 'size=64'] : [];
    await run('mkfs.ext4', ['-q', '-F', '-m', '0', '-i', '65536', ...journal, '-E', options, image], {
      env: SYSTEM_PATH,
    });
  }
  await mkdir(home, { recursive: true, mode: 0o700 });
  // The same direct-I/O loop device as volumes (loop-images.ts).
  await mountLoopImage(image, home, 'ext4');
}

function errorText(error: unknown): string {
  const e = error as { stderr?: string; message?: string } | undefined;
  const text = (e?.stderr ?? '').trim() || (e?.message ?? String(error));
  return text.split('\n')[0] ?? text;
}

/** Unmounts whatever is mounted at `path` (lazily if something still holds it). */
export async function unmount(path: string): Promise<void> {
  for (let i = 0; i < 4 && (await isMountPoint(path)); i += 1) {
    await run('umount', [path], { env: SYSTEM_PATH }).catch(() =>
      run('umount', ['-l', path], { env: SYSTEM_PATH }),
    );
  }
}

/** Binds `source` onto `target` (created), read-only if asked. */
export async function bindMount(
  source: string,
  target: string,
  options: { readOnly: boolean },
): Promise<void> {
  if (await isMountPoint(target)) return;
  await mkdir(target, { recursive: true, mode: 0o755 });
  await run('mount', ['--bind', source, target], { env: SYSTEM_PATH });
  if (options.readOnly) {
    await run('mount', ['-o', 'remount,bind,ro', target], { env: SYSTEM_PATH });
  }
}

/** Whether every folder from / down to `path` lets others traverse it (and `path` read it). */
export function worldReachable(path: string): boolean {
  try {
    for (let dir = resolve(path); ; dir = dirname(dir)) {
      const mode = statSync(dir).mode;
      if ((mode & 0o001) === 0) return false;
      if (dir === dirname(dir)) return true;
    }
  } catch {
    return false;
  }
}

/**
 * Where a sandbox's bwrap can find `path`: the path itself when it is world-traversable, else a
 * read-only bind of it under `stagingRoot` (shared by all sandboxes of the host, kept across
 * agents: it shows nothing the path does not).
 */
export async function stageReadOnly(path: string, stagingRoot: string): Promise<string> {
  if (worldReachable(path)) return path;
  const target = join(stagingRoot, createHash('sha256').update(resolve(path)).digest('hex').slice(0, 16));
  await mkdir(stagingRoot, { recursive: true, mode: 0o711 });
  await bindMount(path, target, { readOnly: true });
  return target;
}

/** Removes a view folder only once nothing is mounted in it (never deletes through a mount). */
export async function removeView(view: string, mounts: string[]): Promise<void> {
  for (const m of mounts) await unmount(m);
  for (const m of mounts) if (await isMountPoint(m)) throw new Error(`${m} is still mounted`);
  await rm(view, { recursive: true, force: true });
}
