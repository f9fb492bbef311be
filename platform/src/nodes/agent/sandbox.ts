/**
 * One allocation's sandbox: a bubblewrap (`bwrap`) container around the runtime process, laid out
 * per design5.md. The tenant gets a read-only view of the host's system, its own writable home and
 * /tmp, its own PID/IPC/UTS namespaces and only its GPUs; the platform's data folder, other
 * allocations and the host's /root and /home are covered by empty tmpfs mounts. Nothing of the
 * agent's environment goes in: the environment is built from scratch.
 */
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, delimiter, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { PlatformError } from '../../errors.js';
import { fakeNvidiaSmiScript } from './fake-nvidia-smi.js';

export type SandboxMode = 'bubblewrap' | 'none' | 'auto';
export type ResolvedSandboxMode = 'bubblewrap' | 'none';

export interface AgentLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SandboxGpu {
  index: number;
  uuid: string | null;
  model: string;
  memory_mib?: number;
  device_minor?: number;
}

/** Paths inside the sandbox (bubblewrap mode). */
export const SANDBOX_HOME = '/home/gpuaas';
export const SANDBOX_RUN = '/run/gpuaas';
export const SANDBOX_BIN = '/run/gpuaas/bin';
export const RUNTIME_SOCKET = 'runtime.sock';
/** Host folders every sandbox gets an empty tmpfs over. */
export const HIDDEN_HOST_PATHS = ['/tmp', '/home', '/root', '/run'] as const;
/** Host files holding credentials, replaced by empty ones inside sandboxes. */
export const HOST_CREDENTIAL_FILES = [
  '/etc/shadow',
  '/etc/gshadow',
  '/etc/shadow-',
  '/etc/gshadow-',
] as const;
const NVIDIA_CONTROL_DEVICES = [
  '/dev/nvidiactl',
  '/dev/nvidia-uvm',
  '/dev/nvidia-uvm-tools',
  '/dev/nvidia-modeset',
];
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const ALLOCATION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export interface AllocationLayout {
  dir: string;
  home: string;
  run: string;
  /** Holds the fake nvidia-smi; mounted read-only at /run/gpuaas/bin. */
  bin: string;
  /** The runtime's socket as the host (and the platform) sees it. */
  socket: string;
  /** The agent's record of the sandbox process, for cleanup after an agent crash. */
  record: string;
}

export function allocationsDir(dataDir: string): string {
  return join(dataDir, 'allocations');
}

/** Where an allocation's files live; the id becomes a path segment, so it is checked first. */
export function allocationLayout(dataDir: string, allocationId: string): AllocationLayout {
  if (!ALLOCATION_ID.test(allocationId))
    throw new RangeError(`unsafe allocation id: ${JSON.stringify(allocationId)}`);
  const dir = join(allocationsDir(resolve(dataDir)), allocationId);
  return {
    dir,
    home: join(dir, 'home'),
    run: join(dir, 'run'),
    bin: join(dir, 'bin'),
    socket: join(dir, 'run', RUNTIME_SOCKET),
    record: join(dir, 'sandbox.json'),
  };
}

/** The same folders as the sandboxed process sees them. */
export function insideLayout(
  mode: ResolvedSandboxMode,
  layout: AllocationLayout,
): { home: string; bin: string; socket: string } {
  return mode === 'bubblewrap'
    ? { home: SANDBOX_HOME, bin: SANDBOX_BIN, socket: `${SANDBOX_RUN}/${RUNTIME_SOCKET}` }
    : { home: layout.home, bin: layout.bin, socket: layout.socket };
}

export interface SandboxSpec {
  allocationId: string;
  dataDir: string;
  gpus: SandboxGpu[];
  /** 'simulated': a fake nvidia-smi and no device files; 'nvidia': the real /dev/nvidiaN files. */
  gpuKind: 'simulated' | 'nvidia';
  command: string[];
  /** Added to the environment; the reserved variables (PATH, HOME, GPUAAS_…) cannot be overridden. */
  env?: Record<string, string>;
  /** More host paths to cover with an empty tmpfs (e.g. the platform's data folder if elsewhere). */
  hide?: string[];
  /** Host paths the command needs that may lie under a hidden folder (node, the runtime package). */
  readOnlyBinds?: string[];
  /**
   * PCI bus ids of the node's GPUs NOT given to this allocation: their driver entries under
   * /proc/driver/nvidia/gpus are covered, so tools inside do not see them (as NVIDIA's container
   * runtime does).
   */
  otherGpuBusIds?: string[];
}

/** The folder node is installed in (…/bin/node → …); sandboxes need it when it lies under /root. */
export function nodeInstallDir(execPath: string = process.execPath): string {
  const exe = realpathOrUndefined(execPath) ?? execPath;
  return basename(dirname(exe)) === 'bin' ? dirname(dirname(exe)) : dirname(exe);
}

export function findOnPath(
  command: string,
  pathEnv: string | undefined = process.env.PATH,
): string | undefined {
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** 'auto' picks bubblewrap when `bwrap` is installed; without it isolation is off, said loudly. */
export function resolveSandboxMode(
  mode: SandboxMode,
  options: { logger: AgentLogger; pathEnv?: string },
): { mode: ResolvedSandboxMode; bwrap?: string } {
  if (mode === 'none') {
    options.logger.warn(
      { sandbox: 'none' },
      'SANDBOX ISOLATION IS OFF: allocations run as plain processes of the agent',
    );
    return { mode: 'none' };
  }
  const bwrap = findOnPath('bwrap', options.pathEnv);
  if (bwrap !== undefined) return { mode: 'bubblewrap', bwrap };
  if (mode === 'bubblewrap') {
    throw new PlatformError(
      'CONFIG_INVALID',
      'sandbox mode bubblewrap needs `bwrap` on PATH (apt-get install bubblewrap)',
    );
  }
  options.logger.warn(
    { sandbox: 'none' },
    'SANDBOX ISOLATION IS OFF: `bwrap` is not installed, so allocations run as plain processes that can see the whole node (install bubblewrap)',
  );
  return { mode: 'none' };
}

/** The sandbox's complete environment. */
export function sandboxEnvironment(spec: SandboxSpec, mode: ResolvedSandboxMode): Record<string, string> {
  const inside = insideLayout(mode, allocationLayout(spec.dataDir, spec.allocationId));
  const base: Record<string, string> = {
    PATH: `${inside.bin}:${SYSTEM_PATH}`,
    HOME: inside.home,
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    USER: 'gpuaas',
    CUDA_VISIBLE_DEVICES: spec.gpus.map((g) => g.uuid ?? String(g.index)).join(','),
    GPUAAS_ALLOCATION_ID: spec.allocationId,
    GPUAAS_GPUS: JSON.stringify(spec.gpus.map((g) => ({ index: g.index, uuid: g.uuid, model: g.model }))),
  };
  return { ...spec.env, ...base };
}

function isUnder(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * bwrap's arguments (without the leading `bwrap`), ending with `--` and the command. bwrap 0.8
 * cannot create a mount point under the read-only root, so every mount target either exists on
 * the host or lies on a tmpfs mounted before it (/home/gpuaas on the /home tmpfs, …).
 */
export function bubblewrapArgs(
  spec: SandboxSpec,
  options: { exists?: (path: string) => boolean } = {},
): string[] {
  const exists = options.exists ?? existsSync;
  const layout = allocationLayout(spec.dataDir, spec.allocationId);
  const dataDir = resolve(spec.dataDir);
  for (const required of ['/tmp', '/home', '/run']) {
    if (!exists(required)) {
      throw new PlatformError(
        'CONFIG_INVALID',
        `the sandbox needs ${required} on the host (a mount point cannot be created under the read-only root)`,
      );
    }
  }
  const hiddenRoots: string[] = HIDDEN_HOST_PATHS.filter((p) => exists(p));
  const args = ['--ro-bind', '/', '/'];
  for (const path of hiddenRoots) args.push('--tmpfs', path);
  const binds = new Set(spec.readOnlyBinds ?? []);
  const resolvConf = realpathOrUndefined('/etc/resolv.conf');
  // systemd-resolved's resolv.conf is a link into /run; without it DNS breaks in the sandbox.
  if (resolvConf !== undefined) binds.add(resolvConf);
  const boundBack: string[] = [];
  for (const path of binds) {
    if (!hiddenRoots.some((root) => isUnder(path, root)) || !exists(path)) continue;
    args.push('--ro-bind', path, path);
    boundBack.push(path);
  }
  // The tenant is root without capabilities: files only root may read stay unreadable to it.
  for (const path of HOST_CREDENTIAL_FILES) if (exists(path)) args.push('--ro-bind', '/dev/null', path);
  // After the bind-backs: a data folder inside a folder bound back (a checkout under /root
  // holding both node_modules and .gpuaas/data) must stay covered. Parents first.
  const covered: string[] = [];
  const secret = [dataDir, ...(spec.hide ?? []).map((p) => resolve(p))].sort((a, b) => a.length - b.length);
  for (const path of secret) {
    if (!exists(path) || covered.some((c) => isUnder(path, c))) continue;
    const hidden =
      hiddenRoots.some((root) => isUnder(path, root)) && !boundBack.some((b) => isUnder(path, b));
    if (hidden) continue;
    args.push('--tmpfs', path);
    covered.push(path);
  }
  args.push(
    '--bind',
    layout.home,
    SANDBOX_HOME,
    '--bind',
    layout.run,
    SANDBOX_RUN,
    '--ro-bind',
    layout.bin,
    SANDBOX_BIN,
  );
  args.push('--dev', '/dev');
  if (spec.gpuKind === 'nvidia') {
    const devices = spec.gpus.map((g) => `/dev/nvidia${g.device_minor ?? g.index}`);
    for (const device of [...devices, ...NVIDIA_CONTROL_DEVICES]) {
      if (exists(device)) args.push('--dev-bind', device, device);
    }
  }
  args.push('--proc', '/proc');
  if (spec.gpuKind === 'nvidia') {
    for (const bus of spec.otherGpuBusIds ?? []) {
      const entry = `/proc/driver/nvidia/gpus/${bus.toLowerCase()}`;
      if (/^[0-9a-f:.]+$/.test(bus.toLowerCase()) && exists(entry)) args.push('--tmpfs', entry);
    }
  }
  args.push(
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--hostname',
    `alloc-${spec.allocationId.slice(0, 8)}`,
  );
  args.push('--die-with-parent', '--cap-drop', 'ALL', '--chdir', SANDBOX_HOME);
  args.push('--', ...spec.command);
  return args;
}

function realpathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** Creates the allocation's folders (keeping an existing home) and its fake nvidia-smi. */
export async function prepareAllocation(spec: SandboxSpec): Promise<AllocationLayout> {
  const layout = allocationLayout(spec.dataDir, spec.allocationId);
  await mkdir(allocationsDir(resolve(spec.dataDir)), { recursive: true, mode: 0o700 });
  await mkdir(layout.dir, { recursive: true, mode: 0o700 });
  await mkdir(layout.home, { recursive: true, mode: 0o700 });
  // A stale socket from an earlier runtime would make the new one fail to listen.
  await rm(layout.run, { recursive: true, force: true });
  await mkdir(join(layout.run, 'bin'), { recursive: true, mode: 0o700 });
  await mkdir(layout.bin, { recursive: true, mode: 0o755 });
  const fake = join(layout.bin, 'nvidia-smi');
  if (spec.gpuKind === 'simulated') await writeFile(fake, fakeNvidiaSmiScript(spec.gpus), { mode: 0o755 });
  else await rm(fake, { force: true });
  return layout;
}
