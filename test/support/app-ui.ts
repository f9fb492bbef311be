/**
 * An app instance with a console UI extension behind a real platform, for the UI-extension tests
 * (test/app-ui*.test.ts): an app written by the test (node:http on 127.0.0.1, recording every
 * request it receives), a real runtime server relaying to it (its endpoint routes over a Unix
 * socket, WITHOUT the bubblewrap sandbox: the sandbox adds nothing to what is tested here and takes
 * seconds per launch), and an in-process platform whose allocations point at that runtime. Two
 * tenants: project `apps` (member, viewer, the allocation `a`) and project `elsewhere` (its own
 * member and allocation `b`).
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { createPlatform, isoTime, main as platformMain, newId } from '@gpuaas/platform';
import type { Platform, PlatformOptions } from '@gpuaas/platform';
import { endpointRoutes, startRuntimeServer } from '@gpuaas/runtime';
import type { RuntimeServer } from '@gpuaas/runtime';
import { createTestStore } from '@gpuaas/test-support';
import type { TestDialect, TestStore } from '@gpuaas/test-support';
import { pino } from 'pino';
import { WebSocketServer } from 'ws';

const SECRET = 'app-ui-runtime-secret-0123456789';

export interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
}

export interface Minted {
  token: string;
  userId: string;
  projectId: string;
}

export interface UiFixture {
  platform: Platform;
  /** Where the test reaches the platform (always 127.0.0.1). */
  url: string;
  port: number;
  store: TestStore;
  /** Allocation ids: `a` in project apps, `b` in project elsewhere. */
  a: string;
  b: string;
  member: Minted;
  /** Owner of `apps` (created it). */
  viewer: Minted;
  /** A plain member of `apps`. */
  member2: Minted;
  other: Minted;
  /** Every request the app received. */
  seen: Seen[];
  /** An HTTP request to 127.0.0.1 with the given Host (Node cannot resolve `*.apps.localhost`). */
  hostRequest(
    host: string,
    path: string,
    init?: { method?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>;
  /** `host:port` of allocation `id`'s instance origin. */
  instanceHost(id: string): string;
  close(): Promise<void>;
}

export interface UiFixtureOptions {
  dialect: TestDialect;
  /** The platform's public host (e.g. `platform.example.com`); default: the loopback URL it listens on. */
  publicHost?: string;
  /** The HTML the app serves at `/ui/` (its UI extension's page). */
  page?: string;
  /** The platform's rate limits (default: the production defaults). */
  rateLimit?: PlatformOptions['rateLimit'];
}

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export async function startUiFixture(options: UiFixtureOptions): Promise<UiFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'gpuaas-app-ui-'));
  const seen: Seen[] = [];
  const app: Server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (req.url === '/ui/' || req.url?.startsWith('/ui/?') === true) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-frame-options': 'DENY' });
      res.end(options.page ?? '<!doctype html><title>UI</title><p>dashboard</p>');
    } else if (req.url?.startsWith('/echo') === true) {
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'app=1; Path=/' });
      res.end(JSON.stringify({ url: req.url, headers: req.headers }));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('app: not found');
    }
  });
  const wss = new WebSocketServer({ server: app });
  wss.on('connection', (socket, req) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    socket.on('message', (data: Buffer) => socket.send(`echo: ${data.toString()}`));
  });
  app.listen(0, '127.0.0.1');
  await once(app, 'listening');
  const appPort = (app.address() as AddressInfo).port;
  const manifest: GpuaasAppManifest = {
    apiVersion: 'gpuaas.dev/v1alpha1',
    name: 'ui-test',
    version: '1.0.0',
    publisher: 'gpuaas-tests',
    run: { entrypoint: ['true'] },
    resources: { minimum: { gpus: { count: 0 } } },
    endpoints: [
      { name: 'api', port: appPort },
      { name: 'ui', port: appPort, ui: { title: 'Dashboard', path: '/ui/' } },
    ],
  };
  const logger = pino({ level: 'silent' });
  const runtime: RuntimeServer = await startRuntimeServer({
    socketPath: join(dir, 'rt.sock'),
    secret: SECRET,
    logger,
    routes: endpointRoutes({ instance: () => ({ state: 'ready', manifest }), logger }),
  });
  const store = await createTestStore(options.dialect);
  const port = options.publicHost === undefined ? 0 : await freePort();
  const publicUrl = options.publicHost === undefined ? undefined : `http://${options.publicHost}:${port}`;
  const platform = await createPlatform({
    dataDir: store.dataDir,
    databaseUrl: store.databaseUrl,
    log: { level: 'silent' },
    defaultMetrics: false,
    localNode: false,
    ...(publicUrl === undefined ? {} : { publicUrl }),
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
  });
  const { url } = await platform.listen({ port });
  const listening = Number(new URL(url).port);

  const mint = async (email: string, project: string, role?: string): Promise<Minted> => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    const args = ['token', '--user', email, '--project', project, '--json', '--data-dir', store.dataDir];
    if (store.databaseUrl !== undefined) args.push('--database-url', store.databaseUrl);
    args.push('--public-url', platform.issuer);
    if (role !== undefined) args.push('--role', role);
    const code = await platformMain(['node', 'gpuaas-platform', ...args], {
      stdout,
      stderr: new PassThrough(),
      env: {},
    });
    if (code !== 0) throw new Error(`token ${email}: exit ${code}`);
    const minted = JSON.parse(out) as { access_token: string; user_id: string; project_id: string };
    return { token: minted.access_token, userId: minted.user_id, projectId: minted.project_id };
  };
  const member = await mint('member@example.com', 'apps');
  const viewer = await mint('viewer@example.com', 'apps', 'viewer');
  const member2 = await mint('member2@example.com', 'apps', 'member');
  const other = await mint('other@example.com', 'elsewhere');

  const allocation = async (projectId: string, createdBy: string): Promise<string> => {
    const id = newId();
    const now = isoTime();
    await platform.db
      .insertInto('allocations')
      .values({
        id,
        project_id: projectId,
        name: null,
        created_by: createdBy,
        state: 'running',
        state_reason: 'test',
        pending_reason: null,
        pending_message: null,
        priority: 0,
        gpu_count: 1,
        models: '[]',
        min_memory_mib: null,
        topology: 'node',
        node_id: null,
        gpus: '[]',
        ttl_seconds: null,
        expires_at: null,
        idle_timeout_seconds: null,
        last_activity_at: null,
        provisioning_deadline: null,
        endpoint: `unix:${runtime.socketPath}`,
        runtime_secret: SECRET,
        torn_down: 0,
        released_at: null,
        created_at: now,
        updated_at: now,
        version: 1,
      })
      .execute();
    return id;
  };
  const a = await allocation(member.projectId, member.userId);
  const b = await allocation(other.projectId, other.userId);
  // A's launch: the tenant granted its account audit:read (an owner's right, not a member's) and
  // the runtime's own usage:write; the app's UI token carries only what the user may do too.
  const account = newId();
  await platform.db
    .insertInto('service_accounts')
    .values({
      id: account,
      project_id: member.projectId,
      name: `launch-${account.slice(-12)}`,
      scopes: 'allocations:read audit:read usage:write',
      secret_hash: 'unused',
      created_by: member.userId,
      created_at: isoTime(),
      revoked_at: null,
      secret_rotated_at: null,
      allocation_id: a,
    })
    .execute();
  await platform.db
    .insertInto('app_launches')
    .values({
      id: newId(),
      allocation_id: a,
      project_id: member.projectId,
      version_id: null,
      reference: '127.0.0.1:5000/acme/ui-test:1.0.0',
      digest: '',
      service_account_id: account,
      launched_by: member.userId,
      launched_at: isoTime(),
      ended_at: null,
      pricing: null,
    })
    .execute();

  const domain = options.publicHost === undefined ? 'apps.localhost' : `apps.${options.publicHost}`;
  return {
    platform,
    url,
    port: listening,
    store,
    a,
    b,
    member,
    viewer,
    member2,
    other,
    seen,
    instanceHost: (id) => `${id}.${domain}:${listening}`,
    hostRequest(host, path, init = {}) {
      return new Promise((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: listening,
            path,
            method: init.method ?? 'GET',
            headers: { ...init.headers, host },
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    },
    async close() {
      await platform.close({ graceMs: 500 });
      await runtime.close();
      wss.close();
      app.closeAllConnections();
      await new Promise<void>((resolve) => app.close(() => resolve()));
      await store.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
