/**
 * Growing a mounted volume image: the image file is lengthened, its loop device told
 * (`losetup -c`), then the file system grown in place, which the kernel allows per file system:
 *
 * - XFS (`xfs_growfs` on the mount point) needs CAP_SYS_ADMIN, which any root that can mount has.
 * - ext4 (`resize2fs` on the mounted device: EXT4_IOC_RESIZE_FS) also needs CAP_SYS_RESOURCE
 *   (ext4_resize_begin). Containers and sandboxed VMs often drop it from the bounding set, and no
 *   process there can have it: resize2fs then answers EPERM whoever runs it, in whatever mount
 *   namespace, after `losetup -c` or not. A detached ext4 volume is then grown offline (unmounted,
 *   checked, resized); an attached one cannot be, and the error names the missing capability.
 *
 * So new volumes are XFS where its tools are installed (local-backend.ts probeVolumeFileSystem).
 */
import { readFile } from 'node:fs/promises';
import { mountEntry } from '@gpuaas/node-agent';
import { pausePoint } from '../pause-points.js';
import { StorageBackendError } from './backend.js';
import { sh } from './commands.js';

export type VolumeFileSystem = 'ext4' | 'xfs';

const CAP_SYS_RESOURCE = 24n;

/** Whether this process may hold CAP_SYS_RESOURCE (its bounding set has it). */
export async function mayHaveSysResource(): Promise<boolean> {
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const bounding = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  return bounding === undefined || ((BigInt(`0x${bounding}`) >> CAP_SYS_RESOURCE) & 1n) === 1n;
}

/**
 * Grows the file system of `image`, mounted at `target`, to `bytes`. Idempotent: a repeat after a
 * crash at any step finishes the job (growing to the current size changes nothing).
 */
export async function growImage(
  image: string,
  target: string,
  bytes: number,
  options: { inUse: boolean; remount: () => Promise<void> },
): Promise<void> {
  const mounted = await mountEntry(target);
  if (mounted === undefined) throw new StorageBackendError(`${target} is not mounted`);
  await sh('truncate', ['-s', `>${bytes}`, image]);
  await sh('losetup', ['-c', mounted.source]);
  await pausePoint('storage.resize');
  if (mounted.fsType === 'xfs') {
    await sh('xfs_growfs', [target]);
    return;
  }
  try {
    await sh('resize2fs', [mounted.source]);
    return;
  } catch (error) {
    if (options.inUse) {
      const why = (await mayHaveSysResource())
        ? (error as Error).message
        : 'ext4 grows online only with CAP_SYS_RESOURCE, which this node’s capability bounding set lacks';
      throw new StorageBackendError(
        `cannot grow the attached ext4 volume online (${why}); release the allocations using it and ` +
          'retry (it then grows offline), or copy its data to a new volume (new volumes are XFS where the ' +
          'node has xfsprogs, and grow online)',
        { cause: error },
      );
    }
  }
  await sh('umount', [target]);
  await sh('e2fsck', ['-f', '-p', image]);
  await sh('resize2fs', [image]);
  await options.remount();
}
