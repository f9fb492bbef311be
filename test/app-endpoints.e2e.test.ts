/**
 * An app's endpoints reached through the platform (issue 16): a test app that echoes what it
 * receives (headers included, so "the platform's credentials never reach the app" is checked on
 * the app's side) and the python-inference template, published to a real Distribution registry and
 * launched into a bubblewrap-sandboxed allocation of `gpuaas-platform serve`, then called at
 * `/v1/allocations/{id}/app/endpoints/{name}/…` with the tenants' bearer tokens: HTTP with bodies
 * both ways and a WebSocket echo (a stdlib Upgrade handler, no package needed in the sandbox).
 * Members reach it, viewers are refused (403), another project's user does not see it (404).
 * On SQLite and PostgreSQL.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestStore,
  keyTrustPolicy,
  requireTools,
  startRegistry,
  testDialects,
} from '@gpuaas/test-support';
import type { TestRegistry, TestStore } from '@gpuaas/test-support';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gpuaasAppBin,
  gpuaasBin,
  run,
  runPlatform,
  startServer,
  SANDBOXED_NODE,
} from './support/processes.js';
import type { RunResult, TestServer } from './support/processes.js';

const tools = requireTools(
  'app endpoints through the platform (registry, sandbox)',
  'docker-registry',
  'bwrap',
  'python3',
);

const MANIFEST = `apiVersion: gpuaas.dev/v1alpha1
name: echo-headers
version: 0.1.0
publisher: acme
run:
  entrypoint: [python3, -u, server.py]
resources:
  minimum:
    gpus: { count: 1 }
endpoints:
  - { name: api, port: 8000, protocol: http, path: / }
  - { name: raw, port: 9000, protocol: tcp }
health:
  readiness:
    http: { endpoint: api, path: /healthz }
    period: 1s
  stop: { gracePeriod: 2s }
`;

/** Echoes each request as JSON (and sets a cookie the relay must drop); WebSocket: echoes text frames. */
const SERVER = String.raw`import base64, hashlib, json, struct
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        if self.path == "/healthz":
            return self.send_text(200, b"ok")
        if self.headers.get("Upgrade", "").lower() == "websocket":
            return self.websocket()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8")
        doc = {"method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
        data = json.dumps(doc).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Set-Cookie", "app_session=from-the-app; Path=/")
        self.send_header("X-Echo", "yes")
        self.end_headers()
        self.wfile.write(data)

    def send_text(self, status, data):
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def websocket(self):
        key = self.headers["Sec-WebSocket-Key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", base64.b64encode(hashlib.sha1(key.encode()).digest()).decode())
        self.send_header("X-Saw-Authorization", "yes" if "Authorization" in self.headers else "no")
        self.end_headers()
        self.wfile.flush()
        while True:
            head = self.rfile.read(2)
            if len(head) < 2:
                return
            opcode, size = head[0] & 0x0F, head[1] & 0x7F
            if size == 126:
                size = struct.unpack(">H", self.rfile.read(2))[0]
            elif size == 127:
                size = struct.unpack(">Q", self.rfile.read(8))[0]
            mask = self.rfile.read(4) if head[1] & 0x80 else b"\0\0\0\0"
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(size)))
            if opcode == 8:
                self.wfile.write(b"\x88\x00")
                return
            reply = ("echo: " + payload.decode("utf-8")).encode("utf-8")
            self.wfile.write(bytes([0x81, len(reply)]) + reply)
            self.wfile.flush()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = answer

    def log_message(self, *args):
        pass

ThreadingHTTPServer(("127.0.0.1", 8000), Echo).serve_forever()
`;

interface Echoed {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

describe.skipIf(!tools).each(await testDialects('app endpoints e2e'))(
  "an app's endpoints through the platform on %s",
  (dialect) => {
    let work: string;
    let registry: TestRegistry;
    let store: TestStore;
    let server: TestServer;
    const tokens: Record<'member' | 'viewer' | 'other', string> = { member: '', viewer: '', other: '' };
    let allocation: string;
    const env = (): NodeJS.ProcessEnv => ({
      PATH: process.env.PATH,
      HOME: join(work, 'home'),
      XDG_CONFIG_HOME: join(work, 'home'),
      GPUAAS_API_URL: server.url,
      GPUAAS_TOKEN: tokens.member,
      CI: 'true',
    });
    const gpuaas = (args: string[]): Promise<RunResult> => run(gpuaasBin, args, env());
    const gpuaasApp = (args: string[]): Promise<RunResult> => run(gpuaasAppBin, args, env());
    const endpoint = (name: string, rest = '') =>
      `${server.url}/v1/allocations/${allocation}/app/endpoints/${name}${rest}`;
    const mint = async (user: string, project: string, role?: string) => {
      const minted = await runPlatform(store, [
        'token',
        '--user',
        user,
        '--project',
        project,
        ...(role === undefined ? [] : ['--role', role]),
      ]);
      expect(minted.code, minted.stderr).toBe(0);
      return minted.stdout.trim();
    };

    /** Publishes `dir` as acme/<name>:0.1.0 and launches it into the allocation until ready. */
    const launch = async (dir: string, name: string) => {
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
      expect(JSON.parse(launched.stdout)).toMatchObject({ state: 'ready' });
    };

    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'gpuaas-app-endpoints-'));
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
      store = await createTestStore(dialect, { pathLength: 200 });
      server = await startServer(store, [...SANDBOXED_NODE, '--app-trust-policy', policyFile]);
      tokens.member = await mint('member@example.com', 'apps');
      tokens.viewer = await mint('viewer@example.com', 'apps', 'viewer');
      tokens.other = await mint('other@example.com', 'elsewhere');
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
      const dir = join(work, 'apps', 'echo-headers');
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'gpuaas-app.yaml'), MANIFEST);
      await writeFile(join(dir, 'server.py'), SERVER);
      await launch(dir, 'echo-headers');
    }, 180_000);

    afterAll(async () => {
      await server?.stop();
      await store?.drop();
      await registry?.stop();
      await rm(work, { recursive: true, force: true });
    });

    it("relays a member's request to the app without the platform's credentials", async () => {
      const res = await fetch(endpoint('api', '/v1/things/7?full=true&tag=a%2Fb'), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokens.member}`,
          cookie: '_session=platform-session; _session.sig=abc',
          'x-forwarded-for': '203.0.113.66',
          'x-gpuaas-user': 'user:forged',
          'content-type': 'application/json',
          'x-custom': 'kept',
        },
        body: JSON.stringify({ prompt: 'hello' }),
      });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      const seen = JSON.parse(text) as Echoed;
      expect(seen).toMatchObject({
        method: 'POST',
        path: '/v1/things/7?full=true&tag=a%2Fb',
        body: '{"prompt":"hello"}',
      });
      // What the app received: none of the platform's credentials, the platform's own forwarding headers.
      expect(seen.headers.authorization).toBeUndefined();
      expect(seen.headers.cookie).toBeUndefined();
      expect(JSON.stringify(seen.headers)).not.toContain(tokens.member);
      expect(seen.headers['x-forwarded-for']).not.toContain('203.0.113.66');
      expect(seen.headers['x-gpuaas-user']).toMatch(/^user:(?!forged)/);
      expect(seen.headers['x-forwarded-prefix']).toBe(`/v1/allocations/${allocation}/app/endpoints/api`);
      expect(seen.headers['x-forwarded-proto']).toBe('http');
      expect(seen.headers['x-custom']).toBe('kept');
      // What the caller received: the app's headers, but no cookie on the platform's origin, and a sandbox CSP.
      expect(res.headers.get('x-echo')).toBe('yes');
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(res.headers.get('content-security-policy')).toMatch(/^sandbox/);
    });

    it("relays GET at the endpoint root and keeps the app's status", async () => {
      const res = await fetch(endpoint('api', '/healthz'), {
        headers: { authorization: `Bearer ${tokens.member}` },
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('ok');
      const root = await fetch(endpoint('api'), { headers: { authorization: `Bearer ${tokens.member}` } });
      expect(((await root.json()) as Echoed).path).toBe('/');
    });

    it.each([
      ['no token', undefined, 401, 'TOKEN_MISSING'],
      ['a viewer of the project', 'viewer', 403, 'FORBIDDEN'],
      ["another project's user", 'other', 404, 'NOT_FOUND'],
    ] as const)('refuses %s', async (_name, who, status, code) => {
      const res = await fetch(endpoint('api', '/x'), {
        headers: who === undefined ? {} : { authorization: `Bearer ${tokens[who]}` },
      });
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject({ code });
    });

    it('answers 404 for an endpoint the manifest does not declare for http, with the runtime code', async () => {
      for (const name of ['nope', 'raw']) {
        const res = await fetch(endpoint(name, '/'), {
          headers: { authorization: `Bearer ${tokens.member}` },
        });
        expect(res.status).toBe(404);
        expect(await res.json()).toMatchObject({ code: 'NOT_FOUND', runtime_code: 'APP_ENDPOINT_NOT_FOUND' });
      }
    });

    it('relays a WebSocket both ways, the bearer token not passed on', async () => {
      const ws = new WebSocket(endpoint('api', '/ws').replace(/^http/, 'ws'), {
        headers: { authorization: `Bearer ${tokens.member}` },
      });
      const saw = await new Promise<string | undefined>((resolve, reject) => {
        ws.once('upgrade', (res) => resolve(res.headers['x-saw-authorization'] as string | undefined));
        ws.once('error', reject);
      });
      await new Promise<void>((resolve) =>
        ws.readyState === WebSocket.OPEN ? resolve() : ws.once('open', () => resolve()),
      );
      expect(saw).toBe('no');
      const reply = new Promise<string>((resolve) =>
        ws.once('message', (data: Buffer) => resolve(data.toString())),
      );
      ws.send('hello app');
      expect(await reply).toBe('echo: hello app');
      ws.close();
    });

    it("refuses another project's user a WebSocket before upgrading", async () => {
      const ws = new WebSocket(endpoint('api', '/ws').replace(/^http/, 'ws'), {
        headers: { authorization: `Bearer ${tokens.other}` },
      });
      const status = await new Promise<number>((resolve) => {
        ws.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          res.resume();
        });
        ws.once('open', () => resolve(101));
      });
      expect(status).toBe(404);
    });

    it('reaches the python-inference template at POST /v1/generate; 409 APP_NOT_READY once stopped', async () => {
      const stopped = await gpuaas(['app', 'stop', allocation]);
      expect(stopped.code, stopped.stderr).toBe(0);
      const idle = await fetch(endpoint('api', '/healthz'), {
        headers: { authorization: `Bearer ${tokens.member}` },
      });
      expect(idle.status).toBe(409);
      expect(await idle.json()).toMatchObject({ code: 'APP_NOT_READY', runtime_code: 'APP_NOT_READY' });

      const dir = join(work, 'apps', 'py-inference');
      const init = await gpuaasApp([
        'init',
        dir,
        '--template',
        'python-inference',
        '--name',
        'py-inference',
        '--publisher',
        'acme',
        '--yes',
      ]);
      expect(init.code, init.stderr).toBe(0);
      await launch(dir, 'py-inference');
      const res = await fetch(endpoint('api', '/v1/generate'), {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.member}`, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'through the platform', max_tokens: 4 }),
      });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expect(JSON.parse(text)).toBeTypeOf('object');
    }, 120_000);
  },
);
