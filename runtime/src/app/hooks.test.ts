import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installMarkerPath, isInstalled, markInstalled, retryDelayMs, runCommand, runHook } from './hooks.js';
import type { HookSpec } from './manifest.js';
import { groupAlive } from './process-group.js';
import { createRedactor } from './params.js';
import { processRunning, tempRoot, testEnv } from './testing.js';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ root, cleanup } = await tempRoot()));
afterAll(() => cleanup());

function spec(command: string, over: Partial<HookSpec> = {}): HookSpec {
  return {
    name: 'install',
    argv: ['/bin/sh', '-c', command],
    timeoutMs: 5000,
    retries: 0,
    backoff: { initialMs: 20, maxMs: 1000, multiplier: 2 },
    env: {},
    ...over,
  };
}

describe('hooks', () => {
  it('kills a hook that hangs at its timeout (SIGTERM, then SIGKILL of the group) and keeps its tail', async () => {
    const pidFile = join(root, 'hang.pid');
    // The hook ignores SIGTERM (its children inherit that), so only the SIGKILL of the group ends it.
    const result = await runHook(
      spec(
        `trap "" TERM; echo preparing; echo "step 2" >&2; sh -c 'echo $$ > ${pidFile}; while :; do sleep 0.05; done' & while :; do sleep 0.05; done`,
        { timeoutMs: 300 },
      ),
      { cwd: root, env: testEnv(root), killAfterMs: 200 },
    );
    expect(result).toMatchObject({ ok: false, timed_out: true, attempts: 1, hook: 'install' });
    expect(result.tail).toEqual(['preparing', 'step 2', 'timed out after 300 ms']);
    expect(result.duration_ms).toBeGreaterThanOrEqual(450);
    const child = Number(await readFile(pidFile, 'utf8'));
    expect(processRunning(child)).toBe(false);
  });

  it('retries a failing hook with exponential backoff: fails twice, passes on attempt 3', async () => {
    const counter = join(root, 'count');
    await writeFile(counter, '0');
    const retries: number[] = [];
    const result = await runHook(
      spec(`n=$(($(cat ${counter}) + 1)); echo $n > ${counter}; echo "attempt $n"; [ $n -ge 3 ]`, {
        retries: 4,
      }),
      { cwd: root, env: testEnv(root), onRetry: (_r, n, delay) => retries.push(n, delay) },
    );
    expect(result).toMatchObject({ ok: true, attempts: 3, exit_code: 0, tail: ['attempt 3'] });
    expect(retries).toEqual([1, 20, 2, 40]);
    expect(result.duration_ms).toBeGreaterThanOrEqual(60);
    expect(retryDelayMs({ initialMs: 1000, maxMs: 30_000, multiplier: 2 }, 10)).toBe(30_000);
  });

  it('reports the last attempt when every retry fails', async () => {
    const result = await runHook(spec('echo nope; exit 3', { retries: 1 }), {
      cwd: root,
      env: testEnv(root),
    });
    expect(result).toMatchObject({ ok: false, attempts: 2, exit_code: 3, timed_out: false, tail: ['nope'] });
  });

  it('keeps only the last 50 lines, redacted, and merges hook env over the base env', async () => {
    const redact = createRedactor(['hunter2-secret']);
    const result = await runHook(
      spec('for i in $(seq 1 120); do echo "line $i $TOKEN"; done; echo "$LAYER"', {
        env: { LAYER: 'from-hook' },
      }),
      { cwd: root, env: { ...testEnv(root), TOKEN: 'hunter2-secret', LAYER: 'base' }, redact },
    );
    expect(result.tail).toHaveLength(50);
    expect(result.tail[0]).toBe('line 72 ***');
    expect(result.tail.at(-1)).toBe('from-hook');
    expect(result.tail.join('\n')).not.toContain('hunter2');
  });

  it('reports a command that cannot be started', async () => {
    const result = await runCommand({
      argv: ['/nonexistent/tool'],
      cwd: root,
      env: testEnv(root),
      timeoutMs: 1000,
    });
    expect(result).toMatchObject({ ok: false, exit_code: null, timed_out: false });
    expect(result.tail[0]).toMatch(/^cannot run \/nonexistent\/tool: .*ENOENT/);
  });

  it('leaves nothing of the group behind after a hook that backgrounds a process', async () => {
    const pidFile = join(root, 'bg.pid');
    const result = await runCommand({
      argv: ['/bin/sh', '-c', `sleep 30 & echo $! > ${pidFile}; echo $$`],
      cwd: root,
      env: testEnv(root),
      timeoutMs: 5000,
    });
    expect(result.ok).toBe(true);
    expect(groupAlive(Number(result.tail[0]))).toBe(false);
    expect(processRunning(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('marks an artifact digest as installed', async () => {
    expect(await isInstalled(root, 'sha256:abc')).toBe(false);
    await markInstalled(root, 'sha256:abc', '1.0.0');
    expect(await isInstalled(root, 'sha256:abc')).toBe(true);
    expect(installMarkerPath(root, 'sha256:abc')).toBe(join(root, 'installed', 'sha256-abc'));
  });
});
