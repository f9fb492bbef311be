/**
 * Lays out an allocation's host folders with the owners its sandbox needs: the home belongs to
 * the tenant (host uid BASE+1000), the runtime's state and socket folder to the runtime (BASE),
 * everything the sandbox must not change (the fake nvidia-smi, passwd) to the agent.
 */
import { chmod, chown, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fakeNvidiaSmiScript } from './fake-nvidia-smi.js';
import {
  allocationLayout,
  allocationsDir,
  hostId,
  MAX_VOLUMES,
  sandboxAccounts,
  viewVolume,
  socketRoot,
  TENANT_ID,
} from './sandbox.js';
import type { AgentLogger, AllocationLayout, ResolvedSandboxMode, SandboxSpec } from './sandbox.js';
import { bindMount, mountHomeImage, removeView } from './sandbox-mounts.js';
import { bindVolume } from './volume-binds.js';

export interface PrepareOptions {
  mode: ResolvedSandboxMode;
  logger: AgentLogger;
  /** The runtime's secret, written 0400 for the runtime alone (it deletes the file once read). */
  secret?: string;
}

async function own(path: string, uid: number | undefined, mode: number): Promise<void> {
  if (uid !== undefined) await chown(path, uid, uid);
  await chmod(path, mode);
}

/** Creates the allocation's folders (keeping an existing home) and its fake nvidia-smi. */
export async function prepareAllocation(
  spec: SandboxSpec,
  options: PrepareOptions,
): Promise<AllocationLayout> {
  const layout = allocationLayout(spec.dataDir, spec.allocationId);
  const runtimeUid = hostId(spec.identity, 0);
  const tenantUid = hostId(spec.identity, TENANT_ID);
  await mkdir(allocationsDir(resolve(spec.dataDir)), { recursive: true, mode: 0o700 });
  await mkdir(layout.dir, { recursive: true, mode: 0o700 });
  // Root agents hand bwrap the home and the runtime's folder through the view (see AllocationLayout).
  const viaView = options.mode === 'bubblewrap' && spec.identity.kind === 'userns';
  await mkdir(socketRoot(spec.dataDir), { recursive: true, mode: 0o711 });
  await chmod(socketRoot(spec.dataDir), 0o711);
  await mkdir(layout.view, { recursive: true, mode: 0o711 });
  let quota = false;
  if (viaView && tenantUid !== undefined && spec.limits.homeBytes > 0) {
    quota = await mountHomeImage(
      layout.homeImage,
      layout.viewHome,
      spec.limits.homeBytes,
      tenantUid,
      options.logger,
    );
  }
  if (!quota) {
    await mkdir(layout.home, { recursive: true, mode: 0o700 });
    await own(layout.home, tenantUid, 0o700);
    if (viaView) await bindMount(layout.home, layout.viewHome, { readOnly: false });
  } else {
    await own(layout.viewHome, tenantUid, 0o700);
  }
  await mkdir(layout.runtimeData, { recursive: true, mode: 0o711 });
  await own(layout.runtimeData, runtimeUid, 0o711);
  if (viaView) await bindMount(layout.runtimeData, layout.viewRuntimeData, { readOnly: false });
  // Volumes reach bwrap through the view too (the data folder is closed to the sandbox's uid),
  // idmapped so that the project's files are its tenant's in every allocation (volume-binds.ts).
  if (viaView) {
    for (const [i, volume] of (spec.volumes ?? []).slice(0, MAX_VOLUMES).entries()) {
      await bindVolume(volume.source, viewVolume(layout, i), {
        readOnly: volume.readOnly,
        uidBase: spec.identity.kind === 'userns' ? spec.identity.uidBase : undefined,
        tenantUid,
        logger: options.logger,
      });
    }
  }
  await mkdir(layout.etc, { recursive: true, mode: 0o755 });
  const accounts = sandboxAccounts();
  await writeFile(join(layout.etc, 'passwd'), accounts.passwd, { mode: 0o644 });
  await writeFile(join(layout.etc, 'group'), accounts.group, { mode: 0o644 });
  // A stale socket from an earlier runtime would make the new one fail to listen.
  await rm(layout.run, { recursive: true, force: true });
  await mkdir(layout.run, { recursive: true, mode: 0o711 });
  await own(layout.run, runtimeUid, 0o711);
  // bin stays the agent's: neither the runtime nor the tenant can change what nvidia-smi is.
  await mkdir(layout.bin, { recursive: true, mode: 0o755 });
  const fake = join(layout.bin, 'nvidia-smi');
  if (spec.gpuKind === 'simulated') await writeFile(fake, fakeNvidiaSmiScript(spec.gpus), { mode: 0o755 });
  if (options.secret !== undefined) {
    await writeFile(layout.secretFile, options.secret, { mode: 0o400 });
    await own(layout.secretFile, runtimeUid, 0o400);
  }
  return layout;
}

/** Deletes an allocation's folders: its view (unmounted first), then its data. */
export async function removeAllocationFolders(layout: AllocationLayout): Promise<void> {
  const volumes = Array.from({ length: MAX_VOLUMES }, (_, i) => viewVolume(layout, i));
  await removeView(layout.view, [layout.viewHome, layout.viewRuntimeData, ...volumes]);
  await removeAllocationDir(layout.dir);
}

/** Deletes an allocation folder, even one whose tenant made parts of it unwritable. */
export async function removeAllocationDir(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    await makeWritable(dir);
    await rm(dir, { recursive: true, force: true, maxRetries: 2 });
  }
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o700).catch(() => undefined);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isDirectory()) await makeWritable(join(dir, entry.name));
  }
}
