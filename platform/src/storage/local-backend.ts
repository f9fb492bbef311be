/**
 * The local-directory backend (storage class `local`, site `local`): each volume is a sparse
 * file system image under `<data-dir>/storage/images/`, mounted through a direct-I/O loop device
 * (the node agent's loop-images.ts, as sandbox homes are) at `<data-dir>/storage/mounts/<id>`, so
 * the file system itself refuses writes past the size (ENOSPC) and nothing inside a sandbox can
 * lift it. New volumes are XFS where `mkfs.xfs` and `xfs_growfs` are installed, else ext4: XFS
 * grows online with CAP_SYS_ADMIN alone, while ext4's online resize also needs CAP_SYS_RESOURCE,
 * which containers often drop from their bounding set (image-grow.ts). Snapshots are
 * `cp --reflink=auto` copies of the image (copy-on-write on btrfs/XFS, a sparse full copy
 * otherwise).
 *
 * Where loop mounts are impossible (not root, no loop devices) it falls back to plain folders under
 * `<data-dir>/storage/folders/` without a size limit (`enforcesSize: false`, logged once), and
 * snapshots copy the folder; docs/storage.md says so.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { mountEntry, mountLoopImage } from '@gpuaas/node-agent';
import { pausePoint } from '../pause-points.js';
import type { StorageBackend } from './backend.js';
import { StorageBackendError } from './backend.js';
import { commandError, sh, SYSTEM_PATH } from './commands.js';
import { growImage } from './image-grow.js';
import type { VolumeFileSystem } from './image-grow.js';

const GIB = 1024 ** 3;

export type LocalStorageMode = 'image' | 'folder';
export type { VolumeFileSystem };

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

/** XFS where its tools are installed and the kernel knows it, else ext4 (image-grow.ts says why). */
export async function probeVolumeFileSystem(): Promise<VolumeFileSystem> {
  const tools = ['mkfs.xfs', 'xfs_growfs'].every((tool) =>
    SYSTEM_PATH.split(':').some((dir) => existsSync(join(dir, tool))),
  );
  if (!tools) return 'ext4';
  const known = await readFile('/proc/filesystems', 'utf8').catch(() => '');
  if (/\txfs$/m.test(known)) return 'xfs';
  // Not loaded yet: mount loads the module on demand where it exists.
  return (await sh('modprobe', ['-n', 'xfs']).then(
    () => true,
    () => false,
  ))
    ? 'xfs'
    : 'ext4';
}

async function isMountPoint(path: string): Promise<boolean> {
  return (await mountEntry(path)) !== undefined;
}

export class LocalStorageBackend implements StorageBackend {
  readonly storageClass = 'local';
  readonly enforcesSize: boolean;
  readonly #root: string;

  /**
   * `root` is `<data-dir>/storage`; `mode` from probeImageMode; `fileSystem` (probeVolumeFileSystem)
   * is what new volumes get (existing images keep theirs).
   */
  constructor(
    root: string,
    readonly mode: LocalStorageMode,
    readonly fileSystem: VolumeFileSystem = 'ext4',
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
      await makeFileSystem(partial, this.fileSystem, sizeGib);
      await pausePoint('storage.create');
      await rename(partial, image);
    }
    await this.#mount(id);
  }

  async #mount(id: string): Promise<void> {
    const target = this.hostPath(id);
    await mkdir(target, { recursive: true, mode: 0o755 });
    try {
      await mountLoopImage(this.#image(id), target);
    } catch (error) {
      throw new StorageBackendError(`cannot mount volume ${id}: ${commandError(error)}`, { cause: error });
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
    await this.#mount(id);
    await growImage(this.#image(id), this.hostPath(id), sizeGib * GIB, {
      ...options,
      remount: () => this.#mount(id),
    });
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
    await pausePoint('storage.snapshot');
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

/** Formats a fresh image: XFS, or ext4 as sandbox homes are (one inode per 64 KiB, lazy init). */
async function makeFileSystem(image: string, fileSystem: VolumeFileSystem, sizeGib: number): Promise<void> {
  if (fileSystem === 'xfs') {
    // 4 KiB sectors: mountable whatever logical block size the direct-I/O loop device reports.
    await sh('mkfs.xfs', ['-q', '-f', '-s', 'size=4096', image]);
    return;
  }
  // A 64 MiB journal from 1 GiB; the image stays sparse (a few MiB of the node's disk).
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
    image,
  ]);
}
