/**
 * File system images on loop devices, as sandbox homes and the local storage backend's volumes
 * use them: one way to attach an image, so both get the same I/O path.
 *
 * The loop device reads and writes its image with direct I/O (`losetup --direct-io=on`). A
 * buffered loop device keeps every block twice in the page cache (the inner file system's page,
 * then the image file's), copies it twice, and writes it back in two stages: the inner
 * fdatasync hands the loop worker dirty pages that it writes into the image file's page cache,
 * which the host file system then flushes. Measured on a shared 2-core VM (docs/benchmarks.md,
 * storage): two identical fresh images written one after the other, the second reached
 * 0.27–0.44× the first with buffered loop devices and 0.87–0.96× with direct I/O; a bench that
 * writes the home first and the volume second measured exactly that penalty. Where the host file
 * system cannot do direct I/O (tmpfs before 6.6, a block size it cannot align) the kernel keeps
 * the device buffered; where `losetup` is too old for the option, `mount -o loop` is used.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SYSTEM_PATH = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };

export type ImageFileSystem = 'ext4' | 'xfs';

export interface MountEntry {
  /** The mount point. */
  target: string;
  fsType: string;
  /** The mounted device (e.g. /dev/loop3). */
  source: string;
}

function unescapeMount(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** What is mounted at `path` (per this process's mount table; the last mount wins). */
export async function mountEntry(path: string): Promise<MountEntry | undefined> {
  const table = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const target = resolve(path);
  let found: MountEntry | undefined;
  for (const line of table.split('\n')) {
    const [before, after] = line.split(' - ');
    if (after === undefined || unescapeMount(before?.split(' ')[4] ?? '') !== target) continue;
    const [fsType = '', source = ''] = after.split(' ');
    found = { target, fsType, source: unescapeMount(source) };
  }
  return found;
}

/** Mount options per file system: no setuid programs, no device files, nothing zeroed behind. */
function mountOptions(fsType: string): string {
  // noinit_itable: no background zeroing (ext4lazyinit) of inode tables that would fill the
  // sparse image and write while the tenant does.
  if (fsType === 'ext4') return 'nosuid,nodev,noinit_itable';
  // nouuid: a volume restored from a snapshot is a copy with the same XFS UUID; one image is never
  // mounted twice here (mountLoopImage reuses its device), so the duplicate check only gets in the way.
  if (fsType === 'xfs') return 'nosuid,nodev,nouuid';
  return 'nosuid,nodev';
}

/** The file system in `image` (blkid), e.g. `ext4` or `xfs`. */
export async function imageFileSystem(image: string): Promise<string> {
  const { stdout } = await run('blkid', ['-p', '-o', 'value', '-s', 'TYPE', image], { env: SYSTEM_PATH });
  return stdout.trim();
}

/** Loop devices bound to `image` (`losetup -j`). */
export async function loopDevicesOf(image: string): Promise<string[]> {
  const { stdout } = await run('losetup', ['-j', resolve(image)], { env: SYSTEM_PATH });
  return stdout
    .split('\n')
    .map((line) => line.split(':')[0]?.trim() ?? '')
    .filter((device) => device !== '');
}

/**
 * Mounts `image` at `target` through a direct-I/O loop device (nothing when something is mounted
 * there already). The device is detached lazily once mounted, so unmounting frees it, as
 * `mount -o loop` does. A device already bound to the image (left by a crash between the two
 * steps, or still held by a sandbox's bind of an earlier mount) is mounted again instead of a
 * second one: the kernel then shares the one file system, where two devices would make two
 * file systems write the same image.
 */
export async function mountLoopImage(image: string, target: string, fsType?: string): Promise<void> {
  if ((await mountEntry(target)) !== undefined) return;
  const type = fsType ?? (await imageFileSystem(image));
  const options = mountOptions(type);
  let device = (await loopDevicesOf(image).catch(() => []))[0];
  try {
    if (device === undefined) {
      const { stdout } = await run('losetup', ['--find', '--show', '--direct-io=on', image], {
        env: SYSTEM_PATH,
      });
      device = stdout.trim();
    } else {
      await run('losetup', ['--direct-io=on', device], { env: SYSTEM_PATH });
    }
  } catch {
    if (device === undefined) {
      // A losetup without --direct-io: a buffered device, as `mount -o loop` makes it.
      await run('mount', ['-t', type, '-o', `loop,${options}`, image, target], { env: SYSTEM_PATH });
      return;
    }
  }
  try {
    await run('mount', ['-t', type, '-o', options, device, target], { env: SYSTEM_PATH });
  } finally {
    // Mounted: detaching marks the device autoclear. Not mounted (and unused): this frees it.
    await run('losetup', ['-d', device], { env: SYSTEM_PATH }).catch(() => undefined);
  }
}

/** Whether `device` reads and writes its image with direct I/O (sysfs `loop/dio`). */
export async function loopDirectIo(device: string): Promise<boolean> {
  const name = device.replace(/^\/dev\//, '');
  const dio = await readFile(`/sys/block/${name}/loop/dio`, 'utf8').catch(() => '0');
  return dio.trim() === '1';
}
