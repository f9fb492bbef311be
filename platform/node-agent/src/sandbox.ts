/**
 * One allocation's sandbox: a bubblewrap (`bwrap`) container around the runtime process (see
 * docs/security.md). The sandbox is built up from an empty root, never from the host's `/` with
 * holes punched in it: it sees the host's system programs read-only (an allow-list), its own home,
 * /tmp and runtime folders, only its GPUs, its own PID/IPC/UTS/network namespaces (loopback only),
 * and nothing of the platform, the agent or another allocation. When the agent runs as root, the
 * sandbox lives in a user namespace of its own whose ids map to an unused host range: the runtime
 * is that namespace's root (host uid BASE) and tenant code runs as uid 1000 (host BASE+1000), so
 * neither is anyone on the host and the tenant cannot touch the runtime's files, memory or sockets.
 * Nothing of the agent's environment goes in: the environment is built from scratch.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { NodeAgentError } from './errors.js';

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
/** The runtime's own state (artifact cache, write-ahead log, logs): not the tenant's to touch. */
export const SANDBOX_RUNTIME_DATA = '/var/lib/gpuaas-runtime';
export const RUNTIME_SOCKET = 'runtime.sock';
export const EGRESS_SOCKET = 'egress.sock';
export const SECRET_FILE = 'secret';
/** The tenant's uid and gid inside the sandbox; the runtime is the namespace's root (0). */
export const TENANT_ID = 1000;
/** How many ids a sandbox's user namespace maps (0…65535, as a login system's subordinate range). */
export const USERNS_SIZE = 65536;

/** System folders every sandbox sees read-only; /bin, /lib… become symlinks where the host has them so. */
export const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32'] as const;
/**
 * The host's /etc entries a program needs (dynamic linker, name service, TLS roots, time zone,
 * alternatives links); nothing else of /etc goes in (no shadow, no host users, no host config).
 */
export const ETC_ALLOW = [
  'alternatives',
  'bash.bashrc',
  'ca-certificates',
  'ca-certificates.conf',
  'debian_version',
  'environment',
  'host.conf',
  'hosts',
  'inputrc',
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'localtime',
  'mime.types',
  'nsswitch.conf',
  'os-release',
  'profile',
  'profile.d',
  'protocols',
  'services',
  'ssl',
  'terminfo',
  'timezone',
] as const;
const NVIDIA_CONTROL_DEVICES = [
  '/dev/nvidiactl',
  '/dev/nvidia-uvm',
  '/dev/nvidia-uvm-tools',
  '/dev/nvidia-modeset',
];
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const ALLOCATION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** bwrap's file descriptors: 3 is the user namespace, 4 its info channel, data files from 5 on. */
export const USERNS_FD = 3;
export const INFO_FD = 4;
export const FIRST_BIND_FD = 5;

/** What a sandbox may use; sized from its GPU count (see sandboxLimits). */
export interface SandboxLimits {
  /** Processes and threads. */
  pids: number;
  memoryBytes: number;
  /** CPU time as a number of cores (CFS quota). */
  cpus: number;
  /** The private /tmp (a tmpfs: its pages count against memoryBytes too). */
  tmpBytes: number;
  /** The home folder's file system (a loop-mounted image where the node can mount one). */
  homeBytes: number;
}

/** Who the sandbox's processes are. */
export type SandboxIdentity =
  /** Agent runs as root: a user namespace mapping 0…65535 onto host uids uidBase… */
  | { kind: 'userns'; uidBase: number }
  /** Agent is unprivileged: bwrap's own single-id namespace; runtime and tenant share one uid. */
  | { kind: 'single' };

export interface AllocationLayout {
  /** <dataDir>/allocations/<id>: what the allocation keeps across agent restarts. */
  dir: string;
  home: string;
  /** The home's file system image when homes are size-limited. */
  homeImage: string;
  /** The runtime's state, mounted at /var/lib/gpuaas-runtime. */
  runtimeData: string;
  /** Generated passwd and group. */
  etc: string;
  /**
   * The allocation's view folder under a short, world-traversable root (socketRoot): a Unix
   * socket path is limited to 107 bytes whatever folder the platform's data is in, and bwrap, which
   * runs as the sandbox's unprivileged host uid, cannot reach into the data folder (0700, maybe
   * under /root). As root the agent mounts the home and the runtime's folder here.
   */
  view: string;
  /** The sockets' folder, mounted at /run/gpuaas. */
  run: string;
  /** Where the home is mounted for bwrap (root agents). */
  viewHome: string;
  /** Where the runtime's folder is mounted for bwrap (root agents). */
  viewRuntimeData: string;
  /** Holds the fake nvidia-smi, inside run. */
  bin: string;
  /** The runtime's control socket as the host (and the platform) sees it. */
  socket: string;
  /** The agent's CONNECT tunnel: the only way out of the sandbox's network namespace. */
  egressSocket: string;
  /** The runtime's secret, read and deleted by the runtime at start. */
  secretFile: string;
  /** The agent's record of the sandbox process, for cleanup after an agent crash. */
  record: string;
}

export function allocationsDir(dataDir: string): string {
  return join(dataDir, 'allocations');
}

/**
 * The short root of the sandboxes' socket folders for one agent data folder:
 * /run/gpuaas-sandbox/<hash> for root, /tmp/gpuaas-sandbox-<uid>/<hash> otherwise.
 */
export function socketRoot(dataDir: string): string {
  const hash = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 12);
  const uid = process.getuid?.() ?? 0;
  return uid === 0 ? join('/run/gpuaas-sandbox', hash) : join('/tmp', `gpuaas-sandbox-${uid}`, hash);
}

/** Where installs the sandbox's uid cannot traverse are bound read-only for it (see stageReadOnly). */
export function stagingRoot(dataDir: string): string {
  return join(dirname(socketRoot(dataDir)), 'staged');
}

/** Where an allocation's files live; the id becomes a path segment, so it is checked first. */
export function allocationLayout(dataDir: string, allocationId: string): AllocationLayout {
  if (!ALLOCATION_ID.test(allocationId))
    throw new RangeError(`unsafe allocation id: ${JSON.stringify(allocationId)}`);
  const dir = join(allocationsDir(resolve(dataDir)), allocationId);
  const view = join(socketRoot(dataDir), allocationId);
  const run = join(view, 'run');
  return {
    view,
    viewHome: join(view, 'home'),
    viewRuntimeData: join(view, 'runtime'),
    dir,
    home: join(dir, 'home'),
    homeImage: join(dir, 'home.img'),
    runtimeData: join(dir, 'runtime'),
    etc: join(dir, 'etc'),
    run,
    bin: join(run, 'bin'),
    socket: join(run, RUNTIME_SOCKET),
    egressSocket: join(run, EGRESS_SOCKET),
    secretFile: join(run, SECRET_FILE),
    record: join(dir, 'sandbox.json'),
  };
}

export interface InsideLayout {
  home: string;
  bin: string;
  run: string;
  socket: string;
  egressSocket: string;
  secretFile: string;
  runtimeData: string;
}

/** The same folders as the sandboxed process sees them. */
export function insideLayout(mode: ResolvedSandboxMode, layout: AllocationLayout): InsideLayout {
  return mode === 'bubblewrap'
    ? {
        home: SANDBOX_HOME,
        bin: SANDBOX_BIN,
        run: SANDBOX_RUN,
        socket: `${SANDBOX_RUN}/${RUNTIME_SOCKET}`,
        egressSocket: `${SANDBOX_RUN}/${EGRESS_SOCKET}`,
        secretFile: `${SANDBOX_RUN}/${SECRET_FILE}`,
        runtimeData: SANDBOX_RUNTIME_DATA,
      }
    : {
        home: layout.home,
        bin: layout.bin,
        run: layout.run,
        socket: layout.socket,
        egressSocket: layout.egressSocket,
        secretFile: layout.secretFile,
        runtimeData: layout.runtimeData,
      };
}

export interface SandboxSpec {
  allocationId: string;
  dataDir: string;
  gpus: SandboxGpu[];
  /** 'simulated': a fake nvidia-smi and no device files; 'nvidia': the real /dev/nvidiaN files. */
  gpuKind: 'simulated' | 'nvidia';
  command: string[];
  identity: SandboxIdentity;
  limits: SandboxLimits;
  /** Added to the environment; the reserved variables (PATH, HOME, GPUAAS_…) cannot be overridden. */
  env?: Record<string, string>;
  /** Host paths that must stay covered if they lie inside a bound folder (the platform's data). */
  hide?: string[];
  /**
   * Host folders the command needs (node, the runtime package), bound read-only at the same path;
   * `source` is where bwrap finds it (a staged mount when the path is not world-traversable).
   */
  readOnlyBinds?: (string | { source: string; path: string })[];
  /**
   * PCI bus ids of the node's GPUs NOT given to this allocation: their driver entries under
   * /proc/driver/nvidia/gpus are covered, so tools inside do not see them (as NVIDIA's container
   * runtime does).
   */
  otherGpuBusIds?: string[];
  /**
   * Volumes to bind at `mountPath` (under /mnt/): exactly the assignment's, nothing else. `source`
   * is the node folder holding the volume's file system (bwrap mode only).
   */
  volumes?: SandboxVolume[];
}

export interface SandboxVolume {
  source: string;
  mountPath: string;
  readOnly: boolean;
}

/** Where a root agent binds volume `index` inside the allocation's view (for bwrap to reach it). */
export function viewVolume(layout: { view: string }, index: number): string {
  return join(layout.view, `vol${index}`);
}

/** At most this many volumes per allocation (the contract's limit). */
export const MAX_VOLUMES = 4;

/** The folder node is installed in (…/bin/node → …); sandboxes bind it. */
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
    throw new NodeAgentError(
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

/**
 * The first host uid of an allocation's user namespace: 2^20 + 64Ki × a slot derived from the
 * allocation and the agent's folder, so allocations (also of other agents on the host) get
 * disjoint ranges above every ordinary account and below 2^31.
 */
export function uidBaseFor(dataDir: string, allocationId: string): number {
  const digest = createHash('sha256')
    .update(`${resolve(dataDir)}\0${allocationId}`)
    .digest();
  const slot = digest.readUInt32BE(0) % 16_000;
  return 0x10_0000 + slot * USERNS_SIZE;
}

/** The host uid that a sandbox id (0 for the runtime, TENANT_ID for tenant code) is on the node. */
export function hostId(identity: SandboxIdentity, insideId: number): number | undefined {
  return identity.kind === 'userns' ? identity.uidBase + insideId : undefined;
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
    // The sandbox's own /tmp; without a sandbox the host's default applies.
    ...(mode === 'bubblewrap' ? { TMPDIR: '/tmp' } : {}),
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

/** How the host looks, for building mounts (replaced in unit tests). */
export interface HostView {
  exists(path: string): boolean;
  /** The link's target when path is a symlink. */
  symlink(path: string): string | undefined;
  realpath(path: string): string | undefined;
}

export const realHost: HostView = {
  exists: existsSync,
  symlink(path) {
    try {
      return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
    } catch {
      return undefined;
    }
  },
  realpath: realpathOrUndefined,
};

export interface BubblewrapPlan {
  /** bwrap's arguments (without `bwrap`), ending with `--` and the command. */
  args: string[];
  /** Files the caller opens, in order, as file descriptors FIRST_BIND_FD, FIRST_BIND_FD+1, … */
  fdPaths: string[];
}

/**
 * bwrap's arguments. bwrap runs as the sandbox's own unprivileged host uid (root agents), so it
 * binds the allocation's folders from the view under the short root, the node's installs from
 * world-traversable paths (see stageReadOnly), and reads generated files through descriptors.
 */
export function bubblewrapPlan(spec: SandboxSpec, host: HostView = realHost): BubblewrapPlan {
  const layout = allocationLayout(spec.dataDir, spec.allocationId);
  const fdPaths: string[] = [];
  const fd = (path: string): string => String(FIRST_BIND_FD + fdPaths.push(path) - 1);
  const args: string[] = [];
  if (spec.identity.kind === 'userns') {
    args.push('--userns', String(USERNS_FD), '--uid', '0', '--gid', '0');
  } else {
    args.push('--unshare-user', '--uid', String(TENANT_ID), '--gid', String(TENANT_ID));
  }
  args.push('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-net', '--unshare-cgroup-try');
  args.push('--hostname', `alloc-${spec.allocationId.slice(0, 8)}`);
  for (const dir of SYSTEM_DIRS) {
    const target = host.symlink(dir);
    if (target !== undefined) args.push('--symlink', target, dir);
    else if (host.exists(dir)) args.push('--ro-bind', dir, dir);
  }
  for (const name of ETC_ALLOW) {
    const path = `/etc/${name}`;
    // resolv.conf and localtime are often links (into /run for systemd-resolved): bind the file.
    const source = host.realpath(path);
    if (source !== undefined) args.push('--ro-bind', source, path);
  }
  const resolvConf = host.realpath('/etc/resolv.conf');
  if (resolvConf !== undefined) args.push('--ro-bind', resolvConf, '/etc/resolv.conf');
  args.push('--ro-bind-data', fd(join(layout.etc, 'passwd')), '/etc/passwd');
  args.push('--ro-bind-data', fd(join(layout.etc, 'group')), '/etc/group');
  // /tmp first: installs that live under the host's /tmp (a checkout there) are bound onto it.
  args.push('--perms', '1777', '--size', String(spec.limits.tmpBytes), '--tmpfs', '/tmp');
  // The node install and the runtime's packages, bound at the paths they have on the host.
  const bound: string[] = [];
  for (const entry of spec.readOnlyBinds ?? []) {
    const { source, path } = typeof entry === 'string' ? { source: entry, path: entry } : entry;
    if (bound.some((b) => isUnder(path, b)) || !host.exists(source)) continue;
    args.push('--ro-bind', source, path);
    bound.push(path);
  }
  // A data folder inside a bound folder (a checkout holding both node_modules and .gpuaas/) is
  // covered again, parents first.
  const covered: string[] = [];
  const secret = [resolve(spec.dataDir), ...(spec.hide ?? []).map((p) => resolve(p))].sort(
    (a, b) => a.length - b.length,
  );
  for (const path of secret) {
    if (covered.some((c) => isUnder(path, c)) || !bound.some((b) => isUnder(path, b))) continue;
    if (!host.exists(path)) continue;
    args.push('--tmpfs', path);
    covered.push(path);
  }
  args.push('--dev', '/dev');
  if (spec.gpuKind === 'nvidia') {
    const devices = spec.gpus.map((g) => `/dev/nvidia${g.device_minor ?? g.index}`);
    for (const device of [...devices, ...NVIDIA_CONTROL_DEVICES]) {
      if (host.exists(device)) args.push('--dev-bind', device, device);
    }
  }
  args.push('--proc', '/proc');
  if (spec.gpuKind === 'nvidia') {
    for (const bus of spec.otherGpuBusIds ?? []) {
      const entry = `/proc/driver/nvidia/gpus/${bus.toLowerCase()}`;
      if (/^[0-9a-f:.]+$/.test(bus.toLowerCase()) && host.exists(entry)) args.push('--tmpfs', entry);
    }
  }
  const viaView = spec.identity.kind === 'userns';
  args.push('--bind', viaView ? layout.viewHome : layout.home, SANDBOX_HOME);
  args.push('--bind', layout.run, SANDBOX_RUN);
  args.push('--bind', viaView ? layout.viewRuntimeData : layout.runtimeData, SANDBOX_RUNTIME_DATA);
  for (const [i, volume] of (spec.volumes ?? []).slice(0, MAX_VOLUMES).entries()) {
    const source = viaView ? viewVolume(layout, i) : volume.source;
    args.push(volume.readOnly ? '--ro-bind' : '--bind', source, volume.mountPath);
  }
  // Nothing above the mounts is writable: the root is an empty tmpfs made read-only.
  args.push('--remount-ro', '/');
  args.push('--die-with-parent', '--new-session', '--cap-drop', 'ALL');
  if (spec.identity.kind === 'userns') {
    // The runtime (the namespace's root) keeps what it needs to start tenant code as uid 1000 and
    // to hand it its folders; in a user namespace these act only on the sandbox's own ids.
    for (const cap of RUNTIME_CAPABILITIES) args.push('--cap-add', cap);
  }
  args.push('--chdir', SANDBOX_HOME);
  args.push('--', ...spec.command);
  return { args: withParentFolders(args), fdPaths };
}

const DESTINATION_ARGS: Record<string, number> = {
  '--ro-bind': 2,
  '--bind': 2,
  '--dev-bind': 2,
  '--ro-bind-data': 2,
  '--tmpfs': 1,
  '--dev': 1,
  '--proc': 1,
};

/**
 * bwrap creates the folders above a mount point with mode 0700 on its root tmpfs, which tenant
 * code (not the namespace's root) could not traverse: each is created 0755 just before the first
 * mount below it, so one under a tmpfs (a checkout in /tmp) lands on that tmpfs, not under it.
 */
function withParentFolders(args: string[]): string[] {
  const end = args.indexOf('--');
  const out: string[] = [];
  const made = new Set<string>();
  for (let i = 0; i < args.length; i += 1) {
    const flag = args[i] ?? '';
    const arity = i < end ? DESTINATION_ARGS[flag] : undefined;
    const destination = arity === undefined ? undefined : args[i + arity];
    if (arity !== undefined && destination !== undefined) {
      // A tmpfs hides what was made below it.
      if (flag === '--tmpfs') for (const dir of made) if (dir.startsWith(`${destination}/`)) made.delete(dir);
      const parents: string[] = [];
      for (let dir = dirname(destination); dir !== '/' && dir !== '.'; dir = dirname(dir))
        parents.unshift(dir);
      for (const dir of parents) {
        if (made.has(dir)) continue;
        out.push('--perms', '0755', '--dir', dir);
        made.add(dir);
      }
    }
    out.push(flag);
  }
  return out;
}

export const RUNTIME_CAPABILITIES = [
  'CAP_SETUID',
  'CAP_SETGID',
  'CAP_CHOWN',
  'CAP_FOWNER',
  'CAP_DAC_OVERRIDE',
  'CAP_KILL',
] as const;

function realpathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** The sandbox's /etc/passwd and /etc/group: its root (the runtime), the tenant and nobody. */
export function sandboxAccounts(): { passwd: string; group: string } {
  return {
    passwd: [
      'root:x:0:0:gpuaas runtime:/var/lib/gpuaas-runtime:/usr/sbin/nologin',
      `gpuaas:x:${TENANT_ID}:${TENANT_ID}:tenant:${SANDBOX_HOME}:/bin/bash`,
      'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
      '',
    ].join('\n'),
    group: ['root:x:0:', `gpuaas:x:${TENANT_ID}:`, 'nogroup:x:65534:', ''].join('\n'),
  };
}
