/**
 * Starting the runtime in a sandbox: which command (the `gpuaas-runtime` of the runtime package,
 * found from this file's location, never from the cwd), which host folders it needs, and waiting
 * for its `{"event":"listening"}` line.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RUNTIME_NODE_FLAGS } from '@gpuaas/runtime/node-flags';
import { NodeAgentError } from './errors.js';
import { nodeInstallDir } from './sandbox.js';
import type { NodeInventory } from './inventory.js';
import type { Assignment } from './protocol.js';
import type { ResolvedSandboxMode, SandboxGpu } from './sandbox.js';
import type { SandboxExit, SandboxProcess } from './sandbox-process.js';

export interface RuntimeCommandContext {
  allocationId: string;
  mode: ResolvedSandboxMode;
  /** The runtime's socket path as the sandboxed process sees it. */
  socketPath: string;
  /** The home folder as the sandboxed process sees it. */
  homeDir: string;
  /** The file holding the runtime's secret (the runtime deletes it once read). */
  secretFile: string;
  /** The runtime's own state folder. */
  runtimeDataDir: string;
  /** The egress tunnel's socket, when the sandbox has no network of its own. */
  egressSocket?: string;
  /** The uid and gid tenant code runs as, when the runtime can start it as another user. */
  tenantId?: number;
  /** The most an artifact may unpack to (the allocation's disk size). */
  maxUnpackedBytes?: number;
  gpus: SandboxGpu[];
}

/** The runtime package folder, found the way Node resolves `@gpuaas/runtime` from this file. */
export function runtimePackageDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', '@gpuaas', 'runtime');
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    const parent = dirname(dir);
    if (parent === dir) {
      throw new NodeAgentError(
        'CONFIG_INVALID',
        `cannot find the @gpuaas/runtime package from ${import.meta.url}`,
      );
    }
    dir = parent;
  }
}

/** The `gpuaas-runtime` script named by the runtime package's `bin` (it runs the built dist/). */
export function runtimeEntry(): string {
  const dir = runtimePackageDir();
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    bin?: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.['gpuaas-runtime'];
  return join(dir, bin ?? join('dist', 'cli', 'main.js'));
}

export function defaultRuntimeCommand(ctx: RuntimeCommandContext): string[] {
  // The runtime's own node flags (its peak memory during a launch depends on them).
  return [
    process.execPath,
    ...RUNTIME_NODE_FLAGS,
    runtimeEntry(),
    'serve',
    '--socket',
    ctx.socketPath,
    '--secret-file',
    ctx.secretFile,
    '--remove-secret-file',
    '--data-dir',
    ctx.runtimeDataDir,
    ...(ctx.egressSocket === undefined ? [] : ['--egress-socket', ctx.egressSocket]),
    ...(ctx.tenantId === undefined
      ? []
      : ['--tenant-uid', String(ctx.tenantId), '--tenant-gid', String(ctx.tenantId)]),
    ...(ctx.maxUnpackedBytes === undefined ? [] : ['--max-unpacked-bytes', String(ctx.maxUnpackedBytes)]),
  ];
}

/**
 * The folders node and the runtime need inside the sandbox, and nothing more of the checkout:
 * the runtime package, the node_modules folders it resolves from, and the packages those link to
 * elsewhere (workspace siblings such as the sdk), followed through their dependencies.
 */
export function runtimeReadOnlyBinds(): string[] {
  const binds = new Set([nodeInstallDir()]);
  try {
    const seen = new Set<string>();
    const visit = (pkgDir: string): void => {
      if (seen.has(pkgDir)) return;
      seen.add(pkgDir);
      binds.add(pkgDir);
      for (let dir = pkgDir; dir !== dirname(dir); dir = dirname(dir)) {
        const modules = join(dir, 'node_modules');
        if (existsSync(modules)) binds.add(modules);
      }
      const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
      };
      for (const name of Object.keys(manifest.dependencies ?? {})) {
        const found = resolvePackage(pkgDir, name);
        // A dependency inside a bound node_modules comes along; a link out of it is followed.
        if (found !== undefined && !found.includes(`${'/'}node_modules${'/'}`)) visit(found);
      }
    };
    visit(runtimePackageDir());
  } catch {
    // No runtime package: only a custom runtimeCommand can work, and it names its own binds.
  }
  return [...binds];
}

function resolvePackage(from: string, name: string): string | undefined {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
  }
  return undefined;
}

export interface RuntimeWatch {
  /** Settles with undefined once the runtime says it listens, else with why not ('cancelled' on abort). */
  ready: Promise<string | undefined>;
  /** The end of the runtime's stderr, for failure reasons. */
  stderrTail(): string;
}

/** Follows a starting runtime's output; keeps draining it afterwards so the pipes never fill. */
export function watchRuntime(
  sandbox: SandboxProcess,
  options: { timeoutMs: number; signal?: AbortSignal; onLine?: (line: string) => void },
): RuntimeWatch {
  let stderrTail = '';
  sandbox.stderr.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-2000);
  });
  const lines = createInterface({ input: sandbox.stdout, crlfDelay: Infinity });
  const ready = new Promise<string | undefined>((resolve) => {
    const finish = (result: string | undefined): void => {
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(
      () => finish(`the runtime did not report listening within ${options.timeoutMs} ms`),
      options.timeoutMs,
    );
    lines.on('line', (line) => {
      options.onLine?.(line);
      if (/"event"\s*:\s*"listening"/.test(line)) finish(undefined);
    });
    void sandbox.exited.then((exit) =>
      finish(exitReason('the runtime exited before it was ready', exit, stderrTail)),
    );
    if (options.signal?.aborted === true) finish('cancelled');
    options.signal?.addEventListener('abort', () => finish('cancelled'));
  });
  return { ready, stderrTail: () => stderrTail };
}

export function exitReason(prefix: string, exit: SandboxExit & { error?: Error }, stderr: string): string {
  const how =
    exit.error !== undefined
      ? exit.error.message
      : exit.signal !== null
        ? `signal ${exit.signal}`
        : `exit code ${exit.code}`;
  const tail = stderr.trim().split('\n').slice(-3).join(' | ').slice(-500);
  return `${prefix} (${how})${tail === '' ? '' : `: ${tail}`}`;
}

/** The inventory's view of the assigned GPUs; a GPU this node does not have is refused. */
export function assignedGpus(inventory: NodeInventory, assignment: Assignment): SandboxGpu[] {
  return assignment.gpus.map((g) => {
    const gpu = inventory.gpus.find((i) => i.index === g.index);
    if (gpu === undefined || (g.uuid !== null && gpu.uuid !== null && g.uuid !== gpu.uuid)) {
      throw new Error(`GPU ${g.index} (${g.uuid ?? 'no uuid'}) is not on this node`);
    }
    const out: SandboxGpu = {
      index: gpu.index,
      uuid: gpu.uuid,
      model: gpu.model,
      memory_mib: gpu.memory_mib,
    };
    if (gpu.device_minor !== undefined) out.device_minor = gpu.device_minor;
    return out;
  });
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The assignment's environment variables with valid names (the rest go to `rejected`). */
export function assignmentEnv(
  assignment: Assignment,
  rejected: (key: string) => void,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(assignment.env ?? {})) {
    if (ENV_NAME.test(key) && typeof value === 'string') env[key] = value;
    else rejected(key);
  }
  return env;
}
