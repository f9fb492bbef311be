import { startHttpServer } from '@gpuaas/test-support';
import type { TestHttpServer } from '@gpuaas/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { SdkError } from '../errors.js';
import { ApiError } from './api-error.js';
import { parseVersionReference } from './app-registry.js';
import { createClient } from './resources.js';

const PROJECT = '0190a5b1-0000-7000-8000-000000000001';
const OTHER_PROJECT = '0190a5b1-0000-7000-8000-000000000002';
const DIGEST = `sha256:${'a'.repeat(64)}`;
const V1 = '0190a5b1-0000-7000-8000-0000000000a1';
const V2 = '0190a5b1-0000-7000-8000-0000000000a2';
const V7 = '0190a5b1-0000-7000-8000-0000000000a7';
const servers: TestHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

interface Seen {
  method: string;
  url: string;
  key: string | undefined;
  body: unknown;
}

function version(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    project_id: PROJECT,
    registry: 'platform.test:8080',
    repository: 'acme/llm',
    reference: `platform.test:8080/acme/llm@${DIGEST}`,
    tag: '1.0.0',
    digest: DIGEST,
    app: 'llm',
    version: '1.0.0',
    state: 'verified',
    signer_key_id: 'k'.repeat(64),
    errors: null,
    permissions: ['usage:write'],
    submitted_by: 'user:1',
    submitted_at: '2026-12-07T10:00:00.000Z',
    updated_at: '2026-12-07T10:00:00.000Z',
    reviewed_by: null,
    reviewed_at: null,
    reason: null,
    approval: null,
    release_reference: null,
    revoked_at: null,
    ...overrides,
  };
}

/**
 * A platform that answers the registry endpoints from fixed documents and records each request;
 * `versions` is what a version listing answers (two pages when it holds more than one).
 */
async function fakePlatform(versions: Record<string, unknown>[] = [version(V1)]) {
  const seen: Seen[] = [];
  const server = await startHttpServer((req, res) => {
    const text = req.body.toString('utf8');
    const { url } = req;
    seen.push({
      method: req.method,
      url: url.pathname + url.search,
      key: req.headers['idempotency-key'] as string | undefined,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
    });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const key = { id: 'pk1', project_id: PROJECT, key_id: 'b'.repeat(64), kind: 'key', name: 'ci' };
    const path = url.pathname;
    if (path === '/v1/projects') {
      json(200, { items: [{ id: PROJECT, name: 'acme' }], next_cursor: null });
    } else if (path === '/v1/apps/keys' && req.method === 'GET') {
      const second = url.searchParams.get('cursor') === 'p2';
      json(200, { items: [{ ...key, id: second ? 'pk2' : 'pk1' }], next_cursor: second ? null : 'p2' });
    } else if (path === '/v1/apps/keys') {
      json(201, key);
    } else if (path.endsWith('/retire')) {
      json(200, { ...key, retired_at: '2026-12-07T11:00:00.000Z' });
    } else if (path === '/v1/apps/versions' && req.method === 'GET') {
      const second = url.searchParams.get('cursor') === 'p2';
      const [first, ...rest] = versions;
      if (versions.length <= 1) json(200, { items: versions, next_cursor: null });
      else json(200, second ? { items: rest, next_cursor: null } : { items: [first], next_cursor: 'p2' });
    } else if (path === '/v1/apps/versions') {
      json(201, version('v9', { state: 'rejected', errors: [{ code: 'APP_SIGNER_UNKNOWN', message: 'x' }] }));
    } else if (path === '/v1/apps/trust') {
      json(200, { approval_key: { key_id: 'c'.repeat(64), public_key: 'PEM' }, predicate_type: 'p' });
    } else if (/^\/v1\/apps\/versions\/[^/]+$/.test(path)) {
      json(200, { ...version(path.split('/')[4] ?? ''), manifest: {}, previous_approved: null, diff: null });
    } else {
      const [, , , , id, verb] = path.split('/');
      json(200, version(id ?? '', { state: verb }));
    }
  });
  servers.push(server);
  return { client: createClient({ baseUrl: server.url, token: 't' }), seen };
}

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};

describe('client.apps keys', () => {
  it('adds a key or a keyless identity for a project named by name, lists every page, retires', async () => {
    const { client, seen } = await fakePlatform();
    expect(await client.apps.keys.add({ project: 'acme', publicKey: 'PEM', name: 'ci' })).toMatchObject({
      key_id: 'b'.repeat(64),
    });
    await client.apps.keys.add({ project: PROJECT, issuer: 'https://issuer.test', subject: 'ci@acme' });
    expect((await collect(client.apps.keys.list(PROJECT))).map((k) => k.id)).toEqual(['pk1', 'pk2']);
    expect(await client.apps.keys.retire(PROJECT, 'b'.repeat(64))).toMatchObject({
      retired_at: expect.any(String),
    });
    expect(seen.map(({ method, url, body }) => [method, url, body])).toEqual([
      ['GET', '/v1/projects?limit=100', undefined],
      ['POST', '/v1/apps/keys', { project_id: PROJECT, name: 'ci', public_key: 'PEM' }],
      ['POST', '/v1/apps/keys', { project_id: PROJECT, issuer: 'https://issuer.test', subject: 'ci@acme' }],
      ['GET', `/v1/apps/keys?project_id=${PROJECT}&limit=100`, undefined],
      ['GET', `/v1/apps/keys?project_id=${PROJECT}&limit=100&cursor=p2`, undefined],
      ['POST', `/v1/apps/keys/${'b'.repeat(64)}/retire?project_id=${PROJECT}`, undefined],
    ]);
    expect(seen[1]?.key).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('client.apps versions', () => {
  it('registers a reference, resolving with a rejected version rather than throwing', async () => {
    const { client, seen } = await fakePlatform();
    const registered = await client.apps.versions.register({
      project: PROJECT,
      reference: 'platform.test:8080/acme/llm:1.0.0',
      idempotencyKey: 'key-00001',
    });
    expect(registered).toMatchObject({ state: 'rejected', errors: [{ code: 'APP_SIGNER_UNKNOWN' }] });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/v1/apps/versions',
      key: 'key-00001',
      body: { project_id: PROJECT, reference: 'platform.test:8080/acme/llm:1.0.0' },
    });
  });

  it('lists every page with the filters', async () => {
    const { client, seen } = await fakePlatform([version(V1), version(V2)]);
    const ids = (await collect(client.apps.versions.list({ project: PROJECT, state: 'verified' }))).map(
      (v) => v.id,
    );
    expect(ids).toEqual([V1, V2]);
    expect(seen.map((s) => s.url)).toEqual([
      `/v1/apps/versions?limit=100&project_id=${PROJECT}&state=verified`,
      `/v1/apps/versions?limit=100&project_id=${PROJECT}&state=verified&cursor=p2`,
    ]);
  });

  it('reads a version by id, or by REF@DIGEST through a listing of its repository', async () => {
    const { client, seen } = await fakePlatform([
      version('elsewhere', { registry: 'other.test', digest: DIGEST }),
      version(V1),
      version('older', { digest: `sha256:${'f'.repeat(64)}` }),
    ]);
    expect((await client.apps.versions.get(V7)).id).toBe(V7);
    expect((await client.apps.versions.get(`platform.test:8080/acme/llm:1.0.0@${DIGEST}`)).id).toBe(V1);
    expect(seen.map((s) => s.url)).toEqual([
      `/v1/apps/versions/${V7}`,
      '/v1/apps/versions?repository=acme%2Fllm&limit=100',
      '/v1/apps/versions?repository=acme%2Fllm&limit=100&cursor=p2',
      `/v1/apps/versions/${V1}`,
    ]);
  });

  it('finds the version a release reference was promoted from', async () => {
    const { client, seen } = await fakePlatform([version(V1)]);
    // The fake answers every listing alike; the first listing is of the release repository.
    const id = await client.apps.versions.get(`platform.test:8080/release/acme/llm@${DIGEST}`, {
      project: PROJECT,
    });
    expect(id.id).toBe(V1);
    expect(seen[0]?.url).toBe(
      `/v1/apps/versions?repository=release%2Facme%2Fllm&limit=100&project_id=${PROJECT}`,
    );
  });

  it('refuses a reference without a digest, and answers NOT_FOUND when no version has it', async () => {
    expect(() => parseVersionReference('platform.test:8080/acme/llm:1.0.0')).toThrow(SdkError);
    const { client } = await fakePlatform([
      version(V1, { project_id: OTHER_PROJECT, digest: `sha256:${'e'.repeat(64)}` }),
    ]);
    const missing = await client.apps.versions
      .get(`platform.test:8080/acme/llm@${DIGEST}`)
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiError);
    expect((missing as ApiError).code).toBe('NOT_FOUND');
    expect((missing as ApiError).status).toBe(404);
  });

  it('refuses to guess between two registries holding the same digest', async () => {
    const { client } = await fakePlatform([
      version('a', { registry: 'one.test' }),
      version('b', { registry: 'two.test' }),
    ]);
    const ambiguous = await client.apps.versions
      .get(`platform.test:8080/acme/llm@${DIGEST}`)
      .catch((e: unknown) => e);
    expect((ambiguous as SdkError).code).toBe('NAME_AMBIGUOUS');
  });
});

describe('client.apps review', () => {
  it('approves, rejects, publishes, deprecates and revokes one version each', async () => {
    const { client, seen } = await fakePlatform();
    expect(await client.apps.review.approve(V1, { scope: 'project', scopeId: PROJECT })).toMatchObject({
      state: 'approve',
    });
    await client.apps.review.approve(V1, { scope: 'platform' });
    await client.apps.review.reject(V1, 'unsafe');
    await client.apps.review.publish(V1);
    await client.apps.review.deprecate(V1);
    await client.apps.review.deprecate(V1, 'use 2.0');
    await client.apps.review.revoke(V1, { reason: 'leaks keys' });
    await client.apps.review.revoke(V1, { reason: 'leaks keys', stopRunning: true });
    expect(seen.map(({ method, url, body }) => [method, url, body])).toEqual([
      ['POST', `/v1/apps/versions/${V1}/approve`, { scope: 'project', scope_id: PROJECT }],
      ['POST', `/v1/apps/versions/${V1}/approve`, { scope: 'platform' }],
      ['POST', `/v1/apps/versions/${V1}/reject`, { reason: 'unsafe' }],
      ['POST', `/v1/apps/versions/${V1}/publish`, undefined],
      ['POST', `/v1/apps/versions/${V1}/deprecate`, {}],
      ['POST', `/v1/apps/versions/${V1}/deprecate`, { reason: 'use 2.0' }],
      ['POST', `/v1/apps/versions/${V1}/revoke`, { reason: 'leaks keys', stop_running: false }],
      ['POST', `/v1/apps/versions/${V1}/revoke`, { reason: 'leaks keys', stop_running: true }],
    ]);
    // The sender gives every POST a key of its own, reused across its retries.
    expect(new Set(seen.map((s) => s.key)).size).toBe(seen.length);
  });

  it('refuses an organisation or project approval without its id before sending anything', async () => {
    const { client, seen } = await fakePlatform();
    const refused = await client.apps.review.approve(V1, { scope: 'organization' }).catch((e: unknown) => e);
    expect((refused as SdkError).code).toBe('USAGE');
    expect(seen).toEqual([]);
  });

  it('reads the platform approval key', async () => {
    const { client } = await fakePlatform();
    expect(await client.apps.trust()).toMatchObject({ approval_key: { key_id: 'c'.repeat(64) } });
  });
});
