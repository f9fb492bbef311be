/**
 * Smoke run of the publish bench (sdk/bench/publish.bench.ts) with 8 MiB of weights, 300 small files and
 * one run per step: the harness must print its rows, measure a re-publish of 0 bytes and a promotion that moves
 * no blob, and exit 1 exactly when a target is missed. It runs the built CLI, so build first.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requireTools } from '@gpuaas/test-support';
import type { BenchRow } from '@gpuaas/test-support';

const bench = fileURLToPath(new URL('../bench/publish.bench.ts', import.meta.url));
// The CLI the bench runs (sdk/cli/bin/gpuaas-app.js) loads this build of the CLI package.
const bin = fileURLToPath(new URL('../cli/dist/gpuaas-app/main.js', import.meta.url));

type Row = BenchRow;

function runBench(
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bench], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function row(rows: readonly Row[], prefix: string): Row {
  const found = rows.find((r) => r.name.startsWith(prefix));
  if (found === undefined) throw new Error(`no row starting with "${prefix}" in ${JSON.stringify(rows)}`);
  return found;
}

describe.skipIf(!requireTools('publish bench smoke run', 'docker-registry', 'skopeo'))(
  'publish bench',
  () => {
    it('measures pack, push, re-publish and promotion on an 8 MiB app', { timeout: 300_000 }, async () => {
      expect(existsSync(bin), `${bin} is missing: run npx tsc --build first`).toBe(true);
      const { status, stdout, stderr } = await runBench({
        BENCH_PUBLISH_SIZE_MIB: '8',
        BENCH_PUBLISH_RUNS: '1',
        BENCH_PUBLISH_SMALL_FILES: '300',
      });
      expect([0, 1], `bench crashed:\n${stderr}`).toContain(status);
      const rows = JSON.parse(stdout) as Row[];
      for (const r of rows) {
        expect(typeof r.name).toBe('string');
        expect(typeof r.unit).toBe('string');
        expect(Number.isFinite(r.value)).toBe(true);
        if (r.ratio !== undefined) {
          expect(r.baseline).toBeGreaterThan(0);
          // Within 2 %: the printed value and baseline are rounded, so a large ratio shifts a little.
          const exact = r.value / (r.baseline ?? 1);
          expect(Math.abs(r.ratio - exact) / exact).toBeLessThan(0.02);
        }
      }
      const pack = row(rows, 'pack:');
      const push = row(rows, 'push: gpuaas-app push');
      expect(pack.target).toBe(1.5);
      expect(pack.baseline).toBeGreaterThan(0);
      expect(push.target).toBe(1);
      const small = row(rows, 'pack small files:');
      expect(small.name).toContain('300 files of 4 KB');
      expect(small.target).toBe(1);
      expect(small.baseline).toBeGreaterThan(0);
      expect(push.baseline).toBeGreaterThan(0);
      expect(row(rows, 'push: peak RSS').value).toBeGreaterThan(10);
      expect(row(rows, 're-publish: blob bytes').value).toBe(0);
      const wire = row(rows, 're-publish: bytes sent').value;
      expect(wire).toBeGreaterThan(0);
      expect(wire).toBeLessThan(1024 * 1024);
      expect(row(rows, 'promote: blob bytes').value).toBe(0);
      expect(row(rows, 'promote: time').target).toBe(0.1);
      const missed = rows.some((r) => r.target !== undefined && (r.ratio ?? r.value) > r.target);
      expect(status).toBe(missed ? 1 : 0);
    });
  },
);
