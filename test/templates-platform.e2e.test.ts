/**
 * Every template and example, the way a developer and a tenant use them, through the platform:
 * `gpuaas-app init` (examples: copied) into a folder outside this repository → `gpuaas-app keygen`
 * → `gpuaas-app publish` to a real Distribution registry → `gpuaas app launch --wait` into a
 * running allocation of `gpuaas-platform serve` (bubblewrap sandbox, read-only unpacked artifact,
 * tenant uid, no network but the runtime's tunnel) → ready (services) or done (jobs) → stop →
 * the runtime's own usage recorded by the platform. All commands are the built bins as child
 * processes. This is the test that `gpuaas-app dev` alone could not be: it once passed while
 * every Python template failed in an allocation (the install hook wrote into the read-only tree).
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, keyTrustPolicy, requireTools, startRegistry } from '@gpuaas/test-support';
import type { TestRegistry, TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  gpuaasAppBin,
  gpuaasBin,
  repoRoot,
  run,
  runCommand,
  runPlatform,
  startServer,
  until,
  SANDBOXED_NODE,
} from './support/processes.js';
import type { RunResult, TestServer } from './support/processes.js';

const tools = requireTools(
  'templates through the platform (registry, sandbox)',
  'docker-registry',
  'bwrap',
  'python3',
);

interface Case {
  name: string;
  /** A template name for `gpuaas-app init`, or an example folder to copy. */
  template?: string;
  example?: string;
  kind: 'service' | 'job';
  /** `npm install && npm run build` before publishing (the artifact carries what it runs). */
  build?: boolean;
}

const CASES: Case[] = [
  { name: 'py-inference', template: 'python-inference', kind: 'service' },
  { name: 'console-ext', template: 'console-extension', kind: 'service' },
  { name: 'batch', template: 'batch-job', kind: 'job' },
  { name: 'ts-service', template: 'typescript-service', kind: 'service', build: true },
  { name: 'echo-llm', example: 'echo-llm', kind: 'service' },
  { name: 'image-batch', example: 'image-batch', kind: 'job' },
];

interface AppStatus {
  state: string;
  reason?: string | null;
  digest?: string;
}

describe.skipIf(!tools)('every template and example launched through the platform', () => {
  let work: string;
  let registry: TestRegistry;
  let store: TestStore;
  let server: TestServer;
  let token: string;
  let allocation: string;
  const env = (): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: join(work, 'home'),
    XDG_CONFIG_HOME: join(work, 'home'),
    GPUAAS_API_URL: server.url,
    GPUAAS_TOKEN: token,
    CI: 'true',
  });
  const gpuaas = (args: string[]): Promise<RunResult> => run(gpuaasBin, args, env());
  const gpuaasApp = (args: string[]): Promise<RunResult> => run(gpuaasAppBin, args, env());
  const status = async (): Promise<AppStatus> => {
    const r = await gpuaas(['app', 'status', allocation, '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as AppStatus;
  };
  const usage = async (): Promise<Record<string, string>> => {
    const res = await fetch(`${server.url}/v1/allocations/${allocation}/usage`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as { meters?: { meter: string; origin: string; quantity: string }[] };
    expect(res.status, JSON.stringify(body)).toBe(200);
    const out: Record<string, string> = {};
    for (const m of body.meters ?? []) out[`${m.origin}:${m.meter}`] = m.quantity;
    return out;
  };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'gpuaas-templates-platform-'));
    await mkdir(join(work, 'home'));
    registry = await startRegistry();
    const keygen = await run(gpuaasAppBin, ['keygen', '--out', join(work, 'keys', 'acme')], {
      PATH: process.env.PATH,
      HOME: join(work, 'home'),
    });
    expect(keygen.code, keygen.stderr).toBe(0);
    const policyFile = join(work, 'trust-policy.yaml');
    await writeFile(
      policyFile,
      keyTrustPolicy({
        authority: 'acme',
        publicKeyPem: await readFile(join(work, 'keys', 'acme.pub'), 'utf8'),
        scopes: [`${registry.host}/acme/**`],
      }),
    );
    store = await createTestStore('sqlite', { pathLength: 200 });
    server = await startServer(store, [...SANDBOXED_NODE, '--app-trust-policy', policyFile]);
    const minted = await runPlatform(store, ['token', '--user', 'dev@example.com', '--project', 'apps']);
    expect(minted.code, minted.stderr).toBe(0);
    token = minted.stdout.trim();
    const created = await gpuaas([
      'allocations',
      'create',
      '--gpus',
      '1',
      '--project',
      'apps',
      '--wait',
      '--output',
      'json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    allocation = (JSON.parse(created.stdout) as { id: string }).id;
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await store?.drop();
    await registry?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it.each(CASES)(
    '$name: scaffolded outside the repository, published, launched into the sandbox, stopped, metered',
    async ({ name, template, example, kind, build }) => {
      const dir = join(work, 'apps', name);
      if (template !== undefined) {
        const init = await gpuaasApp([
          'init',
          dir,
          '--template',
          template,
          '--name',
          name,
          '--publisher',
          'acme',
          '--yes',
        ]);
        expect(init.code, init.stderr).toBe(0);
      } else {
        await cp(join(repoRoot, 'examples', example ?? ''), dir, { recursive: true });
      }
      if (build === true) {
        for (const args of [
          ['install', '--no-audit', '--no-fund'],
          ['run', 'build'],
        ]) {
          const r = await runCommand('npm', args, {
            cwd: dir,
            env: { ...process.env, HOME: join(work, 'home') },
          });
          expect(r.code, `npm ${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
        }
      }
      const validated = await gpuaasApp(['validate', dir]);
      expect(validated.code, validated.stdout + validated.stderr).toBe(0);
      const ref = `${registry.host}/acme/${name}:0.1.0`;
      const published = await gpuaasApp([
        'publish',
        dir,
        '--to',
        ref,
        '--key',
        join(work, 'keys', 'acme.key'),
        '--json',
      ]);
      expect(published.code, published.stderr).toBe(0);
      const digest = (JSON.parse(published.stdout) as { digest: string }).digest;
      const before = await usage();
      // Whatever happens, the allocation is free for the next app.
      onTestFinished(async () => {
        await gpuaas(['app', 'stop', allocation]);
      });

      if (kind === 'service') {
        const launched = await gpuaas([
          'app',
          'launch',
          allocation,
          '--artifact',
          ref,
          '--wait',
          '--output',
          'json',
        ]);
        expect(launched.code, `${launched.stdout}\n${launched.stderr}`).toBe(0);
        expect(JSON.parse(launched.stdout), launched.stdout).toMatchObject({
          state: 'ready',
          app: { digest },
        });
      } else {
        const launched = await gpuaas(['app', 'launch', allocation, '--artifact', ref, '--output', 'json']);
        expect(launched.code, `${launched.stdout}\n${launched.stderr}`).toBe(0);
        // A job ends by itself: stopped, because it exited 0.
        const done = await until(
          async () => {
            const s = await status();
            if (s.state === 'failed') throw new Error(`${name} failed: ${s.reason ?? ''}`);
            return s.state === 'stopped' ? s : undefined;
          },
          { timeoutMs: 60_000 },
        );
        expect(done.reason).toBe('exited');
      }
      const logs = await gpuaas(['app', 'logs', allocation, '--stderr']);
      expect(logs.stdout).not.toMatch(/PermissionError|Read-only file system|EACCES/);
      const stopped = await gpuaas(['app', 'stop', allocation, '--output', 'json']);
      expect(stopped.code, stopped.stderr).toBe(0);
      expect((JSON.parse(stopped.stdout) as AppStatus).state).toBe('stopped');
      // The runtime's own meter reaches the platform through its tunnel, counted from ready.
      await until(
        async () => {
          const after = await usage();
          const key = 'runtime:app_seconds';
          return Number(after[key] ?? 0) > Number(before[key] ?? 0) ? after : undefined;
        },
        { timeoutMs: 30_000, what: `${name}'s app_seconds` },
      );
    },
    120_000,
  );
});
