/**
 * The one set-up the console's browser tests share: a platform (`gpuaas-platform serve` over a
 * fresh SQLite store) with its users added as an operator adds them, Chromium, a work folder
 * (the CLI's home), and what the tests do beside the browser as a user, an operator or a CI job
 * would: mint tokens with `gpuaas-platform token`, run the `gpuaas` and `gpuaas-app` CLIs, call
 * the public API with a bearer token. Also the checks every screen passes (axe-core, the CSP, a
 * screenshot). Driving the browser itself is console-browser.ts's.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import {
  consoleContext,
  cspViolations,
  ensureConsoleBuilt,
  expireSessionOn,
  launchChromium,
  screenshot,
  seriousViolations,
  signIn,
} from './console-browser.js';
import { gpuaasAppBin, gpuaasBin, run, runPlatform, startServer } from './processes.js';
import type { RunResult, TestServer } from './processes.js';

export interface ConsoleUser {
  email: string;
  password: string;
  /** Added as a platform operator. */
  operator?: boolean;
}

/** axe-core (no serious or critical violation) and the CSP (no violation) on the screen as it is, then its screenshot. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  expect(await seriousViolations(page), name).toEqual([]);
  expect(await cspViolations(page), name).toEqual([]);
  await screenshot(page, name);
}

/** The JSON a CLI printed, once it exited 0. */
export function cliJson<T>(result: RunResult): T {
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/** Adds each user with `gpuaas-platform users add --password-stdin`, as the operator does. */
export async function addUsers(store: TestStore, users: readonly ConsoleUser[]): Promise<void> {
  for (const user of users) {
    const added = await runPlatform(
      store,
      [
        'users',
        'add',
        '--email',
        user.email,
        '--password-stdin',
        ...(user.operator === true ? ['--operator'] : []),
      ],
      `${user.password}\n`,
    );
    expect(added.code, added.stderr).toBe(0);
  }
}

export interface MintedToken {
  access_token: string;
  project_id: string | null;
}

/** `gpuaas-platform token ARGS --json` beside `serve`, as an operator mints a token. */
export async function mintToken(store: TestStore, args: readonly string[]): Promise<MintedToken> {
  const minted = await runPlatform(store, ['token', ...args, '--json']);
  expect(minted.code, minted.stderr).toBe(0);
  return JSON.parse(minted.stdout) as MintedToken;
}

export interface ApiInit {
  method?: string;
  /** Sent as the JSON body. */
  json?: unknown;
  headers?: Record<string, string>;
}

/** The public API as the bearer of `token`; a POST carries an Idempotency-Key as the SDK's does. */
export function apiFetch(
  baseUrl: string,
  token: string,
  path: string,
  init: ApiInit = {},
): Promise<Response> {
  const method = init.method ?? 'GET';
  return fetch(baseUrl + path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
      ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
      ...init.headers,
    },
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  });
}

/** {@link apiFetch} with its answer's status and JSON body. */
export async function apiJson<T>(
  baseUrl: string,
  token: string,
  path: string,
  init: ApiInit = {},
): Promise<{ status: number; body: T }> {
  const answer = await apiFetch(baseUrl, token, path, init);
  return { status: answer.status, body: (await answer.json()) as T };
}

/** The environment a CI job gives the `gpuaas` CLIs: the API, a token, a home of its own. */
export function cliEnv(apiUrl: string, token: string, home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: home,
    GPUAAS_API_URL: apiUrl,
    GPUAAS_TOKEN: token,
    CI: 'true',
  };
}

export interface ConsoleRigOptions {
  /** Added with `gpuaas-platform users add` before the tests. */
  users: readonly ConsoleUser[];
  /** More `serve` flags (a later `--port` wins over the rig's own). */
  serve?: readonly string[];
  /** Added to `serve`'s environment. */
  serveEnv?: NodeJS.ProcessEnv;
  /** More Chromium switches. */
  chromium?: readonly string[];
}

/** A platform with its users, Chromium and a work folder for one test file; {@link ConsoleRig.stop} ends them. */
export interface ConsoleRig {
  /** The platform's listen address. */
  url: string;
  browser: Browser;
  /** A fresh folder, removed by stop(); the CLIs' home is `home/` in it. */
  work: string;
  mint(...args: string[]): Promise<MintedToken>;
  /** {@link apiFetch} on this platform. */
  fetch(token: string, path: string, init?: ApiInit): Promise<Response>;
  /** {@link apiJson} on this platform. */
  api<T>(token: string, path: string, init?: ApiInit): Promise<{ status: number; body: T }>;
  gpuaas(token: string, ...args: string[]): Promise<RunResult>;
  gpuaasApp(token: string, ...args: string[]): Promise<RunResult>;
  /**
   * As a publisher sets up signing: `gpuaas-app keygen` into the work folder's `keys/NAME`, then
   * `gpuaas apps keys add` registers the public half with `project` (as `label` when given).
   * Returns the private key's path.
   */
  signingKey(token: string, project: string, name: string, label?: string): Promise<string>;
  /** `gpuaas-app publish DIR --to HOST/REF --key KEY --register --project PROJECT`; returns the digest. */
  publishApp(token: string, dir: string, ref: string, key: string, project: string): Promise<string>;
  /** An operator approves `app` (`PUBLISHER/NAME`) at `digest` and publishes it with `flags`. */
  approveApp(token: string, app: string, digest: string, ...flags: string[]): Promise<void>;
  /** A page in a browser context of its own (cookies, storage), signed in as `user` at `path`. */
  signedInPage(user: ConsoleUser, path: string): Promise<Page>;
  /** expireSessionOn() (console-browser.ts) on this platform. */
  expireSession(page: Page, path: string, submit: () => Promise<void>): Promise<void>;
  /** Closes the browser, stops the platform, drops the store and removes the work folder. */
  stop(): Promise<void>;
}

/** Builds the console if needed, then starts a platform over a fresh SQLite store, adds the users and launches Chromium. */
export async function startConsoleRig(options: ConsoleRigOptions): Promise<ConsoleRig> {
  await ensureConsoleBuilt();
  const started: { store?: TestStore; server?: TestServer; browser?: Browser; work?: string } = {};
  const stop = async () => {
    await started.browser?.close();
    await started.server?.stop();
    await started.store?.drop();
    if (started.work !== undefined) await rm(started.work, { recursive: true, force: true });
  };
  try {
    const work = (started.work = await mkdtemp(join(tmpdir(), 'gpuaas-console-')));
    await mkdir(join(work, 'home'));
    const store = (started.store = await createTestStore('sqlite'));
    const server = (started.server = await startServer(store, options.serve, options.serveEnv));
    await addUsers(store, options.users);
    const browser = (started.browser = await launchChromium(options.chromium));
    const url = server.url;
    const env = (token: string) => cliEnv(url, token, join(work, 'home'));
    const gpuaas = (token: string, ...args: string[]) => run(gpuaasBin, args, env(token));
    const gpuaasApp = (token: string, ...args: string[]) => run(gpuaasAppBin, args, env(token));
    return {
      url,
      browser,
      work,
      mint: (...args) => mintToken(store, args),
      fetch: (token, path, init) => apiFetch(url, token, path, init),
      api: (token, path, init) => apiJson(url, token, path, init),
      gpuaas,
      gpuaasApp,
      async signingKey(token, project, name, label) {
        const key = join(work, 'keys', name);
        const made = await gpuaasApp('', 'keygen', '--out', key, '--no-gitignore');
        expect(made.code, made.stderr).toBe(0);
        const named = label === undefined ? [] : ['--name', label];
        const add = ['apps', 'keys', 'add', `${key}.pub`, ...named, '--project', project, '--output', 'json'];
        cliJson(await gpuaas(token, ...add));
        return `${key}.key`;
      },
      async publishApp(token, dir, ref, key, project) {
        const to = `${new URL(url).host}/${ref}`;
        const publish = ['publish', dir, '--to', to, '--key', key, '--register', '--project', project];
        return cliJson<{ digest: string }>(await gpuaasApp(token, ...publish, '--json')).digest;
      },
      async approveApp(token, app, digest, ...flags) {
        const ref = `${new URL(url).host}/${app}@${digest}`;
        const approve = ['ops', 'apps', 'approve', ref, '--yes', '--output', 'json'];
        const { id } = cliJson<{ id: string }>(await gpuaas(token, ...approve));
        cliJson(await gpuaas(token, 'ops', 'apps', 'publish', id, ...flags, '--output', 'json'));
      },
      async signedInPage(user, path) {
        const page = await (await consoleContext(browser)).newPage();
        await signIn(page, url + path, user.email, user.password);
        return page;
      },
      expireSession: (page, path, submit) => expireSessionOn(page, url, path, submit),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
