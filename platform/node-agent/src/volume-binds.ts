/**
 * Volumes bound into an allocation's view so that a project's files stay its own from one
 * allocation to the next. Each allocation's sandbox is a different range of host uids (its user
 * namespace maps 0…65535 onto BASE…), so a file that allocation A's tenant wrote would belong,
 * on disk, to A's host uid, and the next allocation's tenant could read it but not change it.
 *
 * An idmapped bind mount (mount_setattr MOUNT_ATTR_IDMAP, Linux 5.12+ for ext4 and XFS) fixes
 * that without touching a file: through it, on-disk id k is host id BASE+k, which the sandbox sees
 * as k. Files on the volume carry the sandbox's ids (the tenant's are 1000) whichever allocation
 * wrote them. It is made by a small python3 helper (util-linux's `X-mount.idmap` needs 2.39, so
 * that is the second try), and checked: the mount must show the volume's root as BASE + its
 * on-disk owner, else it is undone.
 *
 * Where neither works (an older kernel, no python3 and an older util-linux), a read-write
 * attachment hands the volume's files to the tenant's host uid first (`chown -R -h`, symbolic
 * links never followed), which costs time in proportion to the number of files, and the volume's
 * files then carry host uids, not the sandbox's. Said once in the log.
 */
import { execFile } from 'node:child_process';
import { closeSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { AgentLogger } from './sandbox.js';
import { USERNS_SIZE } from './sandbox.js';
import { warnOnce } from './sandbox-limits.js';
import { bindMount, isMountPoint, unmount } from './sandbox-mounts.js';
import { createUserNamespace } from './sandbox-process.js';
import type { UserNamespace } from './sandbox-process.js';

const run = promisify(execFile);
const SYSTEM_PATH = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };

/**
 * open_tree(OPEN_TREE_CLONE) of the source, mount_setattr(MOUNT_ATTR_IDMAP with the user
 * namespace at argv[3], plus read-only when argv[4] is "ro"), move_mount onto the target. The
 * syscall numbers are the same on x86-64 and arm64 (and every architecture but alpha).
 */
const IDMAP_HELPER = `
import ctypes, os, sys
src, dst, ns, mode = sys.argv[1:5]
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
L = ctypes.c_long
class MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]
def check(result, what):
    if result < 0:
        sys.stderr.write(what + ": " + os.strerror(ctypes.get_errno()) + "\\n")
        sys.exit(1)
    return result
AT_FDCWD, AT_EMPTY_PATH = -100, 0x1000
OPEN_TREE_CLONE, OPEN_TREE_CLOEXEC = 1, 0o2000000
MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID, MOUNT_ATTR_NODEV, MOUNT_ATTR_IDMAP = 0x1, 0x2, 0x4, 0x100000
tree = check(libc.syscall(L(428), L(AT_FDCWD), src.encode(), L(OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)), "open_tree")
userns = os.open(ns, os.O_RDONLY | os.O_CLOEXEC)
flags = MOUNT_ATTR_IDMAP | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (MOUNT_ATTR_RDONLY if mode == "ro" else 0)
attr = MountAttr(flags, 0, 0, userns)
check(libc.syscall(L(442), L(tree), b"", L(AT_EMPTY_PATH), ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr))), "mount_setattr")
check(libc.syscall(L(429), L(tree), b"", L(AT_FDCWD), dst.encode(), L(4)), "move_mount")
`;

export type VolumeOwnership = 'idmap' | 'chown' | 'none';

export interface BindVolumeOptions {
  readOnly: boolean;
  /** The allocation's user namespace base (root agents); undefined: bwrap's single-id namespace. */
  uidBase?: number;
  /** The tenant's host uid (the fallback hands the files to it). */
  tenantUid?: number;
  logger: AgentLogger;
  /** Tests: skip the idmapped mount to exercise the fallback. */
  idmap?: boolean;
}

/** Binds volume folder `source` at `target` (created); how its files' owners were made right. */
export async function bindVolume(
  source: string,
  target: string,
  options: BindVolumeOptions,
): Promise<VolumeOwnership> {
  if (await isMountPoint(target)) return 'none';
  await mkdir(target, { recursive: true, mode: 0o755 });
  const { uidBase } = options;
  if (uidBase === undefined) {
    await bindMount(source, target, { readOnly: options.readOnly });
    return 'none';
  }
  const failures: string[] = [];
  if (options.idmap !== false) {
    if (await idmapped(source, target, uidBase, options.readOnly, failures)) return 'idmap';
    warnOnce(
      options.logger,
      `cannot make idmapped mounts (${failures.join('; ')}): volumes attached read-write are handed to ` +
        'each allocation’s tenant with chown -R, which takes time on volumes with many files',
    );
  }
  if (!options.readOnly && options.tenantUid !== undefined) {
    await run('chown', ['-R', '-h', `${options.tenantUid}:${options.tenantUid}`, source], {
      env: SYSTEM_PATH,
    });
    // The root stays root's (1777), as the idmapped path expects it.
    await run('chown', ['-h', '0:0', source], { env: SYSTEM_PATH });
  }
  await bindMount(source, target, { readOnly: options.readOnly });
  return options.readOnly ? 'none' : 'chown';
}

/** Tries each way to make an idmapped bind; true once one is in place and checked. */
async function idmapped(
  source: string,
  target: string,
  uidBase: number,
  readOnly: boolean,
  failures: string[],
): Promise<boolean> {
  let userns: UserNamespace;
  try {
    userns = await createUserNamespace(uidBase);
  } catch (error) {
    failures.push(`user namespace: ${errorText(error)}`);
    return false;
  }
  try {
    for (const attempt of [idmapWithPython, idmapWithMount]) {
      try {
        await attempt(source, target, userns.path, readOnly);
        if (await showsIdmapped(source, target, uidBase)) return true;
        failures.push(`${attempt.name}: the mount does not map ids`);
      } catch (error) {
        failures.push(`${attempt.name}: ${errorText(error)}`);
      }
      await unmount(target);
    }
    return false;
  } finally {
    closeSync(userns.fd);
    userns.close();
  }
}

async function idmapWithPython(source: string, target: string, userns: string, readOnly: boolean) {
  await run('python3', ['-c', IDMAP_HELPER, source, target, userns, readOnly ? 'ro' : 'rw'], {
    env: SYSTEM_PATH,
  });
}

async function idmapWithMount(source: string, target: string, userns: string, readOnly: boolean) {
  // util-linux 2.39+; older ones ignore the X- option and make a plain bind, which the check catches.
  await run('mount', ['--bind', '-o', `X-mount.idmap=${userns}`, source, target], { env: SYSTEM_PATH });
  if (readOnly) await run('mount', ['-o', 'remount,bind,ro', target], { env: SYSTEM_PATH });
}

/** Whether `target` shows `source`'s root owner k as base + k (an idmapped mount of it). */
async function showsIdmapped(source: string, target: string, base: number): Promise<boolean> {
  const onDisk = await stat(source);
  const seen = await stat(target);
  return onDisk.uid < USERNS_SIZE && seen.uid === base + onDisk.uid && seen.ino === onDisk.ino;
}

function errorText(error: unknown): string {
  const e = error as { stderr?: string; message?: string };
  const text = (e.stderr ?? '').trim() || (e.message ?? String(error));
  return text.split('\n')[0] ?? text;
}
