/**
 * Test-only helpers shared by the template, example and init tests: validate a manifest the way
 * the publisher's CI would, start an app's process, and talk HTTP to it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { MANIFEST_SCHEMA_ID } from '@gpuaas/manifest-schema';
import { validateManifestPath } from '../manifest/index.js';

export const MODELINE = `# yaml-language-server: $schema=${MANIFEST_SCHEMA_ID}`;

export interface ManifestCheck {
  value: Record<string, unknown>;
  /** `code pointer: message` of every error and warning, so a failing assertion shows them all. */
  errors: string[];
}

/**
 * Validates a manifest with the sdk's validator (what `gpuaas-app validate` runs) and checks the
 * modeline rule. Warnings count as errors here: a shipped template or example must be clean.
 */
export async function checkManifest(path: string): Promise<ManifestCheck> {
  const errors: string[] = [];
  if (readFileSync(path, 'utf8').split('\n')[0] !== MODELINE) errors.push(`first line is not ${MODELINE}`);
  const result = await validateManifestPath(path);
  for (const d of [...result.errors, ...result.warnings]) errors.push(`${d.code} ${d.pointer}: ${d.message}`);
  const value = (result.value ?? {}) as unknown as Record<string, unknown>;
  return { value, errors };
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export interface AppProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts a process in `cwd` with extra env; stdout and stderr are collected for assertions. */
export function startProcess(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): AppProcess {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request; the path is sent as written (no dot-segment clean-up), to probe traversal. */
export function request(
  url: string,
  method = 'GET',
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<HttpAnswer> {
  const match = /^http:\/\/([^/:]+):(\d+)(\/.*)?$/.exec(url);
  if (!match) throw new Error(`not an http://host:port/path URL: ${url}`);
  const [, host, port, path] = match;
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = { ...(payload ? { 'content-type': 'application/json' } : {}), ...extraHeaders };
    const req = http.request({ host, port: Number(port), path: path ?? '/', method, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Polls `url` until it answers 200; fails with the app's output when it does not within `timeoutMs`. */
export async function waitForHealthy(url: string, app: AppProcess, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null) throw new Error(`app exited early:\n${app.output()}`);
    const answer = await request(url).catch(() => undefined);
    if (answer?.status === 200) return;
    await sleep(50);
  }
  throw new Error(`${url} not healthy within ${timeoutMs} ms:\n${app.output()}`);
}
