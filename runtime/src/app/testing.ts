/**
 * Helpers for tests of the app lifecycle (here and in the dev command): small apps written into
 * temporary folders from YAML text and script files, and waiting for an instance's events.
 */
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import type { AppEvent } from './events.js';
import type { AppInstance, AppInstanceEvents } from './instance.js';
import { loadAppManifest } from './manifest.js';

/** The required top of a manifest; tests append `run:`, `hooks:`, `health:`… as YAML text. */
export function manifestHead(version = '1.0.0', name = 'test-app'): string {
  return [
    'apiVersion: gpuaas.dev/v1alpha1',
    `name: ${name}`,
    `version: ${version}`,
    'publisher: acme',
    'resources:',
    '  minimum:',
    '    gpus:',
    '      count: 0',
    '',
  ].join('\n');
}

export interface TestApp {
  dir: string;
  manifest: GpuaasAppManifest;
}

/**
 * Writes an app folder: `gpuaas-app.yaml` = manifestHead(version) + `yaml`, plus `files` (paths
 * relative to the folder; `*.sh` files are made executable). Loads it with the real validator.
 */
export async function writeApp(
  root: string,
  yaml: string,
  files: Record<string, string> = {},
  version = '1.0.0',
): Promise<TestApp> {
  const dir = await mkdtemp(join(root, 'app-'));
  await writeFile(join(dir, 'gpuaas-app.yaml'), manifestHead(version) + yaml);
  for (const [path, text] of Object.entries(files)) {
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
    if (path.endsWith('.sh')) await chmod(file, 0o755);
  }
  const { manifest } = await loadAppManifest(dir);
  return { dir, manifest };
}

export async function tempRoot(): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'gpuaas-app-'));
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** The base environment tests give instances: this process's PATH (node and sh) and a HOME. */
export function testEnv(home: string): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C' };
}

/** Records every event of an instance, and waits for one that matches. */
export class EventLog {
  readonly events: AppEvent[] = [];
  private waiters: { match: (e: AppEvent) => boolean; resolve: (e: AppEvent) => void }[] = [];

  constructor(instance: AppInstance) {
    instance.on('event', (e) => {
      this.events.push(e);
      for (const w of [...this.waiters]) {
        if (w.match(e)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(e);
        }
      }
    });
  }

  of<T extends AppEvent['type']>(type: T): Extract<AppEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<AppEvent, { type: T }> => e.type === type);
  }

  states(): string[] {
    return this.of('state').map((e) => e.state);
  }

  /** Resolves the first event (already seen or coming) that matches; rejects after `timeoutMs`. */
  wait(match: (e: AppEvent) => boolean, timeoutMs = 10_000, what = 'event'): Promise<AppEvent> {
    const seen = this.events.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  waitState(state: string, timeoutMs?: number): Promise<AppEvent> {
    return this.wait((e) => e.type === 'state' && e.state === state, timeoutMs, `state ${state}`);
  }
}

/** Resolves the next emission of an instance event. */
export function once<K extends keyof AppInstanceEvents>(
  instance: AppInstance,
  event: K,
  timeoutMs = 10_000,
): Promise<AppInstanceEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${String(event)}`)), timeoutMs);
    instance.once(event, ((...args: AppInstanceEvents[K]) => {
      clearTimeout(timer);
      resolve(args);
    }) as never);
  });
}

/**
 * Whether a process runs: a zombie does not (init reaps orphans when it gets to it, which can take
 * seconds in a container, and a zombie runs nothing).
 */
export function processRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** Polls `condition` every 10 ms; rejects after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
