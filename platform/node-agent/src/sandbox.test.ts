import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { requireTools } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeNvidiaSmiScript } from './fake-nvidia-smi.js';
import { parseQueryGpuCsv, simulatedInventory } from './inventory.js';
import {
  allocationLayout,
  bubblewrapPlan,
  ETC_ALLOW,
  nodeInstallDir,
  resolveSandboxMode,
  sandboxEnvironment,
  socketRoot,
  stagingRoot,
  uidBaseFor,
} from './sandbox.js';
import type { AgentLogger, HostView, SandboxIdentity, SandboxSpec } from './sandbox.js';
import { DEFAULT_SANDBOX_LIMITS, sandboxLimits } from './sandbox-limits.js';
import { mountHomeImage, stageReadOnly, unmount } from './sandbox-mounts.js';
import { prepareAllocation, removeAllocationFolders } from './sandbox-prepare.js';
import { startSandbox } from './sandbox-process.js';
import type { SandboxProcess } from './sandbox-process.js';

const [simNode] = simulatedInventory({ names: ['sbx'], gpusPerNode: 8 });
const GPUS = simNode!.inventory.gpus;
const ASSIGNED = [GPUS[3]!, GPUS[5]!];
const ENV_KEYS = [
  'CUDA_VISIBLE_DEVICES',
  'GPUAAS_ALLOCATION_ID',
  'GPUAAS_GPUS',
  'HOME',
  'LANG',
  'PATH',
  'TERM',
  'USER',
];
const LIMITS = sandboxLimits(2, { ...DEFAULT_SANDBOX_LIMITS, tmpBytesPerGpu: 8 * 1024 * 1024 });
const ROOT = process.getuid?.() === 0;

function recordingLogger(): AgentLogger & { warnings: string[] } {
  const warnings: string[] = [];
  const noop = (): void => undefined;
  return { warnings, debug: noop, info: noop, error: noop, warn: (_obj, msg) => warnings.push(msg) };
}

/** Collects a sandbox's stdout until it exits. */
async function output(
  sandbox: SandboxProcess,
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  let stdout = '';
  let stderr = '';
  sandbox.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  sandbox.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exit = await sandbox.exited;
  return { stdout, stderr, code: exit.code };
}

/** Resolves with the first stdout line. */
function firstLine(sandbox: SandboxProcess): Promise<string> {
  return new Promise((resolve) => {
    let buffered = '';
    sandbox.stdout.on('data', (c: Buffer) => {
      buffered += c.toString();
      if (buffered.includes('\n')) resolve(buffered.split('\n')[0]!);
    });
  });
}

function fakeHost(paths: Iterable<string>, links: Record<string, string> = {}): HostView {
  const set = new Set(paths);
  return {
    exists: (p) => set.has(p) || p in links,
    symlink: (p) => links[p],
    realpath: (p) => (set.has(p) ? p : undefined),
  };
}

describe('bubblewrapPlan', () => {
  const spec: SandboxSpec = {
    allocationId: '0190b8a2-1111-7000-8000-000000000001',
    dataDir: '/srv/gpuaas',
    gpus: [
      { index: 1, uuid: 'GPU-b', model: 'H100', device_minor: 5 },
      { index: 2, uuid: 'GPU-c', model: 'H100' },
    ],
    gpuKind: 'nvidia',
    identity: { kind: 'userns', uidBase: 0x10_0000 },
    limits: LIMITS,
    command: ['/usr/bin/runtime', 'serve'],
    env: { SOMETHING: 'top-secret' },
    readOnlyBinds: [{ source: '/run/gpuaas-sandbox/staged/abc', path: '/root/.nvm/versions/node/v24' }],
  };
  const host = fakeHost(
    [
      '/usr',
      '/lib64',
      '/etc/hosts',
      '/etc/ssl',
      '/etc/shadow',
      '/etc/passwd',
      '/etc/sudoers',
      '/srv/gpuaas',
      '/run/gpuaas-sandbox/staged/abc',
      '/dev/nvidia0',
      '/dev/nvidia1',
      '/dev/nvidia2',
      '/dev/nvidia5',
      '/dev/nvidiactl',
      '/dev/nvidia-uvm',
    ],
    { '/bin': 'usr/bin', '/lib': 'usr/lib' },
  );
  const { args, fdPaths } = bubblewrapPlan(spec, host);
  const pairs = (flag: string): string[] => args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));
  const targets = (flag: string): string[] => args.flatMap((a, i) => (a === flag ? [args[i + 2]!] : []));
  const layout = allocationLayout('/srv/gpuaas', spec.allocationId);

  it('builds the root from an allow-list, never from the host’s / with holes in it', () => {
    expect(pairs('--ro-bind')).not.toContain('/');
    expect(targets('--ro-bind')).toEqual(
      expect.arrayContaining(['/usr', '/lib64', '/etc/hosts', '/etc/ssl']),
    );
    expect(args.slice(args.indexOf('--symlink'), args.indexOf('--symlink') + 3)).toEqual([
      '--symlink',
      'usr/bin',
      '/bin',
    ]);
    // Host credentials and configuration never go in; passwd and group are the sandbox's own.
    expect(targets('--ro-bind')).not.toContain('/etc/shadow');
    expect(targets('--ro-bind')).not.toContain('/etc/sudoers');
    expect(targets('--ro-bind')).not.toContain('/etc/passwd');
    expect(targets('--ro-bind-data')).toEqual(['/etc/passwd', '/etc/group']);
    expect(fdPaths).toEqual([join(layout.etc, 'passwd'), join(layout.etc, 'group')]);
    for (const t of targets('--ro-bind').filter((p) => p.startsWith('/etc/')))
      expect(ETC_ALLOW).toContain(t.slice('/etc/'.length));
    expect(args).toEqual(expect.arrayContaining(['--remount-ro', '/']));
  });

  it('enters the allocation’s own user namespace and network namespace', () => {
    expect(args.slice(0, 7)).toEqual(['--userns', '3', '--uid', '0', '--gid', '0', '--unshare-pid']);
    expect(args).toEqual(
      expect.arrayContaining(['--unshare-net', '--unshare-ipc', '--unshare-uts', '--new-session']),
    );
    expect(args).not.toContain('--share-net');
    // Capabilities only for the runtime to start tenant code as another uid.
    expect(pairs('--cap-add').sort()).toEqual([
      'CAP_CHOWN',
      'CAP_DAC_OVERRIDE',
      'CAP_FOWNER',
      'CAP_KILL',
      'CAP_SETGID',
      'CAP_SETUID',
    ]);
  });

  it('binds the allocation’s folders from its view, installs from their staged source', () => {
    expect(args.join(' ')).toContain(`--bind ${layout.viewHome} /home/gpuaas`);
    expect(args.join(' ')).toContain(`--bind ${layout.run} /run/gpuaas`);
    expect(args.join(' ')).toContain(`--bind ${layout.viewRuntimeData} /var/lib/gpuaas-runtime`);
    expect(args.join(' ')).toContain('--ro-bind /run/gpuaas-sandbox/staged/abc /root/.nvm/versions/node/v24');
    expect(args.join(' ')).not.toContain(layout.dir);
    // A size-limited, world-writable (sticky) /tmp.
    expect(args.join(' ')).toContain(`--perms 1777 --size ${LIMITS.tmpBytes} --tmpfs /tmp`);
  });

  it('creates the folders above mount points 0755, each before the first mount below it', () => {
    const dirs = pairs('--dir');
    expect(dirs).toEqual(
      expect.arrayContaining(['/etc', '/home', '/run', '/var', '/var/lib', '/root', '/root/.nvm']),
    );
    expect(new Set(dirs).size).toBe(dirs.length);
    expect(dirs.indexOf('/var')).toBeLessThan(dirs.indexOf('/var/lib'));
    for (const [dir, target] of [
      ['/etc', '/etc/hosts'],
      ['/root/.nvm', '/root/.nvm/versions/node/v24'],
      ['/var/lib', '/var/lib/gpuaas-runtime'],
    ] as const) {
      expect(args.indexOf(dir)).toBeGreaterThan(-1);
      expect(args.indexOf(dir)).toBeLessThan(args.indexOf(target));
      expect(args[args.indexOf(dir) - 3]).toBe('--perms');
    }
  });

  it('binds exactly the assigned volumes at their mount paths, read-only where asked, through the view', () => {
    expect(args.filter((a) => a.startsWith('/mnt'))).toEqual([]);
    const plan = bubblewrapPlan(
      {
        ...spec,
        volumes: [
          { source: '/srv/gpuaas/storage/mounts/v1', mountPath: '/mnt/models', readOnly: true },
          { source: '/srv/gpuaas/storage/mounts/v2', mountPath: '/mnt/data', readOnly: false },
        ],
      },
      host,
    ).args;
    const bound = (flag: string) => plan.flatMap((a, i) => (a === flag ? [[plan[i + 1], plan[i + 2]]] : []));
    const viaView = spec.identity.kind === 'userns';
    expect(bound('--ro-bind').filter(([, to]) => to?.startsWith('/mnt/'))).toEqual([
      [viaView ? join(layout.view, 'vol0') : '/srv/gpuaas/storage/mounts/v1', '/mnt/models'],
    ]);
    expect(bound('--bind').filter(([, to]) => to?.startsWith('/mnt/'))).toEqual([
      [viaView ? join(layout.view, 'vol1') : '/srv/gpuaas/storage/mounts/v2', '/mnt/data'],
    ]);
  });

  it('binds an install that lives under the host’s /tmp onto the sandbox’s /tmp, not under it', () => {
    const checkout = '/tmp/ci/clone';
    const plan = bubblewrapPlan(
      { ...spec, readOnlyBinds: [`${checkout}/runtime`, `${checkout}/node_modules`] },
      { ...host, exists: (p) => host.exists(p) || p.startsWith(checkout) },
    ).args;
    const tmpAt = plan.findIndex((a, i) => a === '--tmpfs' && plan[i + 1] === '/tmp');
    const bindAt = plan.findIndex((a, i) => a === '--ro-bind' && plan[i + 2] === `${checkout}/runtime`);
    expect(tmpAt).toBeGreaterThan(-1);
    expect(bindAt).toBeGreaterThan(tmpAt);
    // The folders above it are made on the tmpfs, after it was mounted.
    const madeAt = plan.findIndex((a, i) => a === '--dir' && plan[i + 1] === '/tmp/ci');
    expect(madeAt).toBeGreaterThan(tmpAt);
    expect(madeAt).toBeLessThan(bindAt);
  });

  it('binds only the assigned GPUs’ device files (by driver minor) and the control devices that exist', () => {
    expect(pairs('--dev-bind')).toEqual([
      '/dev/nvidia5',
      '/dev/nvidia2',
      '/dev/nvidiactl',
      '/dev/nvidia-uvm',
    ]);
    expect(args.indexOf('--dev')).toBeLessThan(args.indexOf('--dev-bind'));
  });

  it('covers the driver entries of the node’s other GPUs after mounting /proc', () => {
    const busHost = fakeHost([
      '/proc/driver/nvidia/gpus/0000:1b:00.0',
      '/proc/driver/nvidia/gpus/0000:29:00.0',
    ]);
    const masked = bubblewrapPlan(
      { ...spec, otherGpuBusIds: ['0000:1B:00.0', '0000:29:00.0', '0000:99:00.0', '../../etc'] },
      busHost,
    ).args;
    const tmpfs = masked.flatMap((a, i) => (a === '--tmpfs' ? [masked[i + 1]!] : []));
    expect(tmpfs.filter((p) => p.startsWith('/proc/'))).toEqual([
      '/proc/driver/nvidia/gpus/0000:1b:00.0',
      '/proc/driver/nvidia/gpus/0000:29:00.0',
    ]);
    expect(masked.indexOf('/proc/driver/nvidia/gpus/0000:1b:00.0')).toBeGreaterThan(masked.indexOf('--proc'));
    const simulated = bubblewrapPlan(
      { ...spec, gpuKind: 'simulated', otherGpuBusIds: ['0000:1b:00.0'] },
      busHost,
    );
    expect(simulated.args).not.toContain('/proc/driver/nvidia/gpus/0000:1b:00.0');
  });

  it('keeps secrets out of the command line and ends with the command', () => {
    expect(args.join(' ')).not.toContain('top-secret');
    expect(args.slice(-3)).toEqual(['--', '/usr/bin/runtime', 'serve']);
    expect(args).toEqual(expect.arrayContaining(['--die-with-parent', '--cap-drop', 'ALL']));
    expect(pairs('--hostname')).toEqual(['alloc-0190b8a2']);
  });

  it('covers a data folder that lies inside a bound install', () => {
    const repo = '/root/src/gpuaas';
    const nested = bubblewrapPlan(
      {
        ...spec,
        dataDir: `${repo}/.gpuaas/data/nodes/n1`,
        hide: [`${repo}/.gpuaas/data`],
        readOnlyBinds: [repo],
      },
      { ...host, exists: (p) => host.exists(p) || p.startsWith(repo) },
    ).args;
    const bindAt = nested.findIndex((a, i) => a === '--ro-bind' && nested[i + 1] === repo);
    const dataAt = nested.findIndex((a, i) => a === '--tmpfs' && nested[i + 1] === `${repo}/.gpuaas/data`);
    expect(bindAt).toBeGreaterThan(0);
    expect(dataAt).toBeGreaterThan(bindAt);
    expect(nested.filter((a, i) => a === '--tmpfs' && nested[i + 1]!.startsWith(repo))).toHaveLength(1);
  });

  it('without root: bwrap’s own single-id namespace, no capabilities, folders bound from the data folder', () => {
    const single = bubblewrapPlan({ ...spec, identity: { kind: 'single' } }, host).args;
    expect(single.slice(0, 5)).toEqual(['--unshare-user', '--uid', '1000', '--gid', '1000']);
    expect(single).not.toContain('--cap-add');
    expect(single.join(' ')).toContain(`--bind ${layout.home} /home/gpuaas`);
  });

  it('refuses an allocation id that could escape the allocations folder', () => {
    expect(() => bubblewrapPlan({ ...spec, allocationId: '../../etc' }, host)).toThrow(
      /unsafe allocation id/,
    );
  });
});

describe('allocationLayout', () => {
  it('keeps socket paths short whatever the data folder (a 200-character data folder)', () => {
    const dataDir = `/tmp/${'d'.repeat(200)}`;
    const layout = allocationLayout(dataDir, '0190b8a2-1111-7000-8000-000000000001');
    expect(Buffer.byteLength(layout.socket)).toBeLessThanOrEqual(107);
    expect(Buffer.byteLength(layout.egressSocket)).toBeLessThanOrEqual(107);
    expect(layout.socket.startsWith(socketRoot(dataDir))).toBe(true);
    expect(layout.dir.startsWith(dataDir)).toBe(true);
  });

  it('gives allocations (also of other agents) disjoint uid ranges above every account', () => {
    const a = uidBaseFor('/srv/a', 'x1');
    const b = uidBaseFor('/srv/a', 'x2');
    const c = uidBaseFor('/srv/b', 'x1');
    expect(new Set([a, b, c]).size).toBe(3);
    for (const base of [a, b, c]) {
      expect(base).toBeGreaterThanOrEqual(0x10_0000);
      expect(base + 65_536).toBeLessThan(2 ** 31);
      expect(base % 65_536).toBe(0);
    }
  });
});

describe('sandboxEnvironment', () => {
  const base = {
    allocationId: 'a1',
    dataDir: '/srv/d',
    gpuKind: 'simulated' as const,
    command: ['x'],
    identity: { kind: 'single' } as SandboxIdentity,
    limits: LIMITS,
  };
  it('is built from scratch and the reserved variables cannot be overridden', () => {
    const env = sandboxEnvironment(
      { ...base, gpus: ASSIGNED, env: { PATH: '/evil', CUDA_VISIBLE_DEVICES: '0,1,2,3', MY_VAR: 'v' } },
      'bubblewrap',
    );
    expect(env.PATH).toBe('/run/gpuaas/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    expect(env.CUDA_VISIBLE_DEVICES).toBe(`${ASSIGNED[0]!.uuid},${ASSIGNED[1]!.uuid}`);
    expect(env.MY_VAR).toBe('v');
    expect(JSON.parse(env.GPUAAS_GPUS!)).toEqual(
      ASSIGNED.map((g) => ({ index: g.index, uuid: g.uuid, model: g.model })),
    );
  });

  it('falls back to indices when the GPUs have no UUIDs', () => {
    const gpus = [
      { index: 2, uuid: null, model: 'm' },
      { index: 7, uuid: null, model: 'm' },
    ];
    const env = sandboxEnvironment({ ...base, dataDir: '/d', gpus }, 'none');
    expect(env.CUDA_VISIBLE_DEVICES).toBe('2,7');
    expect(env.HOME).toBe('/d/allocations/a1/home');
  });
});

describe('fake nvidia-smi', () => {
  let dir: string;
  let smi: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-smi-'));
    smi = join(dir, 'nvidia-smi');
    await writeFile(smi, fakeNvidiaSmiScript(ASSIGNED), { mode: 0o755 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const run = (...args: string[]): { code: number; stdout: string } => {
    try {
      return { code: 0, stdout: execFileSync(smi, args, { encoding: 'utf8' }) };
    } catch (error) {
      const e = error as { status: number; stdout: string };
      return { code: e.status, stdout: e.stdout };
    }
  };

  it('lists only the given GPUs in the real -L format, numbered from 0', async () => {
    const real = await readFile(join(import.meta.dirname, '../fixtures/nvidia-smi/h100-x1/list.txt'), 'utf8');
    const format = /^GPU \d+: .+ \(UUID: GPU-[0-9a-f-]+\)$/;
    expect(real.trim()).toMatch(format);
    const lines = run('-L').stdout.trim().split('\n');
    expect(lines).toEqual([
      `GPU 0: NVIDIA H100 80GB HBM3 (UUID: ${ASSIGNED[0]!.uuid})`,
      `GPU 1: NVIDIA H100 80GB HBM3 (UUID: ${ASSIGNED[1]!.uuid})`,
    ]);
  });

  it('answers the agent’s own --query-gpu form so the inventory parser reads it back', () => {
    const fields = ['index', 'uuid', 'name', 'memory.total', 'pci.bus_id'];
    const rows = parseQueryGpuCsv(
      run(`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits').stdout,
      fields,
    );
    expect(rows.map((r) => [r.index, r.uuid, r.memory_mib])).toEqual([
      [0, ASSIGNED[0]!.uuid, 81559],
      [1, ASSIGNED[1]!.uuid, 81559],
    ]);
    expect(run('--query-gpu=index,name,memory.total,uuid', '--format=csv').stdout.split('\n')[0]).toBe(
      'index, name, memory.total [MiB], uuid',
    );
  });

  it('rejects an unknown field like the real one (exit 2, message on stdout)', () => {
    expect(run('--query-gpu=index,not.a.field', '--format=csv')).toEqual({
      code: 2,
      stdout: 'Field "not.a.field" is not a valid field to query.\n\n',
    });
  });
});

/** The probe that runs inside a sandbox (as the runtime, the namespace's root) and reports what it sees. */
const PROBE = `
const fs = require('node:fs'), cp = require('node:child_process'), os = require('node:os'), net = require('node:net');
const [data, hostPort] = process.argv.slice(1);
const attempt = (f) => { try { f(); return 'ok'; } catch (e) { return e.code || String(e); } };
const procs = fs.readdirSync('/proc').filter((n) => /^\\d+$/.test(n)).map((p) => {
  try { return fs.readFileSync('/proc/' + p + '/cmdline', 'utf8').split('\\0').join(' ').trim(); } catch { return ''; }
});
const tenant = (cmd) => cp.spawnSync('/bin/sh', ['-c', cmd], { uid: 1000, gid: 1000, encoding: 'utf8' });
const s = net.connect(Number(hostPort), '127.0.0.1');
s.on('connect', () => report('connected')).on('error', (e) => report(e.code));
function report(loopback) {
  s.destroy();
  console.log(JSON.stringify({
    loopback,
    rootWrite: attempt(() => fs.writeFileSync('/probe', 'x')),
    usrWrite: attempt(() => fs.writeFileSync('/usr/probe', 'x')),
    tmp: fs.readdirSync('/tmp'),
    homeWrite: attempt(() => fs.writeFileSync(process.env.HOME + '/hello.txt', 'hello from the sandbox')),
    cwd: process.cwd(),
    data: attempt(() => fs.readdirSync(data)),
    secret: attempt(() => fs.readFileSync(data + '/secret.key')),
    root: fs.readdirSync('/root'),
    home: fs.readdirSync('/home'),
    etcPasswd: fs.readFileSync('/etc/passwd', 'utf8'),
    shadow: attempt(() => fs.readFileSync('/etc/shadow', 'utf8')),
    procs,
    netTcp: fs.readFileSync('/proc/net/tcp', 'utf8').trim().split('\\n').length,
    env: process.env,
    smi: cp.execFileSync('nvidia-smi', ['-L']).toString(),
    hostname: os.hostname(),
    devNvidia: fs.readdirSync('/dev').filter((n) => n.startsWith('nvidia')),
    tenantId: tenant('id -u').stdout.trim(),
    tenantReadsInit: tenant('cat /proc/1/environ > /dev/null && echo read').stderr.includes('Permission denied'),
    tenantReplacesRun: tenant('touch /run/gpuaas/x').status,
  }));
}
`;

describe.skipIf(!requireTools('node agent sandbox isolation', 'bwrap'))('bubblewrap sandbox', () => {
  let dataDir: string;
  let probe: Record<string, unknown> & { env: Record<string, string>; procs: string[] };
  let neighbour: SandboxProcess;
  let neighbourExit: Promise<{ stdout: string; stderr: string; code: number | null }>;
  let hostServer: Server;
  const secretsBefore = {
    GPUAAS_SECRET_KEY: process.env.GPUAAS_SECRET_KEY,
    DATABASE_URL: process.env.DATABASE_URL,
  };
  const bwrap = resolveSandboxMode('bubblewrap', { logger: recordingLogger() });
  const logger = recordingLogger();
  const identity = (id: string): SandboxIdentity =>
    ROOT ? { kind: 'userns', uidBase: uidBaseFor(dataDir, id) } : { kind: 'single' };
  let binds: { source: string; path: string }[];
  const spec = (allocationId: string, command: string[]): SandboxSpec => ({
    allocationId,
    dataDir,
    gpus: ASSIGNED,
    gpuKind: 'simulated',
    identity: identity(allocationId),
    limits: LIMITS,
    command,
    readOnlyBinds: binds,
  });
  const start = async (s: SandboxSpec): Promise<SandboxProcess> => {
    await prepareAllocation(s, { mode: 'bubblewrap', logger });
    return startSandbox(s, bwrap);
  };

  beforeAll(async () => {
    dataDir = await mkdtemp('/var/tmp/gpuaas-sbx-');
    binds = [
      {
        source: await stageReadOnly(nodeInstallDir(), stagingRoot(dataDir)),
        path: nodeInstallDir(),
      },
    ];
    await writeFile(join(dataDir, 'secret.key'), 'platform secret');
    process.env.GPUAAS_SECRET_KEY = 'must-not-leak';
    process.env.DATABASE_URL = 'postgres://must-not-leak';
    hostServer = createServer((c) => c.end('host service\n'));
    await new Promise<void>((r) => hostServer.listen(0, '127.0.0.1', () => r()));
    const hostPort = (hostServer.address() as { port: number }).port;

    neighbour = await start(
      spec('neighbour', [
        process.execPath,
        '-e',
        "require('fs').writeFileSync('/tmp/neighbour-was-here', 'x'); process.on('SIGTERM', () => { console.log('graceful'); process.exit(0); }); console.log('ready'); setInterval(() => {}, 1000);",
      ]),
    );
    expect(await firstLine(neighbour)).toBe('ready');
    neighbourExit = output(neighbour);

    const result = await output(
      await start(
        spec('a1b2c3d4-0000-7000-8000-000000000000', [
          process.execPath,
          '-e',
          PROBE,
          dataDir,
          String(hostPort),
        ]),
      ),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    probe = JSON.parse(result.stdout);
  });
  afterAll(async () => {
    await neighbour?.terminate(100);
    hostServer?.close();
    for (const [key, value] of Object.entries(secretsBefore)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    for (const id of ['neighbour', 'a1b2c3d4-0000-7000-8000-000000000000', 'stubborn'])
      await removeAllocationFolders(allocationLayout(dataDir, id)).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('makes the system read-only', () => {
    expect(probe.rootWrite).toBe('EROFS');
    expect(probe.usrWrite).toBe('EROFS');
  });

  it('has no network but its own loopback: the host’s loopback services are unreachable', () => {
    expect(probe.loopback).toBe('ECONNREFUSED');
    expect(probe.netTcp).toBe(1);
  });

  it('gives a private, empty /tmp (neither the host’s nor the neighbour’s files)', () => {
    expect(probe.tmp).toEqual([]);
  });

  it('gives a writable home at /home/gpuaas that persists on the host', async () => {
    expect(probe.homeWrite).toBe('ok');
    expect(probe.cwd).toBe('/home/gpuaas');
    const layout = allocationLayout(dataDir, 'a1b2c3d4-0000-7000-8000-000000000000');
    const home = ROOT ? layout.viewHome : layout.home;
    expect(await readFile(join(home, 'hello.txt'), 'utf8')).toBe('hello from the sandbox');
  });

  it('shows nothing of the data folder: the platform’s secret key and other allocations', () => {
    expect(probe.data).toBe('ENOENT');
    expect(probe.secret).toBe('ENOENT');
  });

  it('shows of /root and /home only what it needs (the node install)', async () => {
    expect(probe.home).toEqual(['gpuaas']);
    const nodeUnderRoot = relative('/root', nodeInstallDir());
    const allowed = nodeUnderRoot.startsWith('..') ? [] : [nodeUnderRoot.split('/')[0]];
    expect(probe.root).toEqual(allowed);
    const hostRoot = await readdir('/root').catch(() => []);
    for (const entry of hostRoot.filter((e) => !allowed.includes(e))) expect(probe.root).not.toContain(entry);
  });

  it('has its own accounts and no password hashes', () => {
    expect(existsSync('/etc/shadow')).toBe(true);
    expect(probe.shadow).toBe('ENOENT');
    expect(probe.etcPasswd).toContain('gpuaas:x:1000:1000');
    const names = (probe.etcPasswd as string)
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split(':')[0]);
    expect(names).toEqual(['root', 'gpuaas', 'nobody']);
  });

  it.skipIf(!ROOT)(
    'runs tenant code as uid 1000, unable to read the runtime’s environment or change its sockets',
    () => {
      expect(probe.tenantId).toBe('1000');
      expect(probe.tenantReadsInit).toBe(true);
      expect(probe.tenantReplacesRun).not.toBe(0);
    },
  );

  it('has its own PID namespace: only its own processes are visible', () => {
    expect(probe.procs.length).toBeLessThanOrEqual(4);
    expect(probe.procs.join('\n')).not.toMatch(/vitest|neighbour/);
    expect(probe.procs.join('\n')).toContain('bwrap');
  });

  it('shows only its GPUs: CUDA_VISIBLE_DEVICES and nvidia-smi -L', () => {
    expect(probe.env.CUDA_VISIBLE_DEVICES).toBe(ASSIGNED.map((g) => g.uuid).join(','));
    expect(probe.smi).toBe(ASSIGNED.map((g, i) => `GPU ${i}: ${g.model} (UUID: ${g.uuid})\n`).join(''));
    expect(probe.devNvidia).toEqual([]);
    expect(probe.hostname).toBe('alloc-a1b2c3d4');
  });

  it('lets nothing of the parent’s environment in', () => {
    // bwrap's --chdir sets PWD; everything else is the agent's explicit list.
    expect(Object.keys(probe.env).sort()).toEqual([...ENV_KEYS, 'PWD', 'TMPDIR'].sort());
    expect(JSON.stringify(probe.env)).not.toContain('must-not-leak');
    expect(probe.env.HOME).toBe('/home/gpuaas');
  });

  it('terminates gracefully: the command gets SIGTERM, not bwrap', async () => {
    const exit = await neighbour.terminate(5000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect((await neighbourExit).stdout).toContain('graceful');
  });

  it('kills a command that ignores SIGTERM once the grace period is over', async () => {
    const sandbox = await start(
      spec('stubborn', [
        process.execPath,
        '-e',
        "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000);",
      ]),
    );
    await firstLine(sandbox);
    const started = Date.now();
    await sandbox.terminate(200);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('sandbox mode none', () => {
  let dataDir: string;
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('still gives an explicit environment and the fake nvidia-smi on PATH', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gpuaas-none-'));
    process.env.GPUAAS_SECRET_KEY = 'must-not-leak';
    const s: SandboxSpec = {
      allocationId: 'plain',
      dataDir,
      gpus: ASSIGNED,
      gpuKind: 'simulated',
      identity: { kind: 'single' },
      limits: LIMITS,
      command: [
        process.execPath,
        '-e',
        "console.log(JSON.stringify({ env: process.env, cwd: process.cwd(), smi: require('child_process').execFileSync('nvidia-smi', ['-L']).toString() }))",
      ],
    };
    try {
      const layout = await prepareAllocation(s, { mode: 'none', logger: recordingLogger() });
      const result = await output(await startSandbox(s, { mode: 'none' }));
      const seen = JSON.parse(result.stdout) as { env: object; cwd: string; smi: string };
      expect(Object.keys(seen.env).sort()).toEqual(ENV_KEYS);
      expect(seen.cwd).toBe(layout.home);
      expect(seen.smi.trim().split('\n')).toHaveLength(2);
    } finally {
      delete process.env.GPUAAS_SECRET_KEY;
      await removeAllocationFolders(allocationLayout(dataDir, 'plain'));
    }
  });
});

describe.skipIf(!ROOT)('home file systems', () => {
  it.each([48 * 1024 ** 2, 2 * 1024 ** 3])(
    'mounts a %d-byte home owned by the tenant, costing the node a few MiB',
    async (bytes) => {
      const dir = await mkdtemp(join(tmpdir(), 'gpuaas-home-'));
      const home = join(dir, 'home');
      try {
        expect(
          await mountHomeImage(join(dir, 'home.img'), home, bytes, 0x10_0000 + 1000, recordingLogger()),
        ).toBe(true);
        const df = execFileSync('df', ['-B1', '--output=size', home], { encoding: 'utf8' })
          .trim()
          .split('\n');
        expect(Number(df[1])).toBeLessThanOrEqual(bytes);
        expect(Number(df[1])).toBeGreaterThan(bytes * 0.8);
        expect(execFileSync('stat', ['-c', '%u', home], { encoding: 'utf8' }).trim()).toBe(
          String(0x10_0000 + 1000),
        );
        const used = Number(
          execFileSync('du', ['-B1', '-s', join(dir, 'home.img')], { encoding: 'utf8' }).split('\t')[0],
        );
        expect(used).toBeLessThan(16 * 1024 ** 2);
      } finally {
        await unmount(home);
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
