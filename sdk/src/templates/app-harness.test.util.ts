/**
 * Test-only helpers shared by the template, example and init tests: validate a manifest the way
 * the publisher's CI would, start an app's process, and talk HTTP to it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { parse } from 'yaml';
import { MANIFEST_SCHEMA_ID, manifestSchema } from '@gpuaas/manifest-schema';

export const MODELINE = `# yaml-language-server: $schema=${MANIFEST_SCHEMA_ID}`;

const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormatsPlugin as unknown as (a: Ajv2020) => void)(ajv);
const validateSchema = ajv.compile(manifestSchema);

export interface ManifestCheck {
  value: Record<string, unknown>;
  errors: string[];
}

/** Parses a manifest file and checks it against the JSON Schema and the modeline rule. */
export function checkManifestFile(path: string): ManifestCheck {
  const text = readFileSync(path, 'utf8');
  const errors: string[] = [];
  if (text.split('\n')[0] !== MODELINE) errors.push(`first line is not the modeline ${MODELINE}`);
  const value = parse(text) as Record<string, unknown>;
  if (!validateSchema(value)) {
    for (const e of validateSchema.errors ?? []) errors.push(`${e.instancePath || '/'} ${e.message ?? ''}`);
  }
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
