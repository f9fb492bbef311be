/**
 * The shipped templates, as an app author gets them from `gpuaas-app init`: each scaffolds into a
 * valid app, and each one's code actually runs (Python) or type-checks (TypeScript).
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '@gpuaas/test-support';
import { startFakeRuntime } from '../app/fake-runtime.js';
import { PYTHON_HELPER_FILE, pythonHelperPath } from '../pack/python-helper.js';
import { listTemplates, scaffoldTemplate, type ScaffoldResult } from './index.js';
import { checkManifest, freePort, request, startProcess, waitForHealthy } from './app-harness.test.util.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'gpuaas-template-content-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const values = { name: 'demo-app', publisher: 'acme-ai', displayName: 'Demo "App" <1>' };
const templateNames = (await listTemplates()).map((t) => t.name);
const scaffolded = new Map<string, ScaffoldResult>();
beforeAll(async () => {
  for (const template of templateNames) {
    scaffolded.set(template, await scaffoldTemplate({ template, dir: join(work, template), ...values }));
  }
});
const appDir = (template: string): string => scaffolded.get(template)?.dir ?? '';
const read = (template: string, file: string): string => readFileSync(join(appDir(template), file), 'utf8');

describe.each(templateNames)('template %s', (template) => {
  it('scaffolds into an app whose manifest validates, with every placeholder filled', async () => {
    const check = await checkManifest(join(appDir(template), 'gpuaas-app.yaml'));
    expect(check.errors).toEqual([]);
    expect(check.value).toMatchObject({ name: values.name, publisher: values.publisher });
    expect(check.value.displayName).toBe(values.displayName);
    for (const file of scaffolded.get(template)?.files ?? []) {
      // vendor/ holds packed tarballs, not rendered text.
      if (file.startsWith('vendor/')) continue;
      expect(read(template, file), file).not.toMatch(/(?<!\$)\{\{/);
    }
    expect(existsSync(join(appDir(template), 'template.json'))).toBe(false);
    expect(existsSync(join(appDir(template), '.gitignore'))).toBe(true);
  });

  it('has a README that says what it is, how to run it, validate it and publish it', () => {
    const readme = read(template, 'README.md');
    expect(readme).toContain(`# ${values.displayName}`);
    expect(readme).toMatch(/## Run it locally/);
    expect(readme).toContain('npx gpuaas-app validate');
    expect(readme).toMatch(/npx gpuaas-app publish --to \S+ --key \S+/);
  });

  it('has a publish workflow: Node 24, validate --format github, publish with the signing key secret', () => {
    const workflow = read(template, '.github/workflows/publish.yml');
    expect(workflow).toContain('uses: actions/checkout@');
    expect(workflow).toMatch(/uses: actions\/setup-node@v\d+\n\s+with:\n\s+node-version: 24/);
    expect(workflow).toContain('npx gpuaas-app validate --format github');
    expect(workflow).toContain('npx gpuaas-app publish --to "$GPUAAS_PUBLISH_TO" --json');
    expect(workflow).toContain('GPUAAS_SIGNING_KEY: ${{ secrets.GPUAAS_SIGNING_KEY }}');
    expect(workflow.indexOf('validate --format github')).toBeLessThan(workflow.indexOf('publish --to'));
  });

  it('keeps its scripts executable', () => {
    for (const file of scaffolded.get(template)?.files ?? []) {
      if (!/\.py$/.test(file) || file === PYTHON_HELPER_FILE) continue;
      if (read(template, file).startsWith('#!')) {
        expect(statSync(join(appDir(template), file)).mode & 0o111, file).not.toBe(0);
      }
    }
  });
});

describe('the Python runtime helper', () => {
  it('has one source, in the sdk: no template or example carries a copy', () => {
    const copies = ['templates', 'examples']
      .flatMap((top) =>
        readdirSync(join(repoRoot, top)).map((dir) => join(repoRoot, top, dir, PYTHON_HELPER_FILE)),
      )
      .filter((path) => existsSync(path));
    expect(copies).toEqual([]);
    expect(readFileSync(pythonHelperPath(), 'utf8')).toContain('def meter(');
  });

  it.each(['batch-job', 'console-extension', 'python-inference'])(
    'is copied into an app made from %s, identical to the source',
    (template) => {
      expect(scaffolded.get(template)?.files).toContain(PYTHON_HELPER_FILE);
      expect(
        readFileSync(join(appDir(template), PYTHON_HELPER_FILE)).equals(readFileSync(pythonHelperPath())),
      ).toBe(true);
    },
  );

  it('is not copied into the TypeScript app', () => {
    expect(existsSync(join(appDir('typescript-service'), PYTHON_HELPER_FILE))).toBe(false);
  });
});

const hasPython = requireTools('python templates', 'python3');

describe.skipIf(!hasPython)('the Python runtime helper against a flaky runtime', () => {
  const script = [
    'import json, gpuaas_runtime as r',
    'try:',
    '    print(json.dumps(r.meter("tokens", 3)))',
    'except r.RuntimeRejected as e:',
    '    print(json.dumps({"rejected": e.code, "status": e.status}))',
  ].join('\n');

  it('retries a dropped connection and a 503 with one event id, and maps a refusal to RuntimeRejected', async () => {
    const bodies: { id?: string }[] = [];
    let refuse = false;
    const server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        bodies.push(JSON.parse(text) as { id?: string });
        if (refuse) {
          res.writeHead(400, { 'content-type': 'application/problem+json' });
          res.end(JSON.stringify({ code: 'METER_UNKNOWN', detail: 'not declared' }));
        } else if (bodies.length === 1) {
          res.socket?.destroy();
        } else if (bodies.length === 2) {
          res.writeHead(503).end();
        } else {
          res.writeHead(202, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ accepted: true, id: bodies.at(-1)?.id }));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const python = (): Promise<{ stdout: string }> =>
      promisify(execFile)('python3', ['-c', script], {
        cwd: appDir('batch-job'),
        env: { ...process.env, GPUAAS_RUNTIME_URL: url, PYTHONDONTWRITEBYTECODE: '1' },
      });
    try {
      const accepted = JSON.parse((await python()).stdout) as { accepted: boolean; id: string };
      expect(bodies).toHaveLength(3);
      expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
      expect(accepted).toEqual({ accepted: true, id: bodies[0]?.id });
      refuse = true;
      expect(JSON.parse((await python()).stdout)).toEqual({ rejected: 'METER_UNKNOWN', status: 400 });
      expect(bodies).toHaveLength(4);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe.skipIf(!hasPython)('python templates run against a fake runtime', () => {
  it('python-inference serves /healthz, generates tokens and meters them', async () => {
    const runtime = await startFakeRuntime({ meters: ['tokens'] });
    const port = await freePort();
    const app = startProcess('python3', ['server.py'], appDir('python-inference'), {
      PORT: String(port),
      GPUAAS_RUNTIME_URL: runtime.url,
    });
    try {
      await waitForHealthy(`http://127.0.0.1:${port}/healthz`, app);
      const answer = await request(`http://127.0.0.1:${port}/v1/generate`, 'POST', {
        prompt: 'hi',
        max_tokens: 7,
      });
      expect(answer.status).toBe(200);
      const body = JSON.parse(answer.body) as { tokens: string[]; usage: { tokens: number } };
      expect(body.tokens).toHaveLength(7);
      expect(body.usage.tokens).toBe(7);
      const again = await request(`http://127.0.0.1:${port}/v1/generate`, 'POST', {
        prompt: 'hi',
        max_tokens: 7,
      });
      expect(JSON.parse(again.body)).toEqual(body); // the toy model is deterministic
      await runtime.waitFor((r) => r.meters.length === 2);
      expect(runtime.total('tokens')).toBe(14);
      expect(new Set(runtime.meters.map((m) => m.id)).size).toBe(2);
      expect(runtime.readyCalls).toBe(1);
      const bad = await request(`http://127.0.0.1:${port}/v1/generate`, 'POST', {
        prompt: 'x',
        max_tokens: 0,
      });
      expect(bad.status).toBe(400);
    } finally {
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
      await runtime.close();
    }
  });

  it('python-inference answers 503 when the runtime refuses the meter', async () => {
    const runtime = await startFakeRuntime({ meters: ['other'] });
    const port = await freePort();
    const app = startProcess('python3', ['server.py'], appDir('python-inference'), {
      PORT: String(port),
      GPUAAS_RUNTIME_URL: runtime.url,
    });
    try {
      await waitForHealthy(`http://127.0.0.1:${port}/healthz`, app);
      const answer = await request(`http://127.0.0.1:${port}/v1/generate`, 'POST', { prompt: 'hi' });
      expect(answer.status).toBe(503);
      expect(app.output()).toContain('METER_UNKNOWN');
    } finally {
      app.child.kill('SIGTERM');
      await app.exited;
      await runtime.close();
    }
  });

  it('python-inference configure hook refuses an out-of-range max_tokens', async () => {
    const run = promisify(execFile);
    const ok = await run('python3', ['configure.py'], {
      cwd: appDir('python-inference'),
      env: { ...process.env, GPUAAS_PARAM_MAX_TOKENS: '32' },
    });
    expect(ok.stdout).toContain('max_tokens=32');
    const error = await run('python3', ['configure.py'], {
      cwd: appDir('python-inference'),
      env: { ...process.env, GPUAAS_PARAM_MAX_TOKENS: '9999' },
    }).catch((e: unknown) => e as { code: number; stderr: string });
    expect(error).toMatchObject({ code: 1, stderr: expect.stringContaining('outside 1..512') as unknown });
  });

  it('batch-job runs to completion over a unix socket, reporting progress and metering items', async () => {
    const runtime = await startFakeRuntime({ meters: ['items'], socketPath: join(work, 'runtime.sock') });
    const app = startProcess('python3', ['job.py'], appDir('batch-job'), {
      GPUAAS_RUNTIME_URL: runtime.url,
      GPUAAS_PARAM_ITEMS: '7',
      GPUAAS_PARAM_BATCH_SIZE: '3',
    });
    try {
      expect(await app.exited, app.output()).toBe(0);
      expect(runtime.total('items')).toBe(7);
      expect(runtime.meters.map((m) => m.quantity)).toEqual([3, 3, 1]);
      const progress = runtime.statuses.flatMap((s) => (s.progress === undefined ? [] : [s.progress]));
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(progress.at(-1)).toBe(1);
      expect(runtime.statuses.at(-1)?.message).toMatch(/done/);
      expect(app.output().match(/"item"/g)).toHaveLength(7);
    } finally {
      await runtime.close();
    }
  });

  it('batch-job runs without a runtime, printing one notice', async () => {
    const app = startProcess('python3', ['job.py'], appDir('batch-job'), {
      GPUAAS_RUNTIME_URL: '',
      GPUAAS_PARAM_ITEMS: '2',
    });
    expect(await app.exited).toBe(0);
    expect(app.output().match(/GPUAAS_RUNTIME_URL is not set/g)).toHaveLength(1);
  });

  it('console-extension serves the UI under /ui/ and a CORS-readable summary', async () => {
    const runtime = await startFakeRuntime();
    const port = await freePort();
    const app = startProcess('python3', ['server.py'], appDir('console-extension'), {
      PORT: String(port),
      GPUAAS_RUNTIME_URL: runtime.url,
    });
    try {
      await waitForHealthy(`http://127.0.0.1:${port}/healthz`, app);
      const page = await request(`http://127.0.0.1:${port}/ui/`);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toContain('<title>Demo &quot;App&quot; &lt;1&gt;</title>');
      const script = await request(`http://127.0.0.1:${port}/ui/app.js`);
      expect(script.status).toBe(200);
      const summary = await request(`http://127.0.0.1:${port}/api/summary`);
      expect(summary.headers['access-control-allow-origin']).toBe('*');
      expect(JSON.parse(summary.body)).toMatchObject({ pageViews: 1, app: values.name });
      expect((await request(`http://127.0.0.1:${port}/ui/../server.py`)).status).toBe(404);
      expect((await request(`http://127.0.0.1:${port}/ui/%2e%2e/server.py`)).status).toBe(404);
      expect(runtime.readyCalls).toBe(1);
    } finally {
      app.child.kill('SIGTERM');
      await app.exited;
      await runtime.close();
    }
  });
});

describe('typescript-service', () => {
  it('vendors the sdk, its contracts and the CLI as tarballs the package.json points at', () => {
    const dir = appDir('typescript-service');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    expect(pkg.name).toBe(values.name);
    expect(pkg.dependencies).toMatchObject({
      '@gpuaas/sdk': 'file:vendor/gpuaas-sdk-0.1.0.tgz',
      '@gpuaas/manifest-schema': 'file:vendor/gpuaas-manifest-schema-0.1.0.tgz',
      '@gpuaas/platform-contract': 'file:vendor/gpuaas-platform-contract-0.1.0.tgz',
    });
    // The CLI builds and publishes the app; a production install leaves it out.
    expect(pkg.devDependencies).toMatchObject({ '@gpuaas/cli': 'file:vendor/gpuaas-cli-0.1.0.tgz' });
    for (const spec of [...Object.values(pkg.dependencies ?? {}), pkg.devDependencies?.['@gpuaas/cli'] ?? ''])
      expect(existsSync(join(dir, spec.slice('file:'.length)))).toBe(true);
  });

  it('installs outside this repository (the npm registry and its vendor/ folder only) and builds', async () => {
    const dir = appDir('typescript-service');
    // A real install, as its user runs it: no link to this repository's node_modules.
    const npm = await promisify(execFile)('npm', ['install', '--no-audit', '--no-fund'], {
      cwd: dir,
    }).catch((e: unknown) => e as { stderr: string; code: number });
    expect('code' in npm ? npm.stderr : '').toBe('');
    expect(readFileSync(join(dir, 'node_modules/@gpuaas/sdk/package.json'), 'utf8')).toContain(
      '"@gpuaas/sdk"',
    );
    // `npx gpuaas-app validate` in the app's CI runs the vendored CLI.
    const cli = await promisify(execFile)(join(dir, 'node_modules/.bin/gpuaas-app'), ['--version'], {
      cwd: dir,
    });
    expect(cli.stdout.trim()).toBe('0.1.0');
    const build = await promisify(execFile)('npm', ['run', 'build'], { cwd: dir }).catch(
      (e: unknown) => e as { stdout: string; code: number },
    );
    expect('code' in build ? build.stdout : '').toBe('');
    expect(existsSync(join(dir, 'dist/server.js'))).toBe(true);
  }, 120_000);

  it('runs: meters requests and characters through @gpuaas/sdk/app', async () => {
    const dir = appDir('typescript-service');
    expect(existsSync(join(dir, 'dist/server.js')), 'built by the test above').toBe(true);
    const runtime = await startFakeRuntime({ meters: ['requests', 'characters'] });
    const port = await freePort();
    const app = startProcess(process.execPath, ['dist/server.js'], dir, {
      PORT: String(port),
      GPUAAS_RUNTIME_URL: runtime.url,
    });
    try {
      await waitForHealthy(`http://127.0.0.1:${port}/healthz`, app);
      const answer = await request(`http://127.0.0.1:${port}/v1/analyze`, 'POST', {
        text: 'hello GPU world',
      });
      expect(JSON.parse(answer.body)).toEqual({ words: 3, characters: 15 });
      await runtime.waitFor((r) => r.meters.length === 2 && r.statuses.length === 1);
      expect(runtime.total('requests')).toBe(1);
      expect(runtime.total('characters')).toBe(15);
      expect(runtime.readyCalls).toBe(1);
    } finally {
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
      await runtime.close();
    }
  });
});
