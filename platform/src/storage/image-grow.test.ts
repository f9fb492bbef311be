/**
 * Growing mounted volume images on this machine: XFS grows online while a bind of it is held (as
 * a sandbox holds it); ext4 grows online where the process may hold CAP_SYS_RESOURCE, else an
 * attached one is refused with the reason and a detached one is grown offline.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mountEntry, mountLoopImage } from '@gpuaas/node-agent';
import { requireTools } from '@gpuaas/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { growImage, mayHaveSysResource } from './image-grow.js';

const GIB = 1024 ** 3;
const root = process.getuid?.() === 0 && requireTools('volume grow', 'losetup', 'mkfs.ext4');
const xfs = existsSync('/usr/sbin/mkfs.xfs') && existsSync('/usr/sbin/xfs_growfs');

async function unmount(path: string): Promise<void> {
  if ((await mountEntry(path)) !== undefined) execFileSync('umount', [path]);
}

const sizeOf = (path: string) =>
  Number(execFileSync('df', ['-B1', '--output=size', path], { encoding: 'utf8' }).trim().split('\n')[1]);

describe.skipIf(!root)('growImage', () => {
  let dir: string;
  let image: string;
  let target: string;
  let held: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-grow-'));
    image = join(dir, 'volume.img');
    target = join(dir, 'mnt');
    held = join(dir, 'held');
    await mkdir(target);
    await mkdir(held);
    execFileSync('truncate', ['-s', String(GIB), image]);
  });

  afterEach(async () => {
    for (const path of [held, target]) await unmount(path);
    await rm(dir, { recursive: true, force: true });
  });

  const mountAndHold = async (fsType: string) => {
    await mountLoopImage(image, target, fsType);
    await writeFile(join(target, 'kept'), 'kept');
    // A second mount of the same file system, as a sandbox's bind holds it while attached.
    execFileSync('mount', ['--bind', target, held]);
  };
  const remount = () => mountLoopImage(image, target);

  it.skipIf(!xfs)('grows an attached XFS volume online, seen through the held bind at once', async () => {
    execFileSync('mkfs.xfs', ['-q', '-f', '-s', 'size=4096', image]);
    await mountAndHold('xfs');
    await growImage(image, target, 2 * GIB, { inUse: true, remount });
    expect(sizeOf(held)).toBeGreaterThan(1.8 * GIB);
    // Idempotent: a repeat after a crash changes nothing.
    await growImage(image, target, 2 * GIB, { inUse: true, remount });
    expect(await readFile(join(held, 'kept'), 'utf8')).toBe('kept');
  });

  it('grows an attached ext4 volume online, or refuses naming the missing capability', async () => {
    execFileSync('mkfs.ext4', ['-q', '-F', image]);
    await mountAndHold('ext4');
    const grow = growImage(image, target, 2 * GIB, { inUse: true, remount });
    if (await mayHaveSysResource()) {
      await grow;
      expect(sizeOf(held)).toBeGreaterThan(1.8 * GIB);
    } else {
      await expect(grow).rejects.toThrow(/CAP_SYS_RESOURCE.*release the allocations/);
    }
  });

  it('grows a detached ext4 volume, offline where online is refused', async () => {
    execFileSync('mkfs.ext4', ['-q', '-F', image]);
    await mountLoopImage(image, target, 'ext4');
    await writeFile(join(target, 'kept'), 'kept');
    await growImage(image, target, 2 * GIB, { inUse: false, remount });
    expect(sizeOf(target)).toBeGreaterThan(1.8 * GIB);
    expect(await readFile(join(target, 'kept'), 'utf8')).toBe('kept');
  });
});
