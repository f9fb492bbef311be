import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeError } from '../errors.js';
import {
  appWorkdir,
  durationMs,
  hookSpec,
  loadAppManifest,
  probeSpec,
  startupBudgetMs,
  stopSpec,
} from './manifest.js';
import { manifestHead, tempRoot, writeApp } from './testing.js';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ root, cleanup } = await tempRoot()));
afterAll(() => cleanup());

async function loadError(dir: string): Promise<RuntimeError> {
  const error = await loadAppManifest(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RuntimeError);
  return error as RuntimeError;
}

describe('app manifest', () => {
  it('resolves durations in ms, s, m and h', () => {
    expect([durationMs('500ms'), durationMs('30s'), durationMs('2m'), durationMs('1h')]).toEqual([
      500, 30_000, 120_000, 3_600_000,
    ]);
    expect(() => durationMs('5 s')).toThrow(/not a duration/);
    expect(() => durationMs('1d')).toThrow(RuntimeError);
  });

  it('refuses an invalid manifest with the validator diagnostics, and a folder without one', async () => {
    const bad = join(root, 'bad');
    await mkdir(bad);
    await writeFile(join(bad, 'gpuaas-app.yaml'), `${manifestHead()}run:\n  entrypont: [x]\n`);
    const error = await loadError(bad);
    expect(error.code).toBe('MANIFEST_INVALID');
    const errors = error.details?.errors as { code: string; pointer: string }[];
    expect(errors).toContainEqual(
      expect.objectContaining({ code: 'unknown-property', pointer: '/run/entrypont' }),
    );
    const empty = join(root, 'empty');
    await mkdir(empty);
    expect((await loadError(empty)).message).toMatch(/no gpuaas-app.yaml/);
  });

  it('fills in hook, probe and stop defaults and resolves probe endpoints to ports', async () => {
    const { manifest } = await writeApp(
      root,
      `run:
  entrypoint: [node, app.js]
  workdir: srv
endpoints:
  - { name: api, port: 8123 }
hooks:
  install:
    command: npm ci
    retries: 2
    backoff: { initial: 100ms }
  stop:
    command: [sh, stop.sh]
    timeout: 10s
health:
  readiness:
    http: { endpoint: api, path: /healthz }
    period: 100ms
    timeout: 50ms
  liveness:
    tcp: { endpoint: api }
  stop:
    gracePeriod: 20s
    signal: SIGINT
`,
    );
    expect(hookSpec(manifest, 'install')).toEqual({
      name: 'install',
      argv: ['/bin/sh', '-c', 'npm ci'],
      timeoutMs: 300_000,
      retries: 2,
      backoff: { initialMs: 100, maxMs: 30_000, multiplier: 2 },
      env: {},
    });
    expect(hookSpec(manifest, 'stop')?.argv).toEqual(['sh', 'stop.sh']);
    expect(hookSpec(manifest, 'configure')).toBeUndefined();
    expect(probeSpec(manifest, 'readiness')).toEqual({
      name: 'readiness',
      check: { kind: 'http', endpoint: 'api', port: 8123, path: '/healthz' },
      initialDelayMs: 0,
      periodMs: 100,
      timeoutMs: 50,
      failureThreshold: 3,
      successThreshold: 1,
    });
    expect(probeSpec(manifest, 'liveness')?.check).toEqual({ kind: 'tcp', endpoint: 'api', port: 8123 });
    expect(stopSpec(manifest)).toEqual({ signal: 'SIGINT', gracePeriodMs: 20_000 });
    expect(startupBudgetMs(manifest)).toBe(100 * 3 + 50);
    expect(appWorkdir('/apps/x', manifest)).toBe('/apps/x/srv');
    expect(() => appWorkdir('/apps/x', { ...manifest, run: { ...manifest.run, workdir: '../y' } })).toThrow(
      /leaves the app folder/,
    );
  });
});
