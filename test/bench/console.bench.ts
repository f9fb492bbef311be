/**
 * The web console's first screen in Debian's Chromium (headless, playwright-core) on loopback: a
 * platform (`gpuaas-platform serve`, a local node of simulated GPUs) and a user already signed in
 * once (the provider's session cookie), then BENCH_RUNS (default 7) loads of `/` in fresh tabs.
 * Tokens live in the page's memory only, so every load signs in again without a password: the
 * page loads, goes to the provider, comes back to `/auth/callback`, loads again, exchanges the
 * code and shows the GPU catalog. Measured with the Performance API of that last document:
 *
 * - time to interactive: the `console:interactive` mark (the catalog's data on screen, set by
 *   the console itself) from the document's navigation start; target ≤ 1000 ms;
 * - the whole reload, from `page.goto` to that mark, sign-in redirects included (no target);
 * - the first screen's JavaScript: every script the last document loaded (Resource Timing),
 *   gzip -9 of the built files; target ≤ 300 KiB.
 *
 *   npm run bench:console
 *
 * Prints a JSON array of { name, unit, value, target? } and exits 1 when a target is missed.
 */
import { median } from '@gpuaas/test-support';
import type { BenchRow } from '@gpuaas/test-support';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const platformBin = join(repoRoot, 'platform/bin/gpuaas-platform.js');
const dist = join(repoRoot, 'platform/console/dist');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const EMAIL = 'bench@example.com';
const PASSWORD = 'bench console password';

function addUser(dataDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [platformBin, 'users', 'add', '--data-dir', dataDir, '--email', EMAIL, '--password-stdin'],
      { env: { ...process.env, CI: '' } },
      (error, _stdout, stderr) => (error === null ? resolve() : reject(new Error(stderr))),
    );
    child.stdin?.end(`${PASSWORD}\n`);
  });
}

function startServer(dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [platformBin, 'serve', '--port', '0', '--data-dir', dataDir, '--json', '--no-demo'].concat([
        '--local-node',
        '--simulate',
        '1x2',
        '--gpus',
        'simulated',
        '--sandbox',
        'none',
      ]),
      { env: { ...process.env, CI: '' } },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const match = /"url":\s*"([^"]+)"/.exec(out);
      if (match !== null)
        resolve({
          url: match[1] ?? '',
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
    });
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) =>
      reject(new Error(`gpuaas-platform serve exited ${code}: ${out.slice(-2000)}`)),
    );
  });
}

const dataDir = await mkdtemp(join(tmpdir(), 'gpuaas-console-bench-'));
await addUser(dataDir);
const server = await startServer(dataDir);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const rows: BenchRow[] = [];
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const first = await context.newPage();
  await first.goto(`${server.url}/`);
  await first.waitForURL(/\/oidc\/interaction\//);
  await first.getByLabel('Email').fill(EMAIL);
  await first.getByLabel('Password').fill(PASSWORD);
  await first.getByRole('button', { name: 'Sign in' }).click();
  await first.waitForFunction(() => performance.getEntriesByName('console:interactive').length > 0);
  await first.close();

  const interactive: number[] = [];
  const reload: number[] = [];
  let scripts: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(`${server.url}/`);
    await page.waitForFunction(
      () => performance.getEntriesByName('console:interactive').length > 0,
      undefined,
      {
        timeout: 30_000,
      },
    );
    reload.push(performance.now() - started);
    const measured = await page.evaluate(() => ({
      interactive: performance.getEntriesByName('console:interactive')[0]?.startTime ?? NaN,
      scripts: performance
        .getEntriesByType('resource')
        .map((e) => new URL(e.name).pathname)
        .filter((path) => path.endsWith('.js')),
    }));
    interactive.push(measured.interactive);
    scripts = measured.scripts;
    await page.close();
  }
  let raw = 0;
  let gzipped = 0;
  for (const path of new Set(scripts)) {
    const bytes = await readFile(join(dist, path));
    raw += bytes.length;
    gzipped += gzipSync(bytes, { level: 9 }).length;
  }
  const round = (n: number, digits = 1) => Number(n.toFixed(digits));
  rows.push(
    {
      name: 'console first screen, time to interactive',
      unit: 'ms',
      value: round(median(interactive)),
      target: 1000,
    },
    {
      name: 'console reload to interactive, sign-in redirects included',
      unit: 'ms',
      value: round(median(reload)),
    },
    { name: 'console first screen JavaScript, gzip', unit: 'KiB', value: round(gzipped / 1024), target: 300 },
    { name: 'console first screen JavaScript, raw', unit: 'KiB', value: round(raw / 1024) },
    { name: 'console first screen scripts', unit: 'files', value: new Set(scripts).size },
  );
} finally {
  await browser.close();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(rows, null, 2));
const missed = rows.filter(
  (r) => r.target !== undefined && (r.unit === 'ms' || r.unit === 'KiB') && r.value > r.target,
);
if (missed.length > 0) process.exitCode = 1;
