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
import { PlatformError } from '../../errors.js';
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
      throw new PlatformError(
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
  return [process.execPath, ...RUNTIME_NODE_FLAGS, runtimeEntry(), 'serve', '--socket', ctx.socketPath];
}

/** The folders node and the runtime (with its node_modules) need inside the sandbox. */
export function runtimeReadOnlyBinds(): string[] {
  const binds = [nodeInstallDir()];
  try {
    // The topmost folder with a node_modules holds every dependency the runtime resolves.
    let tree = runtimePackageDir();
    for (let dir = dirname(tree); dir !== dirname(dir); dir = dirname(dir)) {
      if (existsSync(join(dir, 'node_modules'))) tree = dir;
    }
    binds.push(tree);
  } catch {
    // No runtime package: only a custom runtimeCommand can work, and it names its own binds.
  }
  return binds;
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
