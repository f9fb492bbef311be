/**
 * Loop-mounted images as homes and volumes get them: a direct-I/O loop device that goes away with
 * the mount, and one image never on two devices (a device left bound is mounted again).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTools } from '@gpuaas/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loopDevicesOf, loopDirectIo, mountEntry, mountLoopImage } from './loop-images.js';
import { unmount } from './sandbox-mounts.js';

const usable = process.getuid?.() === 0 && requireTools('loop images', 'losetup', 'mkfs.ext4');

describe.skipIf(!usable)('mountLoopImage', () => {
  let dir: string;
  let image: string;
  let target: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-loop-'));
    image = join(dir, 'fs.img');
    target = join(dir, 'mnt');
    await mkdir(target);
    execFileSync('truncate', ['-s', String(64 * 1024 ** 2), image]);
    execFileSync('mkfs.ext4', ['-q', '-F', image]);
  });

  afterEach(async () => {
    await unmount(target);
    await rm(dir, { recursive: true, force: true });
  });

  it('mounts through a direct-I/O device that unmounting frees', async () => {
    await mountLoopImage(image, target, 'ext4');
    const entry = await mountEntry(target);
    expect(entry?.fsType).toBe('ext4');
    expect(entry?.source).toMatch(/^\/dev\/loop\d+$/);
    expect(await loopDirectIo(entry!.source)).toBe(true);
    await mountLoopImage(image, target, 'ext4');
    expect(await loopDevicesOf(image)).toEqual([entry!.source]);
    await unmount(target);
    expect(await loopDevicesOf(image)).toEqual([]);
  });

  it('mounts a device left bound to the image (a crash between losetup and mount) instead of a second', async () => {
    const left = execFileSync('losetup', ['--find', '--show', image], { encoding: 'utf8' }).trim();
    try {
      await mountLoopImage(image, target);
      expect((await mountEntry(target))?.source).toBe(left);
      expect(await loopDirectIo(left)).toBe(true);
      expect(await loopDevicesOf(image)).toEqual([left]);
      await unmount(target);
      expect(await loopDevicesOf(image)).toEqual([]);
    } finally {
      if ((await loopDevicesOf(image)).includes(left)) execFileSync('losetup', ['-d', left]);
    }
  });
});
