/**
 * Every template and example runs under the real runtime through `gpuaas-app dev` (the built bins,
 * as an app author runs them): install → ready → metered usage → stop. Jobs run with `--once` until
 * they finish; services run until ready, get one request that meters, and are stopped with SIGTERM
 * (forwarded by gpuaas-app to the runtime, which stops the app gracefully). Apps run from scratch
 * copies whose ports are replaced with free ones, so parallel test files never collide.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, requireTools } from '@gpuaas/test-support';
import { gpuaasAppBin, repoRoot, run, runCommand } from './support/processes.js';

const work = mkdtempSync(join(tmpdir(), 'gpuaas-templates-runtime-'));

/** `npm install && npm run build` in an app folder, as a developer runs them. */
async function installAndBuild(dir: string): Promise<void> {
  for (const args of [
    ['install', '--no-audit', '--no-fund'],
    ['run', 'build'],
  ]) {
    const r = await runCommand('npm', args, { cwd: dir, env: process.env });
    expect(r.code, `npm ${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
  }
}
afterAll(() => rmSync(work, { recursive: true, force: true }));
const hasPython = requireTools('templates and examples under the runtime', 'python3');

type Event = Record<string, unknown> & { type: string };

interface DevProcess {
  events: () => Event[];
  text: () => string;
  waitFor: (match: (e: Event) => boolean, what: string, timeoutMs?: number) => Promise<Event>;
  kill: (signal: NodeJS.Signals) => void;
  exited: Promise<number | null>;
}

/** `gpuaas-app dev DIR --json …` as a process; its JSON lines parsed as they arrive. */
function dev(dir: string, args: string[]): DevProcess {
  const child = spawn(process.execPath, [gpuaasAppBin, 'dev', dir, '--json', ...args], {
    cwd: work,
    // No PYTHONDONTWRITEBYTECODE: dev must catch an app that writes next to its code.
    env: { PATH: process.env.PATH, HOME: work, LANG: 'C.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    for (const l of [...listeners]) l();
  });
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const events = (): Event[] =>
    out
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Event);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    events,
    text: () => `${out}\n--- stderr ---\n${err}`,
    exited,
    kill: (signal) => void child.kill(signal),
    waitFor: (match, what, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const hit = events().find(match);
          if (hit === undefined) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${what}:\n${out}\n${err}`));
        }, timeoutMs);
        void exited.then(() =>
          setTimeout(() => {
            if (listeners.has(check)) {
              listeners.delete(check);
              clearTimeout(timer);
              reject(new Error(`dev exited before ${what}:\n${out}\n${err}`));
            }
          }, 50),
        );
        listeners.add(check);
        check();
      }),
  };
}

async function scaffolded(template: string): Promise<string> {
  const dir = join(work, template);
  const init = await run(
    gpuaasAppBin,
    ['init', dir, '--template', template, '--name', template, '--publisher', 'acme', '--yes'],
    process.env,
  );
  expect(init.code, init.stderr).toBe(0);
  return dir;
}

function copyOfExample(example: string): string {
  const dir = join(work, `example-${example}`);
  cpSync(join(repoRoot, 'examples', example), dir, { recursive: true });
  return dir;
}

/** Points the app's endpoint (and the PORT it reads) at a free port; returns it. */
async function freshPort(dir: string): Promise<number> {
  const file = join(dir, 'gpuaas-app.yaml');
  const yaml = readFileSync(file, 'utf8');
  const old = /^\s+port: (\d+)$/m.exec(yaml)?.[1];
  expect(old, 'the manifest declares an endpoint port').toBeDefined();
  const port = await freePort();
  const next = yaml
    .replaceAll(new RegExp(`^(\\s+port: )${old}$`, 'gm'), `$1${port}`)
    .replaceAll(`PORT: '${old}'`, `PORT: '${port}'`);
  expect(next).toContain(`PORT: '${port}'`);
  writeFileSync(file, next);
  return port;
}

function post(
  port: number,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : data);
  });
}

const isState = (state: string) => (e: Event) => e.type === 'state' && e.state === state;

/** What every run must show: hooks ok, ready, usage (the app's when it meters), stopped, exit 0. */
function expectHealthyRun(run: DevProcess, code: number | null, appMeters: boolean): void {
  const events = run.events();
  const text = run.text();
  expect(code, text).toBe(0);
  const hooks = events.filter((e) => e.type === 'hook');
  expect(
    hooks.filter((h) => h.ok !== true),
    text,
  ).toEqual([]);
  expect(events.some(isState('ready')), text).toBe(true);
  expect(
    events.some((e) => e.type === 'state' && (e.state === 'failed' || e.state === 'degraded')),
    text,
  ).toBe(false);
  const states = events.filter((e) => e.type === 'state');
  expect(states.at(-1)?.state, text).toBe('stopped');
  const usage = events.filter((e) => e.type === 'usage');
  if (appMeters)
    expect(
      usage.some((u) => u.source === 'app'),
      text,
    ).toBe(true);
  // Interval flushes may come before the stop; the last share is flushed after it.
  const own = usage.findLast((u) => u.source === 'runtime' && u.meter === 'app_seconds');
  expect(own, text).toBeDefined();
  expect(events.indexOf(own as Event), text).toBeGreaterThan(events.indexOf(states.at(-1) as Event));
  expect(events.at(-1), text).toMatchObject({ type: 'dev', event: 'exit', exit_code: 0, ok: true });
}

describe.skipIf(!hasPython)('templates and examples under the runtime (gpuaas-app dev)', () => {
  it.each([
    [
      'template batch-job',
      () => scaffolded('batch-job'),
      ['--param', 'items=6', '--param', 'batch_size=3'],
      'items',
      6,
    ],
    [
      'example image-batch',
      () => Promise.resolve(copyOfExample('image-batch')),
      ['--param', 'count=2', '--param', 'size=16'],
      'images',
      2,
    ],
  ] as const)(
    '%s: --once runs install → ready → metered batches → exits by itself',
    async (_name, make, params, meter, total) => {
      const dir = await make();
      const run = dev(dir, ['--once', ...params]);
      const code = await run.exited;
      expectHealthyRun(run, code, true);
      const events = run.events();
      expect(events.filter(isState('stopped')).at(-1)).toMatchObject({ reason: 'exited' });
      const metered = events
        .filter((e) => e.type === 'usage' && e.meter === meter)
        .reduce((s, e) => s + (e.quantity as number), 0);
      expect(metered).toBe(total);
      expect(events.some((e) => e.type === 'status' && e.progress === 1)).toBe(true);
    },
  );

  const services: [string, () => Promise<string>, string[], (port: number) => Promise<number>, boolean][] = [
    [
      'template python-inference',
      () => scaffolded('python-inference'),
      ['--param', 'max_tokens=16'],
      (port) => post(port, '/v1/generate', { prompt: 'hello', max_tokens: 4 }),
      true,
    ],
    [
      'template console-extension',
      () => scaffolded('console-extension'),
      [],
      (port) => post(port, '/ui/', undefined),
      false,
    ],
    [
      'example echo-llm',
      () => Promise.resolve(copyOfExample('echo-llm')),
      ['--param', 'model=echo-large', '--param', 'api_key=sekrit-key-1'],
      (port) =>
        post(
          port,
          '/v1/completions',
          { prompt: 'hello world', max_tokens: 3 },
          { authorization: 'Bearer sekrit-key-1' },
        ),
      true,
    ],
    [
      'template typescript-service',
      async () => {
        const dir = await scaffolded('typescript-service');
        // As its README says: install (the npm registry and the vendored sdk), build, then dev.
        await installAndBuild(dir);
        return dir;
      },
      [],
      (port) => post(port, '/v1/analyze', { text: 'hello GPU world' }),
      true,
    ],
  ];

  it.each(services)(
    '%s: install → ready → a request that meters → SIGTERM stops it',
    async (_name, make, params, request, meters) => {
      const dir = await make();
      const port = await freshPort(dir);
      const run = dev(dir, ['--no-watch', ...params]);
      try {
        await run.waitFor(isState('ready'), 'ready');
        expect(await request(port)).toBe(200);
        if (meters) await run.waitFor((e) => e.type === 'usage' && e.source === 'app', 'the app metering');
      } finally {
        run.kill('SIGTERM');
      }
      const code = await run.exited;
      expectHealthyRun(run, code, meters);
      const text = run.text();
      expect(text).not.toContain('sekrit-key-1');
    },
  );
});
