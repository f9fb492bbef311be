export {
  APP_STATES,
  APP_STATE_TRANSITIONS,
  FINAL_APP_STATES,
  canTransition,
  isAppState,
  isFinalState,
} from './states.js';
export type { AppState } from './states.js';
export { HOOK_NAMES, PROBE_NAMES } from './events.js';
export type {
  AppEvent,
  HookEvent,
  HookName,
  LogEvent,
  LogStream,
  ProbeEvent,
  ProbeName,
  StateEvent,
  StatusEvent,
} from './events.js';
export {
  DEFAULT_READY_CALL_BUDGET_MS,
  appWorkdir,
  commandArgv,
  durationMs,
  hookSpec,
  loadAppManifest,
  probeSpec,
  startupBudgetMs,
  stopSpec,
} from './manifest.js';
export type { HookSpec, LoadedAppManifest, ProbeCheck, ProbeSpec, StopSpec } from './manifest.js';
export {
  ParamSet,
  REDACTED,
  assertMutable,
  coerceParamValue,
  createRedactor,
  paramEnvName,
  parseParamArgs,
} from './params.js';
export type { ParamProblem, ParamValues } from './params.js';
export {
  HOOK_TAIL_LINES,
  TRACER_NAME,
  installMarkerPath,
  isInstalled,
  markInstalled,
  retryDelayMs,
  runCommand,
  runHook,
} from './hooks.js';
export type { CommandOptions, CommandResult, HookResult, HookRunOptions } from './hooks.js';
export { LogSink } from './logs.js';
export type { LogLine, LogSinkOptions } from './logs.js';
export { groupAlive, killGroup, signalGroup, terminateGroup, waitGroupGone } from './process-group.js';
export { DEFAULT_CRASH_LOOP_POLICY, DEFAULT_RESTART_POLICY, Supervisor } from './supervisor.js';
export type { CrashLoopPolicy, ExitInfo, RestartPolicy, SupervisorOptions } from './supervisor.js';
export { ProbeRunner, checkProbe } from './probes.js';
export type { ProbeContext, ProbeResult } from './probes.js';
export { AppInstance } from './instance.js';
export type {
  AppInstanceEvents,
  AppInstanceOptions,
  AppStatus,
  AppVersionSpec,
  ProbeStatus,
} from './instance.js';
export type { StartOutcome } from './run.js';
