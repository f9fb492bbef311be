/**
 * The lifecycle of one app instance inside an allocation, as an explicit union so that the control
 * API, `gpuaas-app dev --json` and the platform all speak the same words.
 *
 * | state         | meaning                                                                          |
 * | ------------- | -------------------------------------------------------------------------------- |
 * | `idle`        | created, nothing done yet                                                        |
 * | `fetching`    | pulling and verifying the artifact (set by the caller that composes fetch)       |
 * | `installing`  | the install hook runs (skipped when this digest was installed before)            |
 * | `configuring` | the configure hook runs: at every launch and when mutable parameters change      |
 * | `starting`    | the start hook ran, the app process is up, startup/readiness not yet passed      |
 * | `ready`       | readiness passed (or the app called `ready()` when it has no readiness probe);   |
 * |               | billing starts here                                                              |
 * | `degraded`    | was ready, and now readiness fails or the app is being restarted after a crash   |
 * | `upgrading`   | an upgrade runs: new install, old stop, upgrade hook, new start (or rollback)    |
 * | `stopping`    | stop hook, stop signal, then SIGKILL of the process group after the grace period |
 * | `stopped`     | every process of the app is gone (stopped, or a batch app exited 0 by itself)    |
 * | `failed`      | a hook failed, the app crash-looped or never became ready; `reason` says which   |
 *
 * `stopped` and `failed` are final: an instance is not relaunched, the caller creates a new one.
 */

export const APP_STATES = [
  'idle',
  'fetching',
  'installing',
  'configuring',
  'starting',
  'ready',
  'degraded',
  'upgrading',
  'stopping',
  'stopped',
  'failed',
] as const;

export type AppState = (typeof APP_STATES)[number];

/** States an instance never leaves. */
export const FINAL_APP_STATES: readonly AppState[] = ['stopped', 'failed'];

/**
 * Every allowed move. `stopping` and `failed` are reachable from every live state because a stop
 * request or an unexpected error can arrive at any time; `stopped` directly (without `stopping`)
 * only when the app exited 0 by itself (a batch job that finished).
 */
export const APP_STATE_TRANSITIONS: Readonly<Record<AppState, readonly AppState[]>> = {
  idle: ['fetching', 'installing', 'stopping', 'failed'],
  fetching: ['installing', 'stopping', 'failed'],
  installing: ['configuring', 'stopping', 'failed'],
  configuring: ['starting', 'ready', 'degraded', 'stopping', 'failed'],
  starting: ['ready', 'stopping', 'stopped', 'failed'],
  ready: ['degraded', 'configuring', 'upgrading', 'stopping', 'stopped', 'failed'],
  degraded: ['ready', 'configuring', 'upgrading', 'stopping', 'stopped', 'failed'],
  upgrading: ['ready', 'degraded', 'stopping', 'stopped', 'failed'],
  stopping: ['stopped', 'failed'],
  stopped: [],
  failed: [],
};

export function isAppState(value: unknown): value is AppState {
  return typeof value === 'string' && (APP_STATES as readonly string[]).includes(value);
}

export function canTransition(from: AppState, to: AppState): boolean {
  return APP_STATE_TRANSITIONS[from].includes(to);
}

export function isFinalState(state: AppState): boolean {
  return FINAL_APP_STATES.includes(state);
}
