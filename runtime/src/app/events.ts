/**
 * The events an app instance emits, one JSON object each: the control API streams them (SSE) and
 * `gpuaas-app dev --json` prints them one per line, so field names are snake_case and stable.
 * Every text field that can carry app output or parameter values is redacted before it gets here.
 */
import type { AppState } from './states.js';

export const HOOK_NAMES = ['install', 'configure', 'start', 'stop', 'upgrade', 'uninstall'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

export const PROBE_NAMES = ['startup', 'readiness', 'liveness'] as const;
export type ProbeName = (typeof PROBE_NAMES)[number];

export type LogStream = 'stdout' | 'stderr';

export interface StateEvent {
  type: 'state';
  state: AppState;
  previous: AppState;
  reason?: string;
  /** App version the state refers to (changes during an upgrade). */
  version: string;
  time: string;
}

export interface HookEvent {
  type: 'hook';
  hook: HookName;
  ok: boolean;
  attempts: number;
  exit_code: number | null;
  signal: string | null;
  duration_ms: number;
  timed_out: boolean;
  /** Last ≤ 50 output lines (stdout and stderr interleaved), secrets redacted. */
  tail: string[];
  version: string;
  time: string;
}

export interface ProbeEvent {
  type: 'probe';
  probe: ProbeName;
  ok: boolean;
  /** HTTP status code of an http probe's answer. */
  status?: number;
  message?: string;
  time: string;
}

export interface LogEvent {
  type: 'log';
  stream: LogStream;
  line: string;
  time: string;
}

export interface StatusEvent {
  type: 'status';
  message: string;
  progress?: number;
  time: string;
}

/** How an upgrade ended: the new version runs, the old one runs again, nothing runs, or a stop came first. */
export type UpgradeOutcome = 'succeeded' | 'rolled_back' | 'failed' | 'stopped';

/** An upgrade is over (the platform records the outcome; the state events tell the steps). */
export interface UpgradeEvent {
  type: 'upgrade';
  from: string;
  to: string;
  outcome: UpgradeOutcome;
  /** Why it did not succeed (redacted). */
  reason?: string;
  /** The runtime's code when it did not succeed (UPGRADE_ROLLED_BACK, APP_FAILED). */
  code?: string;
  time: string;
}

export type AppEvent = StateEvent | HookEvent | ProbeEvent | LogEvent | StatusEvent | UpgradeEvent;
