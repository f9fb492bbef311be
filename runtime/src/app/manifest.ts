/**
 * The manifest as the runtime executes it: loaded from an unpacked app folder with the sdk's own
 * validator (so the runtime refuses exactly what `gpuaas-app validate` refuses, with the same
 * diagnostics), and its hooks, probes and stop settings resolved into numbers with defaults.
 */
import { resolve } from 'node:path';
import type {
  Command,
  GpuaasAppManifest,
  Hook as ManifestHook,
  Probe as ManifestProbe,
} from '@gpuaas/manifest-schema';
import { DEFAULT_HOOK_TIMEOUT, DEFAULT_STOP_GRACE_PERIOD, loadManifest } from '@gpuaas/sdk/manifest';
import type { ManifestDiagnostic } from '@gpuaas/sdk/manifest';
import { RuntimeError } from '../errors.js';
import type { HookName, ProbeName } from './events.js';

export interface LoadedAppManifest {
  manifest: GpuaasAppManifest;
  /** The manifest file as read (inside the app folder). */
  file: string;
  warnings: ManifestDiagnostic[];
}

/**
 * Reads and validates `gpuaas-app.yaml` (or .yml/.json) of an app folder. Throws RuntimeError
 * MANIFEST_INVALID with `details.errors` (the validator's diagnostics) or the reason it is missing.
 */
export async function loadAppManifest(appDir: string): Promise<LoadedAppManifest> {
  try {
    return await loadManifest(resolve(appDir));
  } catch (error) {
    const details = (error as { details?: { errors?: ManifestDiagnostic[] } }).details;
    throw new RuntimeError('MANIFEST_INVALID', error instanceof Error ? error.message : String(error), {
      cause: error,
      details: { errors: details?.errors ?? [] },
    });
  }
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `"500ms"`, `"30s"`, `"2m"`, `"1h"` → milliseconds; throws on anything else. */
export function durationMs(value: string): number {
  const match = /^([0-9]+)(ms|s|m|h)$/.exec(value);
  const unit = UNIT_MS[match?.[2] ?? ''];
  if (match === null || unit === undefined) {
    throw new RuntimeError(
      'MANIFEST_INVALID',
      `${JSON.stringify(value)} is not a duration like 500ms, 30s, 5m or 1h`,
    );
  }
  return Number(match[1]) * unit;
}

function optionalDuration(value: string | undefined, fallback: string | number): number {
  if (value !== undefined) return durationMs(value);
  return typeof fallback === 'number' ? fallback : durationMs(fallback);
}

/** A command as argv: a string runs with `/bin/sh -c` so authors can write pipelines. */
export function commandArgv(command: Command): string[] {
  return typeof command === 'string' ? ['/bin/sh', '-c', command] : [...command];
}

export interface HookSpec {
  name: HookName;
  argv: string[];
  timeoutMs: number;
  retries: number;
  backoff: { initialMs: number; maxMs: number; multiplier: number };
  env: Record<string, string>;
}

/** The declared hook with every default filled in, or undefined when the manifest has none. */
export function hookSpec(manifest: GpuaasAppManifest, name: HookName): HookSpec | undefined {
  const hook: ManifestHook | undefined = manifest.hooks?.[name];
  if (hook === undefined) return undefined;
  return {
    name,
    argv: commandArgv(hook.command),
    // docs/manifest.md documents one default for every hook; the validator's grace-period check
    // relies on the same value, so it comes from the sdk rather than being restated here.
    timeoutMs: optionalDuration(hook.timeout, DEFAULT_HOOK_TIMEOUT),
    retries: hook.retries ?? 0,
    backoff: {
      initialMs: optionalDuration(hook.backoff?.initial, '1s'),
      maxMs: optionalDuration(hook.backoff?.max, '30s'),
      multiplier: hook.backoff?.multiplier ?? 2,
    },
    env: { ...hook.env },
  };
}

export type ProbeCheck =
  | { kind: 'http'; endpoint: string; port: number; path: string }
  | { kind: 'tcp'; endpoint: string; port: number }
  | { kind: 'command'; argv: string[] };

export interface ProbeSpec {
  name: ProbeName;
  check: ProbeCheck;
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  failureThreshold: number;
  successThreshold: number;
}

function endpointPort(manifest: GpuaasAppManifest, endpoint: string): number {
  const port = manifest.endpoints?.find((e) => e.name === endpoint)?.port;
  // The validator already refuses probes naming unknown endpoints; this guards hand-built manifests.
  if (port === undefined)
    throw new RuntimeError('MANIFEST_INVALID', `probe names unknown endpoint "${endpoint}"`);
  return port;
}

export function probeSpec(manifest: GpuaasAppManifest, name: ProbeName): ProbeSpec | undefined {
  const probe: ManifestProbe | undefined = manifest.health?.[name];
  if (probe === undefined) return undefined;
  let check: ProbeCheck;
  if (probe.http !== undefined) {
    const path = probe.http.path ?? '/';
    check = {
      kind: 'http',
      endpoint: probe.http.endpoint,
      port: endpointPort(manifest, probe.http.endpoint),
      path: path.startsWith('/') ? path : `/${path}`,
    };
  } else if (probe.tcp !== undefined) {
    check = { kind: 'tcp', endpoint: probe.tcp.endpoint, port: endpointPort(manifest, probe.tcp.endpoint) };
  } else if (probe.command !== undefined) {
    check = { kind: 'command', argv: commandArgv(probe.command) };
  } else {
    throw new RuntimeError('MANIFEST_INVALID', `health.${name} has none of http, tcp or command`);
  }
  return {
    name,
    check,
    initialDelayMs: optionalDuration(probe.initialDelay, 0),
    periodMs: optionalDuration(probe.period, '10s'),
    timeoutMs: optionalDuration(probe.timeout, '1s'),
    failureThreshold: probe.failureThreshold ?? 3,
    successThreshold: probe.successThreshold ?? 1,
  };
}

export interface StopSpec {
  signal: NodeJS.Signals;
  gracePeriodMs: number;
}

export function stopSpec(manifest: GpuaasAppManifest): StopSpec {
  return {
    signal: manifest.health?.stop?.signal ?? 'SIGTERM',
    gracePeriodMs: optionalDuration(manifest.health?.stop?.gracePeriod, DEFAULT_STOP_GRACE_PERIOD),
  };
}

/** How long an app without a readiness probe may take to call `ready()` before it counts as failed. */
export const DEFAULT_READY_CALL_BUDGET_MS = 5 * 60_000;

/**
 * The startup budget: how long after its process starts an app may take to become ready before a
 * launch fails (or an upgrade rolls back). Each declared startup/readiness probe contributes what
 * it takes to fail for good (initialDelay + period × failureThreshold + timeout); without a
 * readiness probe the app has {@link DEFAULT_READY_CALL_BUDGET_MS} to call `ready()`.
 */
export function startupBudgetMs(manifest: GpuaasAppManifest): number {
  let total = 0;
  for (const name of ['startup', 'readiness'] as const) {
    const spec = probeSpec(manifest, name);
    if (spec !== undefined)
      total += spec.initialDelayMs + spec.periodMs * spec.failureThreshold + spec.timeoutMs;
  }
  if (manifest.health?.readiness === undefined) total += DEFAULT_READY_CALL_BUDGET_MS;
  return total;
}

/** The app's working folder: `run.workdir` inside the app folder (never outside it). */
export function appWorkdir(appDir: string, manifest: GpuaasAppManifest): string {
  const root = resolve(appDir);
  const workdir = resolve(root, manifest.run.workdir ?? '.');
  if (workdir !== root && !workdir.startsWith(`${root}/`)) {
    throw new RuntimeError(
      'MANIFEST_INVALID',
      `run.workdir ${JSON.stringify(manifest.run.workdir)} leaves the app folder`,
    );
  }
  return workdir;
}
