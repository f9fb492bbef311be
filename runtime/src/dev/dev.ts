/**
 * `gpuaas-runtime dev [DIR]`: runs an app from its folder under the real runtime pieces — manifest
 * validation, typed parameters, hooks, supervision, probes, the local app API on a Unix socket, the
 * usage log and the runtime's own usage — without registry or platform. Events are printed as they
 * happen; changed files restart the app; `--once` turns it into a CI check.
 *
 * Exit status: 0 ok; 1 a hook, probe or the app failed (or the manifest is invalid); 2 usage errors
 * (bad --param, no app folder); 130/143 interrupted by SIGINT/SIGTERM before a `--once` run ended.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import type { ManifestDiagnostic } from '@gpuaas/sdk/manifest';
import { isRuntimeError } from '../errors.js';
import { installMarkerPath } from '../app/hooks.js';
import { loadAppManifest } from '../app/manifest.js';
import { ParamSet, parseParamArgs } from '../app/params.js';
import type { ParamValues } from '../app/params.js';
import { killGroup } from '../app/process-group.js';
import { openUsageWal } from '../metering/wal.js';
import type { UsageRecord, UsageWal } from '../metering/wal.js';
import { gpuCountFromEnv } from '../metering/usage.js';
import { createPrinter, usageEvent } from './output.js';
import type { Printer } from './output.js';
import { DEV_DIGEST, startRun } from './run.js';
import { removeTree } from '../fetch/cache.js';
import { stageAppTree, useDevTenant } from './tree.js';
import type { DevRun, RunContext, RunResult } from './run.js';
import { folderFingerprint, ignoreRule, watchFolder } from './watch.js';
import type { FolderWatcher, IgnoreRule } from './watch.js';

export interface DevOptions {
  /** The app folder (holding gpuaas-app.yaml). */
  dir: string;
  /** `name=value` strings, typed by the manifest's parameter declarations. */
  params?: readonly string[];
  /** Run until the app finishes by itself or becomes ready (then stop it); exit 0 only if all passed. */
  once?: boolean;
  /** One JSON object per line instead of readable lines. */
  json?: boolean;
  /** Keep install markers, logs, the usage log and GPUAAS_DATA_DIR here (default: a temp folder, removed). */
  dataDir?: string;
  /** Restart on file changes (default true; never with `once`). */
  watch?: boolean;
  debounceMs?: number;
  /** Own-usage interval (default 60 s). */
  usageIntervalMs?: number;
  /** Overrides the manifest's startup budget (how long the app may take to become ready). */
  readyTimeoutMs?: number;
  /** pino level of the runtime's own logs on stderr (default warn). */
  logLevel?: string;
}

export interface DevIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** The environment dev runs in: PATH, HOME and the GPUs given to it (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Aborting stops the app like SIGTERM does (tests). */
  signal?: AbortSignal;
  /** Install SIGINT/SIGTERM handlers (the CLI does; tests use `signal`). */
  handleSignals?: boolean;
}

export const DEV_EXIT = { OK: 0, FAILED: 1, USAGE: 2, SIGINT: 130, SIGTERM: 143 } as const;

/** What the app and its hooks inherit from the developer's environment (nothing else leaks). */
const PASSED_ENV = [
  'PATH',
  'HOME',
  'LANG',
  'LC_ALL',
  'TZ',
  'TMPDIR',
  'CUDA_VISIBLE_DEVICES',
  'NVIDIA_VISIBLE_DEVICES',
  'GPUAAS_GPUS',
];
const MAX_SOCKET_PATH = 100;

interface Loaded {
  manifest: GpuaasAppManifest;
  params: ParamValues;
  warnings: ManifestDiagnostic[];
}

async function load(appDir: string, paramArgs: readonly string[]): Promise<Loaded> {
  const { manifest, warnings } = await loadAppManifest(appDir);
  const params = parseParamArgs(paramArgs, manifest);
  ParamSet.resolve(manifest, params);
  return { manifest, params, warnings };
}

function printFailure(printer: Printer, error: unknown): number {
  const code = isRuntimeError(error) ? error.code : 'INTERNAL';
  const message = error instanceof Error ? error.message : String(error);
  const errors = isRuntimeError(error)
    ? (error.details?.errors as ManifestDiagnostic[] | undefined)
    : undefined;
  const diagnostics = code === 'MANIFEST_INVALID' && Array.isArray(errors) ? errors : undefined;
  printer.print({
    type: 'error',
    code,
    message,
    ...(diagnostics !== undefined && diagnostics.length > 0 && { errors: diagnostics }),
    time: new Date().toISOString(),
  });
  if (code === 'MANIFEST_INVALID') {
    // A missing manifest is a usage error; an invalid one is a failed check (like `validate`).
    return diagnostics !== undefined && diagnostics.length > 0 ? DEV_EXIT.FAILED : DEV_EXIT.USAGE;
  }
  return code === 'PARAMETERS_INVALID' ? DEV_EXIT.USAGE : DEV_EXIT.FAILED;
}

/** Wakes the main loop for a file change or a stop request; a stop request is never dropped. */
class Wakeup {
  private stopSignal: NodeJS.Signals | undefined;
  private changes: string[] = [];
  private notify: (() => void) | undefined;

  request(kind: 'change', paths: string[]): void;
  request(kind: 'stop', signal: NodeJS.Signals): void;
  request(kind: 'change' | 'stop', arg: string[] | NodeJS.Signals): void {
    if (kind === 'stop') this.stopSignal ??= arg as NodeJS.Signals;
    else this.changes.push(...(arg as string[]));
    this.notify?.();
  }

  get stopRequested(): NodeJS.Signals | undefined {
    return this.stopSignal;
  }

  /** Resolves once something is pending (at once when something already is). */
  pending(): Promise<void> {
    if (this.stopSignal !== undefined || this.changes.length > 0) return Promise.resolve();
    return new Promise((resolve) => (this.notify = resolve));
  }

  take(): { kind: 'stop'; signal: NodeJS.Signals } | { kind: 'change'; paths: string[] } | undefined {
    if (this.stopSignal !== undefined) return { kind: 'stop', signal: this.stopSignal };
    if (this.changes.length === 0) return undefined;
    const paths = [...new Set(this.changes)].sort();
    this.changes = [];
    return { kind: 'change', paths };
  }
}

/** Confirms printed usage records in the log (dev has no platform; printing is its shipping). */
function confirmer(wal: UsageWal, logger: Logger): { add(id: string): void; drain(): Promise<void> } {
  let queued: string[] = [];
  let running: Promise<void> = Promise.resolve();
  const pump = (): void => {
    running = running.then(async () => {
      if (queued.length === 0) return;
      const ids = queued;
      queued = [];
      await wal.confirm(ids).catch((error: unknown) => logger.warn({ err: error }, 'dev: confirm failed'));
    });
  };
  return {
    add(id) {
      queued.push(id);
      pump();
    },
    drain: () => running,
  };
}

/** Runs the dev command; resolves with the exit status. */
export async function runDev(options: DevOptions, io: DevIo): Promise<number> {
  const json = options.json === true;
  const once = options.once === true;
  const watch = !once && options.watch !== false;
  const env = io.env ?? process.env;
  const printer = createPrinter(json, io.stdout, io.stderr);
  const logger = pino(
    { level: options.logLevel ?? 'warn', base: { service: 'gpuaas-runtime-dev' } },
    io.stderr,
  );
  const appDir = resolve(options.dir);

  let loaded: Loaded;
  try {
    loaded = await load(appDir, options.params ?? []);
  } catch (error) {
    return printFailure(printer, error);
  }
  if (!json)
    for (const w of loaded.warnings)
      io.stderr.write(`${w.file}:${w.line}:${w.column}  warning  ${w.message}  [${w.code}]\n`);

  const tempDir = options.dataDir === undefined ? await mkdtemp(join(tmpdir(), 'gpuaas-dev-')) : undefined;
  const dataDir = tempDir ?? resolve(options.dataDir ?? '.');
  let socketDir: string | undefined;
  let treeRoot: string | undefined;
  let wal: UsageWal | undefined;
  let watcher: FolderWatcher | undefined;
  const wake = new Wakeup();
  const cleanups: (() => void)[] = [];
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const asNobody = await useDevTenant(dataDir, (message) => io.stderr.write(`warning: ${message}\n`));
    let socketPath = join(dataDir, 'runtime.sock');
    if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
      socketDir = await mkdtemp(join(tmpdir(), 'gpuaas-dev-sock-'));
      socketPath = join(socketDir, 'runtime.sock');
      if (asNobody) await chmod(socketDir, 0o711);
    }
    // The app runs from a read-only copy of what its artifact would hold (see tree.ts), in a
    // folder every user may traverse (the app may run as nobody).
    treeRoot = await mkdtemp(join(tmpdir(), 'gpuaas-dev-tree-'));
    await chmod(treeRoot, 0o711);
    const tree = join(treeRoot, 'tree');
    wal = await openUsageWal({ dir: join(dataDir, 'usage'), logger });
    // Records left by an earlier dev session in this data folder were printed then, or are moot.
    await wal.confirm(wal.pending().map((r) => r.id));
    const confirm = confirmer(wal, logger);

    const baseEnv: Record<string, string> = {};
    for (const k of PASSED_ENV) {
      const v = env[k];
      if (v !== undefined) baseEnv[k] = v;
    }
    const gpus = gpuCountFromEnv(env);
    const ctx: RunContext = {
      appDir: tree,
      dataDir,
      socketPath,
      wal,
      printer,
      logger,
      env: baseEnv,
      gpus,
      once,
      ...(options.usageIntervalMs !== undefined && { usageIntervalMs: options.usageIntervalMs }),
      ...(options.readyTimeoutMs !== undefined && { readyTimeoutMs: options.readyTimeoutMs }),
      onUsage: (record: UsageRecord) => {
        printer.print(usageEvent(record));
        confirm.add(record.id);
      },
    };

    let rule: IgnoreRule = ignoreRule(appDir, loaded.manifest, dataDir);
    const begin = async (current: Loaded): Promise<DevRun> => {
      // Dev runs every version under one digest: the install hook runs again when files changed.
      const fingerprint = await folderFingerprint(appDir, rule);
      const fpFile = join(dataDir, 'dev-fingerprint');
      const previous = await readFile(fpFile, 'utf8').catch(() => '');
      if (previous !== fingerprint) {
        await rm(installMarkerPath(dataDir, DEV_DIGEST), { force: true });
        await writeFile(fpFile, fingerprint);
      }
      await stageAppTree(appDir, current.manifest, tree, [
        dataDir,
        ...(socketDir === undefined ? [] : [socketDir]),
      ]);
      return startRun(ctx, current.manifest, current.params);
    };

    let run: DevRun | undefined;
    let firstSignalAt = 0;
    const stopHandler = (signal: NodeJS.Signals): void => {
      const first = wake.stopRequested === undefined;
      wake.request('stop', signal);
      if (first) {
        firstSignalAt = Date.now();
        return;
      }
      // A terminal's Ctrl-C reaches both `gpuaas-app dev` and this process, which then also gets
      // the forwarded copy: only a later signal means "stop now".
      if (Date.now() - firstSignalAt < 1000) return;
      const pid = run?.instance.status().pid;
      if (pid !== undefined && pid !== null) void killGroup(pid);
    };
    if (io.handleSignals === true) {
      const onInt = (): void => stopHandler('SIGINT');
      const onTerm = (): void => stopHandler('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      cleanups.push(() => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
      });
    }
    if (io.signal !== undefined) {
      const onAbort = (): void => stopHandler('SIGTERM');
      if (io.signal.aborted) onAbort();
      io.signal.addEventListener('abort', onAbort);
      cleanups.push(() => io.signal?.removeEventListener('abort', onAbort));
    }

    run = await begin(loaded);
    const names = { name: loaded.manifest.name, version: loaded.manifest.version };
    printer.print({
      type: 'dev',
      event: 'start',
      app: names,
      dir: appDir,
      data_dir: dataDir,
      runtime_url: run.api.url,
      params: ParamSet.resolve(loaded.manifest, loaded.params).redacted(),
      gpus,
      once,
      watch,
      time: new Date().toISOString(),
    });
    if (watch) {
      watcher = await watchFolder(appDir, () => rule, {
        ...(options.debounceMs !== undefined && { debounceMs: options.debounceMs }),
        onChange: (paths) => wake.request('change', paths),
        onError: (error) => logger.warn({ err: error }, 'dev: watching failed'),
      });
    }

    let last: RunResult | undefined;
    let interrupted: NodeJS.Signals | undefined;
    for (;;) {
      const current: DevRun | undefined = run;
      const ended = current?.ended ?? new Promise<never>(() => undefined);
      await Promise.race([ended, wake.pending()]);
      const news = wake.take();
      if (news?.kind === 'stop') {
        if (current !== undefined) {
          const endedBefore = current.result !== undefined;
          last = await current.stop(news.signal === 'SIGINT' ? 'interrupted' : 'terminated');
          if (!endedBefore && once) interrupted = news.signal;
        }
        break;
      }
      if (news?.kind === 'change') {
        printer.print({ type: 'dev', event: 'change', paths: news.paths, time: new Date().toISOString() });
        if (current !== undefined) last = await current.stop('files changed');
        run = undefined;
        try {
          loaded = await load(appDir, options.params ?? []);
          rule = ignoreRule(appDir, loaded.manifest, dataDir);
          run = await begin(loaded);
        } catch (error) {
          printFailure(printer, error);
          printer.print({
            type: 'dev',
            event: 'waiting',
            message: 'fix the app; waiting for changes',
            time: new Date().toISOString(),
          });
        }
        continue;
      }
      last = await ended;
      run = undefined;
      if (!watch) break;
      printer.print({
        type: 'dev',
        event: 'waiting',
        message: `the app ${last.state === 'failed' ? 'failed' : 'ended'}; waiting for changes`,
        time: new Date().toISOString(),
      });
    }

    const problems = last?.problems ?? ['the app did not start'];
    if (interrupted !== undefined) problems.push(`interrupted by ${interrupted} before the run ended`);
    let code: number = problems.length === 0 ? DEV_EXIT.OK : DEV_EXIT.FAILED;
    if (interrupted !== undefined) code = interrupted === 'SIGINT' ? DEV_EXIT.SIGINT : DEV_EXIT.SIGTERM;
    // Without --once only the end state counts: failures fixed during the session do not.
    if (!once && last !== undefined) code = last.state === 'failed' ? DEV_EXIT.FAILED : DEV_EXIT.OK;
    await confirm.drain();
    printer.print({
      type: 'dev',
      event: 'exit',
      exit_code: code,
      ok: code === DEV_EXIT.OK,
      problems: code === DEV_EXIT.OK ? [] : problems,
      time: new Date().toISOString(),
    });
    return code;
  } catch (error) {
    return printFailure(printer, error);
  } finally {
    watcher?.close();
    for (const c of cleanups) c();
    await wal?.close().catch(() => undefined);
    // The staged tree is read-only: removeTree opens it up first.
    if (treeRoot !== undefined) await removeTree(treeRoot);
    if (tempDir !== undefined) await removeTree(tempDir);
    if (socketDir !== undefined) await rm(socketDir, { recursive: true, force: true });
    logger.flush();
  }
}
