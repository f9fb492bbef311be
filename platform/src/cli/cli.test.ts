import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { createTestStore, testDialects } from '@gpuaas/test-support';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import type { PlatformCliIo } from './main.js';

const dialects = await testDialects('gpuaas-platform CLI');

function fakeIo(signal?: AbortSignal) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const io: PlatformCliIo = {
    stdout,
    stderr,
    env: { VITEST: 'true' },
    ...(signal === undefined ? {} : { signal }),
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

const run = (args: string[], signal?: AbortSignal) => {
  const io = fakeIo(signal);
  return { io, done: main(['node', 'gpuaas-platform', ...args], io.io) };
};

async function until<T>(probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('gpuaas-platform usage errors', () => {
  it.each([
    [['token', '--data-dir', '/tmp/x'], 2, /required option '--user <email>'/],
    [
      ['token', '--usr', 'a@b.c', '--data-dir', '/tmp/x'],
      2,
      /unknown option '--usr'\s*\(Did you mean --user\?\)/,
    ],
    [['users', 'add', '--emial', 'a@b.c'], 2, /unknown option '--emial'\s*\(Did you mean --email\?\)/],
    [['token', '--user', 'not-an-email', '--data-dir', '/tmp/x'], 2, /error\[VALIDATION_FAILED\]/],
    [
      ['token', '--user', 'a@b.c', '--project', 'Bad Name', '--data-dir', '/tmp/x'],
      2,
      /error\[VALIDATION_FAILED\]/,
    ],
    [
      ['token', '--user', 'a@b.c', '--database-url', 'mysql://h/db', '--data-dir', '/tmp/x'],
      2,
      /error\[CONFIG_INVALID\]/,
    ],
    [['serve', '--port', '70000'], 2, /must be 0-65535/],
    [['serve', '--simulate', '2by8', '--data-dir', '/tmp/x'], 2, /--simulate "2by8" must look like 2x8/],
    [
      ['serve', '--sandbox', 'docker', '--data-dir', '/tmp/x'],
      2,
      /--sandbox must be auto, bubblewrap or none/,
    ],
    [
      ['serve', '--app-trust-policy', '/nonexistent/policy.yaml', '--data-dir', '/tmp/x'],
      2,
      /error\[CONFIG_INVALID\]: --app-trust-policy: trust policy \/nonexistent\/policy.yaml does not exist/,
    ],
    [
      ['serve', '--sigstore-trusted-root', '/nonexistent/trusted_root.json', '--data-dir', '/tmp/x'],
      2,
      /error\[CONFIG_INVALID\]: --sigstore-trusted-root: .*no such file/i,
    ],
    [
      ['serve', '--sigstore-trusted-root', fileURLToPath(import.meta.url), '--data-dir', '/tmp/x'],
      2,
      /error\[CONFIG_INVALID\]: --sigstore-trusted-root: .* is not a Sigstore trusted root/,
    ],
    [['nonsense'], 2, /unknown command/],
  ])('%j exits %i', async (args, code, message) => {
    const { io, done } = run(args);
    expect(await done).toBe(code);
    expect(io.stderr()).toMatch(message);
  });

  it('prints help and exits 0', async () => {
    const { io, done } = run(['--help']);
    expect(await done).toBe(0);
    expect(io.stdout()).toContain('serve');
    expect(io.stdout()).toContain('token');
  });
});

describe.each(dialects)('gpuaas-platform token and serve on %s', (dialect) => {
  it('mints a token the running server accepts, creating user and project once', async () => {
    const store = await createTestStore(dialect);
    const db = store.databaseUrl === undefined ? [] : ['--database-url', store.databaseUrl];
    const controller = new AbortController();
    try {
      const server = run(
        ['serve', '--port', '0', '--data-dir', store.dataDir, '--json', ...db],
        controller.signal,
      );
      const { url } = await until(() => {
        const text = server.io.stdout();
        return text.includes('}') ? (JSON.parse(text) as { url: string }) : undefined;
      });
      expect((await fetch(`${url}/readyz`)).status).toBe(200);

      const args = [
        'token',
        '--data-dir',
        store.dataDir,
        '--user',
        'cli@example.com',
        '--project',
        'demo',
        '--json',
        ...db,
      ];
      const first = run(args);
      expect(await first.done).toBe(0);
      const issued = JSON.parse(first.io.stdout()) as {
        access_token: string;
        project_id: string;
        user_id: string;
        issuer: string;
      };
      expect(issued.issuer).toBe(url);
      const again = run(args);
      expect(await again.done).toBe(0);
      const second = JSON.parse(again.io.stdout()) as typeof issued;
      expect([second.user_id, second.project_id]).toEqual([issued.user_id, issued.project_id]);

      const res = await fetch(`${url}/v1/projects/${issued.project_id}`, {
        headers: { authorization: `Bearer ${issued.access_token}` },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ name: 'demo', role: 'owner' });

      const plain = run([
        'token',
        '--data-dir',
        store.dataDir,
        '--user',
        'ops@example.com',
        '--operator',
        ...db,
      ]);
      expect(await plain.done).toBe(0);
      const me = await fetch(`${url}/v1/users/me`, {
        headers: { authorization: `Bearer ${plain.io.stdout().trim()}` },
      });
      expect(await me.json()).toMatchObject({ email: 'ops@example.com', operator: true });

      controller.abort();
      expect(await server.done).toBe(0);
      expect(server.io.stderr()).toContain('shutting down');
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      controller.abort();
      await store.drop();
    }
  });
});

describe('gpuaas-platform serve on a port in use', () => {
  it('stops with PORT_IN_USE (exit 2) and says how to pick another port', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    const store = await createTestStore('sqlite');
    try {
      const server = run(['serve', '--port', String(port), '--data-dir', store.dataDir, '--json']);
      expect(await server.done).toBe(2);
      expect(server.io.stderr()).toContain(
        `error[PORT_IN_USE]: 127.0.0.1:${port} is in use by another process`,
      );
      expect(server.io.stderr()).toMatch(/hint: choose another port with --port N .*GPUAAS_PORT=N/);
      expect(JSON.parse(server.io.stdout())).toMatchObject({ error: { code: 'PORT_IN_USE' } });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
      await store.drop();
    }
  });
});

describe('the built bin', () => {
  const bin = fileURLToPath(new URL('../../bin/gpuaas-platform.js', import.meta.url));
  const dist = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

  it('serves on an ephemeral port, prints the URL and stops cleanly on SIGTERM', async () => {
    expect(existsSync(dist), 'platform/dist is missing: run `npx tsc --build` first').toBe(true);
    const store = await createTestStore('sqlite');
    try {
      const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', store.dataDir], {
        env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const url = await until(() => /listening on (http:\/\/\S+)/.exec(out)?.[1]);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(err).toContain('shutting down');
    } finally {
      await store.drop();
    }
  });
});
