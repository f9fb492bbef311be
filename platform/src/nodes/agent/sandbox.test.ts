import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { requireTools } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeNvidiaSmiScript } from './fake-nvidia-smi.js';
import { parseQueryGpuCsv, simulatedInventory } from './inventory.js';
import {
  allocationLayout,
  bubblewrapArgs,
  nodeInstallDir,
  prepareAllocation,
  resolveSandboxMode,
  sandboxEnvironment,
} from './sandbox.js';
import type { AgentLogger, SandboxSpec } from './sandbox.js';
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

describe('bubblewrapArgs', () => {
  const spec: SandboxSpec = {
    allocationId: '0190b8a2-1111-7000-8000-000000000001',
    dataDir: '/srv/gpuaas',
    gpus: [
      { index: 1, uuid: 'GPU-b', model: 'H100', device_minor: 5 },
      { index: 2, uuid: 'GPU-c', model: 'H100' },
    ],
    gpuKind: 'nvidia',
    command: ['/usr/bin/runtime', 'serve'],
    env: { GPUAAS_RUNTIME_SECRET: 'top-secret' },
    readOnlyBinds: ['/root/.nvm/versions/node/v24', '/usr/lib/node'],
  };
  const host = new Set([
    '/tmp',
    '/home',
    '/root',
    '/run',
    '/srv/gpuaas',
    '/root/.nvm/versions/node/v24',
    '/usr/lib/node',
  ]);
  for (const minor of [0, 1, 2, 5]) host.add(`/dev/nvidia${minor}`);
  host.add('/dev/nvidiactl').add('/dev/nvidia-uvm');
  const args = bubblewrapArgs(spec, { exists: (p) => host.has(p) });
  const pairs = (flag: string): string[] => args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));

  it('covers the data folder and the host’s homes after the read-only root, before binding the allocation back', () => {
    expect(args.slice(0, 3)).toEqual(['--ro-bind', '/', '/']);
    expect(pairs('--tmpfs')).toEqual(['/tmp', '/home', '/root', '/run', '/srv/gpuaas']);
    const dataAt = args.indexOf('/srv/gpuaas');
    const homeAt = args.indexOf('/home/gpuaas');
    expect(dataAt).toBeGreaterThan(0);
    expect(homeAt).toBeGreaterThan(dataAt);
    const layout = allocationLayout('/srv/gpuaas', spec.allocationId);
    expect(args.slice(homeAt - 2, homeAt + 1)).toEqual(['--bind', layout.home, '/home/gpuaas']);
    expect(args).toContain(layout.run);
    // Only the node install under /root comes back (read-only); /usr is visible anyway.
    expect(pairs('--ro-bind')).toContain('/root/.nvm/versions/node/v24');
    expect(pairs('--ro-bind')).not.toContain('/usr/lib/node');
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
    const busHost = new Set([
      ...host,
      '/proc/driver/nvidia/gpus/0000:1b:00.0',
      '/proc/driver/nvidia/gpus/0000:29:00.0',
    ]);
    const masked = bubblewrapArgs(
      { ...spec, otherGpuBusIds: ['0000:1B:00.0', '0000:29:00.0', '0000:99:00.0', '../../etc'] },
      { exists: (p) => busHost.has(p) },
    );
    const tmpfs = masked.flatMap((a, i) => (a === '--tmpfs' ? [masked[i + 1]!] : []));
    expect(tmpfs).toContain('/proc/driver/nvidia/gpus/0000:1b:00.0');
    expect(tmpfs).toContain('/proc/driver/nvidia/gpus/0000:29:00.0');
    // Absent entries and anything that is not a bus id are left alone.
    expect(tmpfs.filter((p) => p.startsWith('/proc/'))).toHaveLength(2);
    expect(masked.indexOf('/proc/driver/nvidia/gpus/0000:1b:00.0')).toBeGreaterThan(masked.indexOf('--proc'));
    // Simulated nodes have no driver entries to cover.
    expect(
      bubblewrapArgs(
        { ...spec, gpuKind: 'simulated', otherGpuBusIds: ['0000:1b:00.0'] },
        { exists: (p) => busHost.has(p) },
      ),
    ).not.toContain('/proc/driver/nvidia/gpus/0000:1b:00.0');
  });

  it('keeps secrets out of the command line and ends with the command', () => {
    expect(args.join(' ')).not.toContain('top-secret');
    expect(args.slice(-3)).toEqual(['--', '/usr/bin/runtime', 'serve']);
    expect(args).toEqual(expect.arrayContaining(['--unshare-pid', '--die-with-parent', '--cap-drop', 'ALL']));
    expect(pairs('--hostname')).toEqual(['alloc-0190b8a2']);
  });

  it('covers a data folder again after binding back the checkout under /root that holds it', () => {
    const repo = '/root/src/gpuaas';
    const nested = bubblewrapArgs(
      {
        ...spec,
        dataDir: `${repo}/.gpuaas/data/nodes/n1`,
        hide: [`${repo}/.gpuaas/data`],
        readOnlyBinds: [repo],
      },
      { exists: (p) => host.has(p) || p.startsWith(repo) },
    );
    const bindAt = nested.findIndex((a, i) => a === '--ro-bind' && nested[i + 1] === repo);
    const dataAt = nested.findIndex((a, i) => a === '--tmpfs' && nested[i + 1] === `${repo}/.gpuaas/data`);
    expect(bindAt).toBeGreaterThan(0);
    expect(dataAt).toBeGreaterThan(bindAt);
    // The node's folder lies inside the hidden platform folder: one tmpfs covers both.
    expect(nested.filter((a, i) => a === '--tmpfs' && nested[i + 1]!.startsWith(repo))).toHaveLength(1);
  });

  it('refuses an allocation id that could escape the allocations folder', () => {
    expect(() => bubblewrapArgs({ ...spec, allocationId: '../../etc' })).toThrow(/unsafe allocation id/);
  });
});

describe('sandboxEnvironment', () => {
  it('is built from scratch and the reserved variables cannot be overridden', () => {
    const env = sandboxEnvironment(
      {
        allocationId: 'a1',
        dataDir: '/srv/d',
        gpus: ASSIGNED,
        gpuKind: 'simulated',
        command: ['x'],
        env: { PATH: '/evil', CUDA_VISIBLE_DEVICES: '0,1,2,3', MY_VAR: 'v' },
      },
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
    const env = sandboxEnvironment(
      { allocationId: 'a1', dataDir: '/d', gpus, gpuKind: 'simulated', command: ['x'] },
      'none',
    );
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
    const real = await readFile(
      join(import.meta.dirname, '../../../fixtures/nvidia-smi/h100-x1/list.txt'),
      'utf8',
    );
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

describe('resolveSandboxMode', () => {
  it('auto without bwrap runs without isolation and says so loudly', () => {
    const logger = recordingLogger();
    expect(resolveSandboxMode('auto', { logger, pathEnv: '/nonexistent' })).toEqual({ mode: 'none' });
    expect(logger.warnings.join()).toMatch(/ISOLATION IS OFF/);
  });

  it('bubblewrap without bwrap is a configuration error', () => {
    expect(() =>
      resolveSandboxMode('bubblewrap', { logger: recordingLogger(), pathEnv: '/nonexistent' }),
    ).toThrow(/needs `bwrap`/);
  });
});

/** The probe that runs inside a sandbox and reports what it sees as one JSON line. */
const PROBE = `
const fs = require('node:fs'), cp = require('node:child_process'), os = require('node:os');
const data = process.argv[1];
const attempt = (f) => { try { f(); return 'ok'; } catch (e) { return e.code || String(e); } };
const procs = fs.readdirSync('/proc').filter((n) => /^\\d+$/.test(n)).map((p) => {
  try { return fs.readFileSync('/proc/' + p + '/cmdline', 'utf8').split('\\0').join(' ').trim(); } catch { return ''; }
});
console.log(JSON.stringify({
  rootWrite: attempt(() => fs.writeFileSync('/probe', 'x')),
  usrWrite: attempt(() => fs.writeFileSync('/usr/probe', 'x')),
  tmp: fs.readdirSync('/tmp'),
  homeWrite: attempt(() => fs.writeFileSync(process.env.HOME + '/hello.txt', 'hello from the sandbox')),
  cwd: process.cwd(),
  data: fs.readdirSync(data),
  secret: attempt(() => fs.readFileSync(data + '/secret.key')),
  other: attempt(() => fs.readdirSync(data + '/allocations/other/home')),
  root: fs.readdirSync('/root'),
  home: fs.readdirSync('/home'),
  shadow: (() => { try { return fs.readFileSync('/etc/shadow', 'utf8'); } catch (e) { return e.code; } })(),
  procs,
  ps: cp.execFileSync('ps', ['-e', '-o', 'pid=']).toString().trim().split(/\\s+/).length,
  env: process.env,
  smi: cp.execFileSync('nvidia-smi', ['-L']).toString(),
  hostname: os.hostname(),
  devNvidia: fs.readdirSync('/dev').filter((n) => n.startsWith('nvidia')),
}));
`;

describe.skipIf(!requireTools('node agent sandbox isolation', 'bwrap'))('bubblewrap sandbox', () => {
  let dataDir: string;
  let hostTmpMarker: string;
  let probe: Record<string, unknown> & { env: Record<string, string>; procs: string[] };
  let neighbour: SandboxProcess;
  let neighbourExit: Promise<{ stdout: string; stderr: string; code: number | null }>;
  const secretsBefore = {
    GPUAAS_SECRET_KEY: process.env.GPUAAS_SECRET_KEY,
    DATABASE_URL: process.env.DATABASE_URL,
  };
  const bwrap = resolveSandboxMode('bubblewrap', { logger: recordingLogger() });
  const spec = (allocationId: string, command: string[]): SandboxSpec => ({
    allocationId,
    dataDir,
    gpus: ASSIGNED,
    gpuKind: 'simulated',
    command,
    env: { GPUAAS_RUNTIME_SECRET: 'runtime-secret' },
    readOnlyBinds: [nodeInstallDir()],
  });

  beforeAll(async () => {
    // Outside /tmp, so the sandbox must hide it with its own tmpfs, as on a real node.
    dataDir = await mkdtemp('/var/tmp/gpuaas-sbx-');
    await writeFile(join(dataDir, 'secret.key'), 'platform secret');
    await mkdir(join(dataDir, 'allocations/other/home'), { recursive: true });
    await writeFile(join(dataDir, 'allocations/other/home/notes.txt'), 'someone else');
    hostTmpMarker = await mkdtemp(join(tmpdir(), 'gpuaas-host-marker-'));
    process.env.GPUAAS_SECRET_KEY = 'must-not-leak';
    process.env.DATABASE_URL = 'postgres://must-not-leak';

    // A neighbour allocation that writes to its /tmp and stays up while the probe runs.
    const neighbourSpec = spec('neighbour', [
      process.execPath,
      '-e',
      "require('fs').writeFileSync('/tmp/neighbour-was-here', 'x'); process.on('SIGTERM', () => { console.log('graceful'); process.exit(0); }); console.log('ready'); setInterval(() => {}, 1000);",
    ]);
    await prepareAllocation(neighbourSpec);
    neighbour = await startSandbox(neighbourSpec, bwrap);
    expect(await firstLine(neighbour)).toBe('ready');
    neighbourExit = output(neighbour);

    const probeSpec = spec('a1b2c3d4-0000-7000-8000-000000000000', [process.execPath, '-e', PROBE, dataDir]);
    await prepareAllocation(probeSpec);
    const result = await output(await startSandbox(probeSpec, bwrap));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    probe = JSON.parse(result.stdout);
  });
  afterAll(async () => {
    await neighbour?.terminate(100);
    for (const [key, value] of Object.entries(secretsBefore)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await rm(dataDir, { recursive: true, force: true });
    await rm(hostTmpMarker, { recursive: true, force: true });
  });

  it('makes the system read-only', () => {
    expect(probe.rootWrite).toBe('EROFS');
    expect(probe.usrWrite).toBe('EROFS');
  });

  it('gives a private, empty /tmp (neither the host’s nor the neighbour’s files)', () => {
    expect(probe.tmp).toEqual([]);
  });

  it('gives a writable home at /home/gpuaas that persists in <alloc>/home on the host', async () => {
    expect(probe.homeWrite).toBe('ok');
    expect(probe.cwd).toBe('/home/gpuaas');
    const layout = allocationLayout(dataDir, 'a1b2c3d4-0000-7000-8000-000000000000');
    expect(await readFile(join(layout.home, 'hello.txt'), 'utf8')).toBe('hello from the sandbox');
  });

  it('hides the data folder: the platform’s secret key and other allocations', () => {
    expect(probe.data).toEqual([]);
    expect(probe.secret).toBe('ENOENT');
    expect(probe.other).toBe('ENOENT');
  });

  it('hides /root and /home of the host (only the node install is bound back)', async () => {
    expect(probe.home).toEqual(['gpuaas']);
    const nodeUnderRoot = relative('/root', nodeInstallDir());
    const allowed = nodeUnderRoot.startsWith('..') ? [] : [nodeUnderRoot.split('/')[0]];
    expect(probe.root).toEqual(allowed);
    const hostRoot = await readdir('/root').catch(() => []);
    for (const entry of hostRoot.filter((e) => !allowed.includes(e))) expect(probe.root).not.toContain(entry);
  });

  it('keeps the host’s password hashes out of reach', () => {
    expect(existsSync('/etc/shadow')).toBe(true);
    expect(probe.shadow).not.toMatch(/^root:/m);
    expect(['', 'EACCES', 'ENOENT']).toContain(probe.shadow);
  });

  it('has its own PID namespace: only its own processes are visible', () => {
    expect(probe.procs.length).toBeLessThanOrEqual(4);
    expect(probe.ps).toBeLessThanOrEqual(4);
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
    expect(Object.keys(probe.env).sort()).toEqual([...ENV_KEYS, 'GPUAAS_RUNTIME_SECRET', 'PWD'].sort());
    expect(JSON.stringify(probe.env)).not.toContain('must-not-leak');
    expect(probe.env.HOME).toBe('/home/gpuaas');
    expect(probe.env.GPUAAS_ALLOCATION_ID).toBe('a1b2c3d4-0000-7000-8000-000000000000');
  });

  it('terminates gracefully: the command gets SIGTERM, not bwrap', async () => {
    const exit = await neighbour.terminate(5000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect((await neighbourExit).stdout).toContain('graceful');
  });

  it('keeps a data folder hidden inside a hidden folder that is bound back', async () => {
    // Like a checkout under /root whose node_modules the runtime needs and whose .gpuaas/data
    // holds the platform's secrets; here under /tmp, which the sandbox also hides.
    const checkout = await mkdtemp(join(tmpdir(), 'gpuaas-checkout-'));
    try {
      await mkdir(join(checkout, 'node_modules'));
      await mkdir(join(checkout, 'data'));
      await writeFile(join(checkout, 'data', 'secret.key'), 'platform secret');
      const nested: SandboxSpec = {
        ...spec('nested', ['sh', '-c', `ls -A ${checkout}; echo --; ls -A ${checkout}/data`]),
        dataDir: join(checkout, 'data', 'nodes', 'n1'),
        hide: [join(checkout, 'data')],
        readOnlyBinds: [nodeInstallDir(), checkout],
      };
      await prepareAllocation(nested);
      const result = await output(await startSandbox(nested, bwrap));
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('data\nnode_modules\n--\n');
    } finally {
      await rm(checkout, { recursive: true, force: true });
    }
  });

  it('kills a command that ignores SIGTERM once the grace period is over', async () => {
    const stubborn = spec('stubborn', [
      process.execPath,
      '-e',
      "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000);",
    ]);
    await prepareAllocation(stubborn);
    const sandbox = await startSandbox(stubborn, bwrap);
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
      command: [
        process.execPath,
        '-e',
        "console.log(JSON.stringify({ env: process.env, cwd: process.cwd(), smi: require('child_process').execFileSync('nvidia-smi', ['-L']).toString() }))",
      ],
    };
    try {
      const layout = await prepareAllocation(s);
      const result = await output(await startSandbox(s, { mode: 'none' }));
      const seen = JSON.parse(result.stdout) as { env: object; cwd: string; smi: string };
      expect(Object.keys(seen.env).sort()).toEqual(ENV_KEYS);
      expect(seen.cwd).toBe(layout.home);
      expect(seen.smi.trim().split('\n')).toHaveLength(2);
    } finally {
      delete process.env.GPUAAS_SECRET_KEY;
    }
  });
});
