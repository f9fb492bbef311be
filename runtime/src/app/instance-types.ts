/**
 * The options, status snapshot and events of an AppInstance (instance.ts): the shapes the control
 * API and `gpuaas-app dev` consume.
 */
import type { Logger } from 'pino';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import type {
  AppEvent,
  HookEvent,
  HookName,
  LogEvent,
  ProbeEvent,
  ProbeName,
  StateEvent,
  StatusEvent,
  UpgradeEvent,
} from './events.js';
import type { ParamValues } from './params.js';
import type { AppState } from './states.js';
import type { CrashLoopPolicy, RestartPolicy } from './supervisor.js';

export interface AppVersionSpec {
  /** The unpacked app folder (hooks and the app run in `run.workdir` inside it). */
  appDir: string;
  /** The validated manifest (see loadAppManifest). */
  manifest: GpuaasAppManifest;
  /** Artifact digest: install runs once per digest, and the app's data folder is per digest. */
  digest: string;
  /** Launch parameters as JSON values (or what parseParamArgs made of `--param k=v`). */
  params?: ParamValues;
}

export interface AppInstanceOptions extends AppVersionSpec {
  /** The instance's folder: install markers, logs, params files, per-digest data folders. */
  dataDir: string;
  /**
   * Base environment of the app and its hooks (PATH, HOME, GPUAAS_RUNTIME_URL, GPUAAS_GPUS…).
   * Default: PATH, HOME, LANG and TZ of the runtime; the runtime's other variables never leak.
   */
  env?: Record<string, string>;
  logger?: Logger;
  instanceId?: string;
  clock?: { now(): number };
  restart?: Partial<RestartPolicy>;
  crashLoop?: Partial<CrashLoopPolicy>;
  /** Between SIGTERM and SIGKILL of a hook that timed out (default 5 s). */
  hookKillAfterMs?: number;
  /** A hook silent this long is reported in the app's logs (default 30 s). */
  hookQuietNoticeMs?: number;
  /** Overrides the startup budget computed from the manifest (see startupBudgetMs). */
  readyTimeoutMs?: number;
  logFiles?: { maxBytes?: number; keep?: number; tailLines?: number };
}

export interface ProbeStatus {
  verdict: string;
  ok?: boolean;
  status?: number;
  message?: string;
}

export interface AppStatus {
  instance_id: string;
  state: AppState;
  reason?: string;
  /** When `failed`: the runtime's error code (HOOK_FAILED, APP_FAILED…), as docs/errors.md lists it. */
  code?: string;
  since: string;
  app: { name: string; publisher: string; version: string; digest: string };
  pid: number | null;
  restarts: number;
  ready_at?: string;
  last_exit?: { code: number | null; signal: string | null; reason: string };
  probes: Partial<Record<ProbeName, ProbeStatus>>;
  hooks: Partial<Record<HookName, Omit<HookEvent, 'type'>>>;
  /** Parameter values with secrets as `***`. */
  params: ParamValues;
  /** The app's last status() report. */
  app_status?: { message: string; progress?: number; time: string };
  upgrade?: { from: string; to: string };
  /** How the last upgrade of this instance ended (its `upgrade` event without `type`). */
  last_upgrade?: Omit<UpgradeEvent, 'type'>;
}

export interface AppInstanceEvents {
  /** Every event below (state, hook, probe, log, status) as one stream. */
  event: [AppEvent];
  state: [StateEvent];
  hook: [HookEvent];
  probe: [ProbeEvent];
  log: [LogEvent];
  status: [StatusEvent];
  upgrade: [UpgradeEvent];
  /** Ready after a launch, an upgrade or a rollback: the moment billing (re)starts. */
  ready: [{ version: string; digest: string; time: string }];
  /** A final state was reached and no process of the app runs: billing ends. */
  stopped: [{ state: 'stopped' | 'failed'; reason?: string; time: string }];
}
