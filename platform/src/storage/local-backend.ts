/**
 * The local-directory backend (storage class `local`, site `local`): each volume is a sparse ext4
 * image under `<data-dir>/storage/images/`, loop-mounted at `<data-dir>/storage/mounts/<id>`, so
 * the file system itself refuses writes past the size (ENOSPC) and nothing inside a sandbox can
 * lift it — the same approach as sandbox homes (node-agent sandbox-mounts.ts). Growing is online
 * (`losetup -c` then `resize2fs` on the mounted device); snapshots are `cp --reflink=auto` copies
 * of the image (copy-on-write on btrfs/XFS, a sparse full copy otherwise).
 *
 * Where loop mounts are impossible (not root, no loop devices) it falls back to plain folders under
 * `<data-dir>/storage/folders/` without a size limit (`enforcesSize: false`, logged once), and
 * snapshots copy the folder; docs/storage.md says so.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { StorageBackend } from './backend.js';
import { StorageBackendError } from './backend.js';

const run = promisify(execFile);
const SYSTEM_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
const GIB = 1024 ** 3;

export type LocalStorageMode = 'image' | 'folder';

/** Whether this process can loop-mount file system images (root with mount and mkfs.ext4). */
export async function probeImageMode(root: string): Promise<LocalStorageMode> {
  if (process.getuid?.() !== 0) return 'folder';
  const probe = join(root, `probe-${process.pid}`);
  const image = `${probe}.img`;
  try {
    await mkdir(root, { recursive: true, mode: 0o700 });
    await sh('truncate', ['-s', String(16 * 1024 * 1024), image]);
    await sh('mkfs.ext4', ['-q', '-F', image]);
    await mkdir(probe, { recursive: true });
    await sh('mount', ['-o', 'loop', image, probe]);
    await sh('umount', [probe]);
    return 'image';
  } catch {
    return 'folder';
  } finally {
    await rm(probe, { recursive: true, force: true }).catch(() => undefined);
    await rm(image, { force: true }).catch(() => undefined);
  }
}

async function sh(file: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(file, args, { env: SYSTEM_ENV });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message?: string };
    const text = (e.stderr ?? '').trim() || (e.message ?? String(error));
    throw new StorageBackendError(`${file} ${args.join(' ')}: ${text.split('\n')[0] ?? text}`, {
      cause: error,
    });
  }
}

async function isMountPoint(path: string): Promise<boolean> {
  const table = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const target = resolve(path);
  return table
    .split('\n')
    .some(
      (line) =>
        (line.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_m, o: string) =>
          String.fromCharCode(parseInt(o, 8)),
        ) === target,
    );
}

export class LocalStorageBackend implements StorageBackend {
  readonly storageClass = 'local';
  readonly enforcesSize: boolean;
  readonly #root: string;

  /** `root` is `<data-dir>/storage`; `mode` from probeImageMode. */
  constructor(
    root: string,
    readonly mode: LocalStorageMode,
  ) {
    this.#root = resolve(root);
    this.enforcesSize = mode === 'image';
  }

  #image(id: string): string {
    return join(this.#root, 'images', `${id}.img`);
  }
  #snapshotFile(id: string): string {
    return join(this.#root, 'snapshots', this.mode === 'image' ? `${id}.img` : id);
  }
  #folder(id: string): string {
    return join(this.#root, 'folders', id);
  }

  hostPath(id: string): string {
    return this.mode === 'image' ? join(this.#root, 'mounts', id) : this.#folder(id);
  }

  async #dirs(): Promise<void> {
    for (const d of ['images', 'mounts', 'snapshots', 'folders']) {
      await mkdir(join(this.#root, d), { recursive: true, mode: 0o700 });
    }
    // Sandboxes run as other host uids: they must traverse to their bind's source.
    await chmod(this.#root, 0o711);
    await chmod(join(this.#root, 'mounts'), 0o711);
    await chmod(join(this.#root, 'folders'), 0o711);
  }

  async create(id: string, sizeGib: number): Promise<void> {
    await this.#dirs();
    if (this.mode === 'folder') {
      await mkdir(this.#folder(id), { recursive: true });
      await chmod(this.#folder(id), 0o777);
      return;
    }
    const image = this.#image(id);
    if (!existsSync(image)) {
      // Made beside its final name and renamed: a crash never leaves a half-made image under it.
      const partial = `${image}.partial`;
      await rm(partial, { force: true });
      await sh('truncate', ['-s', String(sizeGib * GIB), partial]);
      // As sandbox homes: one inode per 64 KiB, a 64 MiB journal from 1 GiB, lazy initialisation
      // (a fresh volume costs a few MiB of the node's disk whatever its size: the image is sparse).
      const journal = sizeGib >= 1 ? ['-J', 'size=64'] : [];
      await sh('mkfs.ext4', [
        '-q',
        '-F',
        '-m',
        '0',
        '-i',
        '65536',
        ...journal,
        '-E',
        'lazy_itable_init=1,lazy_journal_init=1',
        partial,
      ]);
      await rename(partial, image);
    }
    await this.#mount(id);
  }

  async #mount(id: string): Promise<void> {
    const target = this.hostPath(id);
    await mkdir(target, { recursive: true, mode: 0o755 });
    if (!(await isMountPoint(target))) {
      await sh('mount', ['-o', 'loop,nosuid,nodev,noinit_itable', this.#image(id), target]);
    }
    // Any sandbox's tenant may write; only sandboxes it is bound into can reach it (0711 above).
    await chmod(target, 0o1777);
  }

  async ensureMounted(id: string): Promise<boolean> {
    if (this.mode === 'folder') return existsSync(this.#folder(id));
    if (!existsSync(this.#image(id))) return false;
    await this.#dirs();
    await this.#mount(id);
    return true;
  }

  async grow(id: string, sizeGib: number, options: { inUse: boolean }): Promise<void> {
    if (this.mode === 'folder') return;
    const image = this.#image(id);
    const target = this.hostPath(id);
    await this.#mount(id);
    await sh('truncate', ['-s', `>${sizeGib * GIB}`, image]);
    const device = (await sh('losetup', ['-j', image])).split(':')[0]?.trim();
    if (device === undefined || device === '') throw new StorageBackendError(`no loop device for ${image}`);
    await sh('losetup', ['-c', device]);
    try {
      await sh('resize2fs', [device]);
      return;
    } catch (error) {
      // Some kernels or containers refuse the online-resize ioctl (EPERM): a detached volume is
      // then grown unmounted; an attached one cannot be (a sandbox holds it) and the grow fails.
      if (options.inUse) {
        throw new StorageBackendError(
          `this node cannot grow a mounted file system (${(error as Error).message}); release the allocations using the volume and retry`,
          { cause: error },
        );
      }
    }
    await sh('umount', [target]);
    await sh('e2fsck', ['-f', '-p', image]);
    await sh('resize2fs', [image]);
    await this.#mount(id);
  }

  async remove(id: string): Promise<void> {
    const target = this.hostPath(id);
    if (this.mode === 'image') {
      for (let i = 0; i < 4 && (await isMountPoint(target)); i += 1) {
        await sh('umount', [target]).catch(() => sh('umount', ['-l', target]));
      }
      if (await isMountPoint(target)) throw new StorageBackendError(`${target} is still mounted`);
      await rm(this.#image(id), { force: true });
      await rm(`${this.#image(id)}.partial`, { force: true });
    }
    await rm(target, { recursive: true, force: true });
  }

  async snapshot(volumeId: string, snapshotId: string): Promise<void> {
    await this.#dirs();
    const target = this.#snapshotFile(snapshotId);
    if (existsSync(target)) return;
    const partial = `${target}.partial`;
    await rm(partial, { recursive: true, force: true });
    if (this.mode === 'image') {
      // Flush what the mounted file system holds so the copy is at least crash-consistent.
      await sh('sync', ['-f', this.hostPath(volumeId)]).catch(() => undefined);
      await sh('cp', ['--reflink=auto', '--sparse=always', this.#image(volumeId), partial]);
    } else {
      await sh('cp', ['-a', '--reflink=auto', this.#folder(volumeId), partial]);
    }
    await rename(partial, target);
  }

  async restore(snapshotId: string, volumeId: string): Promise<void> {
    await this.#dirs();
    const source = this.#snapshotFile(snapshotId);
    if (this.mode === 'folder') {
      if (!existsSync(this.#folder(volumeId))) {
        await sh('cp', ['-a', '--reflink=auto', source, `${this.#folder(volumeId)}.partial`]);
        await rename(`${this.#folder(volumeId)}.partial`, this.#folder(volumeId));
      }
      return;
    }
    const image = this.#image(volumeId);
    if (!existsSync(image)) {
      await rm(`${image}.partial`, { force: true });
      await sh('cp', ['--reflink=auto', '--sparse=always', source, `${image}.partial`]);
      await rename(`${image}.partial`, image);
    }
    await this.#mount(volumeId);
  }

  async removeSnapshot(snapshotId: string): Promise<void> {
    const target = this.#snapshotFile(snapshotId);
    await rm(target, { recursive: true, force: true });
    await rm(`${target}.partial`, { recursive: true, force: true });
  }
}
