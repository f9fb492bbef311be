/**
 * One run of the app under `gpuaas-runtime dev`: a fresh AppInstance with its own local app API and
 * own-usage meter, sharing the dev session's usage log and data folder. A run ends when its instance
 * reaches a final state and the runtime's own usage for it is in the log (and printed).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import type { ProbeEvent, ProbeName, StateEvent } from '../app/events.js';
import { AppInstance } from '../app/instance.js';
import type { ParamValues } from '../app/params.js';
import { startAppApi } from '../metering/app-api.js';
import type { AppApi } from '../metering/app-api.js';
import { startOwnUsage } from '../metering/usage.js';
import type { UsageRecord, UsageWal } from '../metering/wal.js';
import type { Printer } from './output.js';

/** Dev runs every version of the app under this one digest (its data folder survives restarts). */
export const DEV_DIGEST = 'dev';

export interface RunContext {
  appDir: string;
  dataDir: string;
  socketPath: string;
  wal: UsageWal;
  printer: Printer;
  logger: Logger;
  /** Base environment of the app and its hooks (GPUAAS_RUNTIME_URL is added per run). */
  env: Record<string, string>;
  gpus: number;
  once: boolean;
  usageIntervalMs?: number;
  readyTimeoutMs?: number;
  onUsage: (record: UsageRecord) => void;
}

export interface RunResult {
  /** Final state of the instance. */
  state: 'stopped' | 'failed';
  reason: string | undefined;
  /** Became ready at least once. */
  ready: boolean;
  /** Ended by itself with exit code 0 (a batch job that finished). */
  completed: boolean;
  /** What went wrong, one line each: failed hooks, failing probes, degraded, failed. */
  problems: string[];
}

export interface DevRun {
  readonly instance: AppInstance;
  readonly api: AppApi;
  /** Resolves once the run is over: final state reached, own usage written, app API closed. */
  readonly ended: Promise<RunResult>;
  /** The result once the run has ended. */
  readonly result: RunResult | undefined;
  /** Graceful stop (stop hook, stop signal, SIGKILL after the grace period); resolves with `ended`. */
  stop(reason: string): Promise<RunResult>;
}

function probeProblem(name: ProbeName, e: ProbeEvent): string {
  const detail = e.message ?? (e.status === undefined ? '' : `HTTP ${e.status}`);
  return `probe ${name} failing${detail === '' ? '' : `: ${detail}`}`;
}

/**
 * An app that declares endpoints is a service: `--once` stops it once it is ready. One without is a
 * job: `--once` lets it run until it exits by itself (calling ready() first starts its billing).
 */
export function isService(manifest: GpuaasAppManifest): boolean {
  return (manifest.endpoints ?? []).length > 0;
}

export async function startRun(
  ctx: RunContext,
  manifest: GpuaasAppManifest,
  params: ParamValues,
): Promise<DevRun> {
  const instanceId = randomUUID();
  // The API exists before the instance (its URL is part of the instance's environment).
  let instance: AppInstance | undefined;
  const api = await startAppApi({
    meters: (manifest.meters ?? []).map((m) => ({
      name: m.name,
      ...(m.unit !== undefined && { unit: m.unit }),
    })),
    wal: ctx.wal,
    socketPath: ctx.socketPath,
    onReady: () => void instance?.markReady(),
    onStatus: (message, progress) => instance?.reportStatus(message, progress),
    onUsage: ctx.onUsage,
    logger: ctx.logger,
  });
  const own = startOwnUsage({
    wal: ctx.wal,
    instanceId,
    gpus: ctx.gpus,
    ...(ctx.usageIntervalMs !== undefined && { intervalMs: ctx.usageIntervalMs }),
    onUsage: ctx.onUsage,
    logger: ctx.logger,
  });
  try {
    instance = new AppInstance({
      appDir: ctx.appDir,
      manifest,
      digest: DEV_DIGEST,
      params,
      dataDir: ctx.dataDir,
      env: { ...ctx.env, GPUAAS_RUNTIME_URL: api.url },
      logger: ctx.logger,
      instanceId,
      // A batch job that exits non-zero fails the run at once instead of being restarted for minutes.
      ...(ctx.once && { crashLoop: { limit: 1 } }),
      ...(ctx.readyTimeoutMs !== undefined && { readyTimeoutMs: ctx.readyTimeoutMs }),
    });
  } catch (error) {
    await own.stop();
    await api.close();
    throw error;
  }
  const app = instance;

  const problems: string[] = [];
  const lastProbe = new Map<ProbeName, ProbeEvent>();
  let probeVerdicts: Map<ProbeName, ProbeEvent> | undefined;
  let ready = false;
  let final: StateEvent | undefined;
  app.on('event', (event) => {
    ctx.printer.print(event);
    if (event.type === 'hook' && !event.ok) {
      problems.push(
        `hook ${event.hook} failed${event.timed_out ? ' (timed out)' : event.exit_code === null ? '' : ` (exit code ${event.exit_code})`}`,
      );
    } else if (event.type === 'probe') {
      lastProbe.set(event.probe, event);
    } else if (event.type === 'state') {
      // Probes are judged by what they said last before the stop: a check that failed while the
      // app was still booting and passed later is fine.
      if (event.state === 'stopping' || event.state === 'stopped' || event.state === 'failed')
        probeVerdicts ??= new Map(lastProbe);
      if (event.state === 'degraded') problems.push(`degraded: ${event.reason ?? 'readiness failing'}`);
      if (event.state === 'stopped' || event.state === 'failed') final = event;
    }
  });
  // The instance's billing contract: from `ready` until `stopped` (degraded included); so a
  // `--once` service that is stopped right after ready still reports its ready-to-stopped time.
  app.on('ready', () => {
    ready = true;
    own.ready();
  });

  let result: RunResult | undefined;
  const ended = new Promise<RunResult>((resolve) => {
    app.once('stopped', () => {
      void (async () => {
        await own
          .stop()
          .catch((error: unknown) => ctx.logger.error({ err: error }, 'dev: own usage not written'));
        await api.close();
        for (const [name, e] of probeVerdicts ?? lastProbe) if (!e.ok) problems.push(probeProblem(name, e));
        const state = final?.state === 'failed' ? 'failed' : 'stopped';
        if (state === 'failed') problems.push(`failed: ${final?.reason ?? 'unknown reason'}`);
        result = {
          state,
          reason: final?.reason,
          ready,
          completed: state === 'stopped' && final?.reason === 'exited',
          problems,
        };
        resolve(result);
      })();
    });
  });

  void app
    .launch()
    .then(async (outcome) => {
      if (outcome === 'ready' && ctx.once && isService(manifest)) await app.stop('once');
    })
    // The failure is in the state events (failed, with the reason) and in the result.
    .catch((error: unknown) => ctx.logger.debug({ err: error }, 'dev: launch failed'));

  return {
    instance: app,
    api,
    ended,
    get result() {
      return result;
    },
    async stop(reason) {
      await app.stop(reason);
      return ended;
    },
  };
}
