/**
 * Catalog fixtures for the tenant-side app tests: a real signed artifact pushed to the embedded
 * registry, its version row as registration leaves it, then approved (promotion into the release
 * namespace) and published through the operator API, as a tenant's catalog would get it.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKeyPair, loadSigningKey } from '@gpuaas/sdk';
import type { SigningKey } from '@gpuaas/sdk';
import type { TestDialect } from '@gpuaas/test-support';
import { startTestPlatform } from '../testing/harness.js';
import type { StartOptions, TestPlatform } from '../testing/harness.js';
import { insertPublisherKey, insertVersion, publishSigned } from './fixtures.test.util.js';

export interface CatalogFixture {
  t: TestPlatform;
  host: string;
  operator: string;
  publisherToken: string;
  publisherProjectId: string;
  key: SigningKey;
}

let seq = 0;

/** A project of `token`'s named `name`; its id. */
export async function createProject(t: TestPlatform, token: string, name: string): Promise<string> {
  const res = await t.request('/v1/projects', { method: 'POST', token, json: { name } });
  if (res.status !== 201) throw new Error(`project ${name}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/**
 * A platform with a publisher project `acme` (its member's token and a registered signing key),
 * an operator, and a tenant with its own project `tenant`.
 */
export async function startCatalogFixture(
  dialect: TestDialect,
  options: StartOptions = {},
): Promise<{ f: CatalogFixture; tenant: string; tenantProject: string }> {
  const t = await startTestPlatform(dialect, { rateLimit: { enabled: false }, ...options });
  const publisherToken = (await t.login('publisher@example.com')).token;
  const operator = (await t.login('ops@example.com', { operator: true })).token;
  const publisherProjectId = await createProject(t, publisherToken, 'acme');
  const key = await loadSigningKey((await generateSigningKeyPair()).privateKeyPem);
  await insertPublisherKey(t.platform.db, publisherProjectId, key);
  const tenant = (await t.login('tenant@example.com')).token;
  const tenantProject = await createProject(t, tenant, 'tenant');
  return {
    f: { t, host: new URL(t.url).host, operator, publisherToken, publisherProjectId, key },
    tenant,
    tenantProject,
  };
}

/** Posts an operator review action and fails loudly when it is refused. */
async function review(f: CatalogFixture, id: string, action: string, body?: unknown): Promise<void> {
  const res = await f.t.request(`/v1/apps/versions/${id}/${action}`, {
    method: 'POST',
    token: f.operator,
    ...(body === undefined ? {} : { json: body }),
    headers: { 'idempotency-key': `catalog-${action}-${id}-${seq++}` },
  });
  if (res.status !== 200) throw new Error(`${action} ${id}: ${res.status} ${await res.text()}`);
}

/** A version of `repository` approved for `scope` and (unless `publish: false`) published; its id. */
export async function catalogVersion(
  f: CatalogFixture,
  input: {
    repository: string;
    version: string;
    manifest: Record<string, unknown>;
    scope?: { scope: 'platform' | 'organization' | 'project'; scope_id?: string };
    publish?: boolean;
    /** The access chosen at publish (default: derived from the manifest's prices). */
    access?: 'free' | 'paid' | 'grant';
    deprecate?: boolean;
  },
): Promise<string> {
  const published = await publishSigned({
    host: f.host,
    token: f.publisherToken,
    repository: input.repository,
    tag: input.version,
    key: f.key,
    salt: `${input.repository}-${input.version}`,
  });
  const id = await insertVersion(f.t.platform.db, {
    projectId: f.publisherProjectId,
    registry: f.host,
    repository: input.repository,
    tag: input.version,
    digest: published.digest,
    version: input.version,
    signerKeyId: f.key.keyId,
    manifest: { version: input.version, ...input.manifest },
  });
  await review(f, id, 'approve', input.scope ?? { scope: 'platform' });
  if (input.publish !== false) {
    await review(f, id, 'publish', input.access === undefined ? undefined : { access: input.access });
  }
  if (input.deprecate === true) await review(f, id, 'deprecate', { reason: 'superseded' });
  return id;
}

/** A stand-in runtime that records the launches it is asked for (the real one is tested end to end elsewhere). */
export interface StandInLaunch {
  reference: string;
  parameters: Record<string, unknown>;
  trust_policy: string;
  registry_auth?: { username: string; password: string };
}

export interface StandInRuntime {
  endpoint: string;
  /** Every launch body it was sent, in order. */
  launches: StandInLaunch[];
  /** How many times it was asked to stop its app. */
  stops(): number;
  close: () => Promise<void>;
}

/**
 * Serves a stand-in runtime on a Unix socket, as a local node's runtime is reached: a TCP endpoint
 * is a remote node's, reached only over TLS pinned to the node's certificate
 * (allocations/runtime-tls.ts).
 */
export async function listenAsLocalRuntime(
  server: Server,
): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'stand-in-rt-'));
  const socketPath = join(dir, 'runtime.sock');
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    endpoint: `unix:${socketPath}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function standInRuntime(): Promise<StandInRuntime> {
  const launches: StandInLaunch[] = [];
  let stops = 0;
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.url?.startsWith('/v1/app/logs?') === true) {
        // Echoes the query as the first line, so a test sees which stream and tail reached the runtime.
        const query = new URL(req.url, 'http://runtime').searchParams;
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`${query.get('stream')} tail=${query.get('tail')} follow=${query.get('follow')}\nlast line`);
        return;
      }
      const launch = req.url === '/v1/app/launch';
      if (launch) launches.push(JSON.parse(text) as StandInLaunch);
      if (req.url === '/v1/app/stop') stops += 1;
      res.writeHead(launch ? 202 : 200, { 'content-type': 'application/json' });
      const state = launch ? 'fetching' : req.url === '/v1/app' ? 'ready' : 'stopped';
      res.end(JSON.stringify({ state, reason: null }));
    });
  });
  const { endpoint, close } = await listenAsLocalRuntime(server);
  return {
    endpoint,
    launches,
    stops: () => stops,
    close,
  };
}

/** A node with one H100 and a running allocation of `projectId` on it, whose runtime is `endpoint`. */
export async function runningAllocation(
  t: TestPlatform,
  operator: string,
  token: string,
  projectId: string,
  endpoint: string,
): Promise<string> {
  const node = (await (
    await t.request('/v1/nodes', {
      method: 'POST',
      token: operator,
      json: {
        name: `node-${seq++}`,
        agent_version: 'test',
        inventory: { gpus: [{ index: 0, model: 'NVIDIA H100 80GB HBM3', memory_mib: 81559 }] },
      },
    })
  ).json()) as { id: string };
  const allocation = await t.request('/v1/allocations', {
    method: 'POST',
    token,
    json: { project_id: projectId, gpus: { count: 1 } },
  });
  const id = ((await allocation.json()) as { id: string }).id;
  const beat = await t.request(`/v1/nodes/${node.id}/heartbeat`, {
    method: 'POST',
    token: operator,
    json: { allocations: [{ id, state: 'running', endpoint, runtime_secret: 'x'.repeat(32) }] },
  });
  if (beat.status !== 200) throw new Error(`heartbeat: ${beat.status} ${await beat.text()}`);
  return id;
}
