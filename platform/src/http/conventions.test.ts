import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_ERRORS } from '../errors.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { loadApiDocument } from './openapi.js';

const dialects = await testDialects('platform HTTP conventions');

async function problemOf(res: Response) {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as Record<string, unknown>;
  expect(loadApiDocument().validateProblem(body)).toEqual([]);
  expect(body.status).toBe(res.status);
  expect(body.correlation_id).toBe(res.headers.get('x-correlation-id'));
  return body;
}

describe.each(dialects)('HTTP conventions on %s', (dialect) => {
  let t: TestPlatform;
  let token: string;

  beforeAll(async () => {
    t = await startTestPlatform(dialect, { bodyLimitBytes: 2048 });
    token = (await t.login('conventions@example.com')).token;
  });
  afterAll(() => t?.close());

  it('answers /healthz and /readyz (which checks the database)', async () => {
    const health = await t.request('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await t.request('/readyz');
    expect(ready.status).toBe(200);
  });

  it('echoes a well-formed X-Correlation-Id and logs it on every line of the request', async () => {
    const id = `test-${Date.now()}-abc`;
    const res = await t.request('/v1/projects', { token, headers: { 'x-correlation-id': id } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-correlation-id')).toBe(id);
    const lines = t.logs.filter((l) => l.correlation_id === id);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.msg === 'request' && l.status === 200 && l.route === '/v1/projects')).toBe(
      true,
    );
  });

  it.each([['too short'], ['has spaces in it'], ['x'.repeat(200)]])(
    'replaces a malformed correlation id (%s)',
    async (bad) => {
      const res = await t.request('/healthz', { headers: { 'x-correlation-id': bad } });
      const id = res.headers.get('x-correlation-id');
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[A-Za-z0-9._-]{8,128}$/);
    },
  );

  it('generates a correlation id when none is given', async () => {
    const res = await t.request('/healthz');
    expect(res.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND problem+json', async () => {
    const res = await t.request('/v1/nothing-here');
    expect(res.status).toBe(404);
    const problem = await problemOf(res);
    expect(problem.code).toBe('ROUTE_NOT_FOUND');
    expect(problem.type).toBe('/docs/errors#ROUTE_NOT_FOUND');
    expect(problem.title).toBe(PLATFORM_ERRORS.ROUTE_NOT_FOUND.title);
    expect(problem.instance).toBe('/v1/nothing-here');
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const res = await t.request('/v1/projects', { method: 'DELETE', token });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
    expect((await problemOf(res)).code).toBe('METHOD_NOT_ALLOWED');
  });

  it('serves the OpenAPI document and a rendered reference without scripts', async () => {
    const doc = await t.request('/v1/openapi.json');
    expect(doc.status).toBe(200);
    const json = (await doc.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(json.openapi).toBe('3.1.0');
    expect(Object.keys(json.paths)).toContain('/v1/projects/{project_id}');
    const html = await t.request('/docs');
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    const text = await html.text();
    for (const op of loadApiDocument().operations) expect(text).toContain(`id="${op.operationId}"`);
    expect(text).not.toContain('<script');
    const errors = await (await t.request('/docs/errors')).text();
    for (const code of Object.keys(PLATFORM_ERRORS)) expect(errors).toContain(`id="${code}"`);
  });

  it('publishes the signing keys as a JWKS without private parts', async () => {
    const res = await t.request('/.well-known/jwks.json');
    const jwks = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key.d).toBeUndefined();
    }
  });

  it('exposes Prometheus metrics labelled by route template', async () => {
    await t.request('/v1/projects', { token });
    const res = await t.request('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(
      /gpuaas_http_requests_total\{method="GET",route="\/v1\/projects",status="200"\} \d+/,
    );
    expect(text).toContain('gpuaas_http_request_duration_seconds_bucket');
  });
});

describe.each(dialects)('readiness on %s', (dialect) => {
  it('answers /readyz 503 NOT_READY when the database is gone, while /healthz stays 200', async () => {
    const t = await startTestPlatform(dialect);
    try {
      expect((await t.request('/readyz')).status).toBe(200);
      await t.platform.database.close();
      const res = await t.request('/readyz');
      expect(res.status).toBe(503);
      expect((await problemOf(res)).code).toBe('NOT_READY');
      expect((await t.request('/healthz')).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('answers /readyz 503 NOT_READY while start-up work holds it, even when it fails', async () => {
    const t = await startTestPlatform(dialect);
    try {
      let finish!: () => void;
      let fail!: (error: Error) => void;
      t.platform.holdReadiness('seeding the example app', new Promise<void>((resolve) => (finish = resolve)));
      t.platform.holdReadiness('warming up', new Promise<void>((_resolve, reject) => (fail = reject)));
      const held = await t.request('/readyz');
      expect(held.status).toBe(503);
      expect(await problemOf(held)).toMatchObject({
        code: 'NOT_READY',
        detail: expect.stringContaining('seeding'),
      });
      finish();
      await expect
        .poll(async () => (await problemOf(await t.request('/readyz'))).detail)
        .toContain('warming up');
      fail(new Error('boom'));
      await expect.poll(async () => (await t.request('/readyz')).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('refuses new connections after close() and reports STOPPED', async () => {
    const t = await startTestPlatform(dialect);
    await t.close();
    expect(t.platform.state).toBe('STOPPED');
    await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();
  });
});
