/**
 * Volume binds as root agents make them: a tenant of one allocation (one host uid range) writes a
 * file and a folder, a tenant of the next allocation (another range) appends to and deletes them;
 * through idmapped mounts (the files keep the sandbox's ids on disk) and through the chown
 * fallback (which never follows a planted symbolic link).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentLogger } from './sandbox.js';
import { TENANT_ID, USERNS_SIZE } from './sandbox.js';
import { unmount } from './sandbox-mounts.js';
import { bindVolume } from './volume-binds.js';

const ROOT = process.getuid?.() === 0;
const BASE_A = 0x10_0000 + 7 * USERNS_SIZE;
const BASE_B = 0x10_0000 + 9 * USERNS_SIZE;
const logger: AgentLogger & { warnings: string[] } = {
  warnings: [],
  debug: () => undefined,
  info: () => undefined,
  error: () => undefined,
  warn(_obj, msg) {
    this.warnings.push(msg);
  },
};

/** Runs `script` as host uid `uid` (a sandbox's tenant); its exit status and output. */
function asUid(uid: number, script: string): { status: number | null; out: string } {
  const r = spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', 'sh', '-c', script], {
    encoding: 'utf8',
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe.skipIf(!ROOT)('volume binds across allocations', () => {
  let dir: string;
  let volume: string;
  const targets: string[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-volbind-'));
    await chmod(dir, 0o711);
    volume = join(dir, 'volume');
    await mkdir(volume);
    await chmod(volume, 0o1777);
  });

  afterEach(async () => {
    for (const t of targets.splice(0)) await unmount(t);
    await rm(dir, { recursive: true, force: true });
  });

  const bind = async (name: string, base: number, extra: { readOnly?: boolean; idmap?: boolean } = {}) => {
    const target = join(dir, name);
    targets.push(target);
    const how = await bindVolume(volume, target, {
      readOnly: extra.readOnly ?? false,
      uidBase: base,
      tenantUid: base + TENANT_ID,
      logger,
      idmap: extra.idmap,
    });
    return { target, how };
  };

  const writeAsA = (target: string) =>
    asUid(
      BASE_A + TENANT_ID,
      `umask 022; echo first > ${target}/notes.txt && mkdir ${target}/run && echo w > ${target}/run/weights`,
    );
  const changeAsB = (target: string) =>
    asUid(
      BASE_B + TENANT_ID,
      `echo second >> ${target}/notes.txt && cat ${target}/notes.txt && echo more > ${target}/run/more && ` +
        `rm -r ${target}/run && rm ${target}/notes.txt && echo done`,
    );

  it('idmapped: the next allocation’s tenant appends to and deletes what the previous one wrote', async () => {
    const a = await bind('a', BASE_A);
    expect(a.how).toBe('idmap');
    expect(writeAsA(a.target).status).toBe(0);
    // On disk the files carry the sandbox's ids, not allocation A's host uids.
    expect((await stat(join(volume, 'notes.txt'))).uid).toBe(TENANT_ID);
    expect((await stat(join(volume, 'run'))).uid).toBe(TENANT_ID);
    await unmount(a.target);

    const b = await bind('b', BASE_B);
    expect(b.how).toBe('idmap');
    expect((await stat(join(b.target, 'notes.txt'))).uid).toBe(BASE_B + TENANT_ID);
    const changed = changeAsB(b.target);
    expect(changed.out).toBe('first\nsecond\ndone\n');
    expect(changed.status).toBe(0);
  });

  it('idmapped read-only: readable, not writable', async () => {
    const a = await bind('a', BASE_A);
    expect(writeAsA(a.target).status).toBe(0);
    await unmount(a.target);
    const ro = await bind('ro', BASE_B, { readOnly: true });
    expect(ro.how).toBe('idmap');
    expect(asUid(BASE_B + TENANT_ID, `cat ${ro.target}/notes.txt`).out).toBe('first\n');
    expect(asUid(BASE_B + TENANT_ID, `echo x >> ${ro.target}/notes.txt`).out).toMatch(/Read-only/);
  });

  it('fallback: hands the files to the next tenant without following symbolic links', async () => {
    const hostFile = join(dir, 'host-secret');
    await writeFile(hostFile, 'root only', { mode: 0o600 });
    const a = await bind('a', BASE_A, { idmap: false });
    expect(a.how).toBe('chown');
    expect(writeAsA(a.target).status).toBe(0);
    await symlink(hostFile, join(volume, 'planted'));
    await unmount(a.target);

    const b = await bind('b', BASE_B, { idmap: false });
    expect(b.how).toBe('chown');
    const changed = changeAsB(b.target);
    expect(changed.out).toBe('first\nsecond\ndone\n');
    expect((await stat(hostFile)).uid).toBe(0);
    expect(await readFile(hostFile, 'utf8')).toBe('root only');
    expect((await stat(volume)).uid).toBe(0);
    expect(execFileSync('stat', ['-c', '%a', volume], { encoding: 'utf8' }).trim()).toBe('1777');
  });
});
