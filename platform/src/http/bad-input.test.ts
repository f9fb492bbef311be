import { testDialects } from '@gpuaas/test-support';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('platform bad input');

interface Case {
  method: string;
  path: string | ((projectId: string) => string);
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
  /** A JSON pointer the problem's errors[] must name. */
  pointer?: string;
}

const cases: [string, Case][] = [
  [
    'malformed JSON',
    { method: 'POST', path: '/v1/projects', body: '{"name": ', status: 400, code: 'MALFORMED_JSON' },
  ],
  [
    'a bare JSON string',
    { method: 'POST', path: '/v1/projects', body: '"p"', status: 400, code: 'MALFORMED_JSON' },
  ],
  [
    'a JSON array',
    { method: 'POST', path: '/v1/projects', body: '[]', status: 400, code: 'VALIDATION_FAILED' },
  ],
  [
    'an unknown field',
    {
      method: 'POST',
      path: '/v1/projects',
      body: '{"name":"p1","colour":"red"}',
      status: 400,
      code: 'VALIDATION_FAILED',
      pointer: '/colour',
    },
  ],
  [
    'a wrong type',
    {
      method: 'POST',
      path: '/v1/projects',
      body: '{"name":5}',
      status: 400,
      code: 'VALIDATION_FAILED',
      pointer: '/name',
    },
  ],
  [
    'a missing required field',
    {
      method: 'POST',
      path: '/v1/projects',
      body: '{}',
      status: 400,
      code: 'VALIDATION_FAILED',
      pointer: '/name',
    },
  ],
  [
    'a name breaking the pattern',
    {
      method: 'POST',
      path: '/v1/projects',
      body: '{"name":"Bad Name!"}',
      status: 400,
      code: 'VALIDATION_FAILED',
      pointer: '/name',
    },
  ],
  [
    'no body at all',
    { method: 'POST', path: '/v1/projects', status: 400, code: 'VALIDATION_FAILED', pointer: '/' },
  ],
  [
    'an oversized body',
    {
      method: 'POST',
      path: '/v1/projects',
      body: JSON.stringify({ name: 'p', description: 'x'.repeat(5000) }),
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
  ],
  [
    'a non-JSON content type',
    {
      method: 'POST',
      path: '/v1/projects',
      body: 'name=p',
      contentType: 'text/plain',
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
  ],
  [
    'a forged cursor',
    {
      method: 'GET',
      path: '/v1/projects?cursor=eyJvIjoibGlzdFByb2plY3RzIiwiayI6WyIiXX0.AAAA',
      status: 400,
      code: 'CURSOR_INVALID',
    },
  ],
  [
    'a cursor that is not one',
    { method: 'GET', path: '/v1/projects?cursor=garbage', status: 400, code: 'CURSOR_INVALID' },
  ],
  [
    'limit=0',
    {
      method: 'GET',
      path: '/v1/projects?limit=0',
      status: 400,
      code: 'VALIDATION_FAILED',
      pointer: '/limit',
    },
  ],
  [
    'limit=abc',
    {
      method: 'GET',
      path: '/v1/projects?limit=abc',
      status: 400,
      code: 'VALIDATION_FAILED',
      pointer: '/limit',
    },
  ],
  [
    'limit too large',
    {
      method: 'GET',
      path: '/v1/projects?limit=1000',
      status: 400,
      code: 'VALIDATION_FAILED',
      pointer: '/limit',
    },
  ],
  [
    'an unknown query parameter',
    {
      method: 'GET',
      path: '/v1/projects?sort=name',
      status: 400,
      code: 'VALIDATION_FAILED',
      pointer: '/sort',
    },
  ],
  [
    'a path id that is not a UUID',
    {
      method: 'GET',
      path: '/v1/projects/not-a-uuid',
      status: 400,
      code: 'VALIDATION_FAILED',
      pointer: '/project_id',
    },
  ],
  [
    'broken percent-encoding',
    { method: 'GET', path: '/v1/projects/%E0%A4%A', status: 400, code: 'VALIDATION_FAILED' },
  ],
  [
    'an Idempotency-Key that is too short',
    {
      method: 'POST',
      path: '/v1/projects',
      body: '{"name":"p2"}',
      headers: { 'idempotency-key': 'short' },
      status: 400,
      code: 'VALIDATION_FAILED',
      pointer: '/idempotency-key',
    },
  ],
  [
    'an update without If-Match',
    {
      method: 'PATCH',
      path: (id) => `/v1/projects/${id}`,
      body: '{"description":"d"}',
      status: 428,
      code: 'PRECONDITION_REQUIRED',
    },
  ],
  [
    'an update with a stale If-Match',
    {
      method: 'PATCH',
      path: (id) => `/v1/projects/${id}`,
      body: '{"description":"d"}',
      headers: { 'if-match': '"v99"' },
      status: 412,
      code: 'PRECONDITION_FAILED',
    },
  ],
  [
    'an update with a weak If-Match',
    {
      method: 'PATCH',
      path: (id) => `/v1/projects/${id}`,
      body: '{"description":"d"}',
      headers: { 'if-match': 'W/"v1"' },
      status: 412,
      code: 'PRECONDITION_FAILED',
    },
  ],
  [
    'a leap second in the audit filter',
    {
      method: 'GET',
      path: (id) => `/v1/audit?project_id=${id}&since=2016-12-31T23:59:60Z`,
      status: 400,
      code: 'VALIDATION_FAILED',
      pointer: '/since',
    },
  ],
  [
    'year 0000 in the audit filter',
    {
      method: 'GET',
      path: (id) => `/v1/audit?project_id=${id}&until=0000-01-01T00:00:00Z`,
      status: 400,
      code: 'VALIDATION_FAILED',
      pointer: '/until',
    },
  ],
  [
    'a leap second in the audit export',
    {
      method: 'GET',
      path: (id) => `/v1/audit/export?format=jsonl&project_id=${id}&since=2016-12-31T23:59:60Z`,
      status: 400,
      code: 'VALIDATION_FAILED',
      pointer: '/since',
    },
  ],
  [
    'February 30 in the audit export',
    {
      method: 'GET',
      path: (id) => `/v1/audit/export?format=csv&project_id=${id}&until=2024-02-30T00:00:00Z`,
      status: 400,
      code: 'VALIDATION_FAILED',
      pointer: '/until',
    },
  ],
  [
    'an empty update',
    {
      method: 'PATCH',
      path: (id) => `/v1/projects/${id}`,
      body: '{}',
      headers: { 'if-match': '"v1"' },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
  ],
];

describe.each(dialects)('bad input on %s', (dialect) => {
  let t: TestPlatform;
  let token: string;
  let projectId: string;

  beforeAll(async () => {
    t = await startTestPlatform(dialect, { bodyLimitBytes: 1024 });
    token = (await t.login('bad-input@example.com')).token;
    const res = await t.request('/v1/projects', { method: 'POST', token, json: { name: 'target' } });
    projectId = ((await res.json()) as { id: string }).id;
  });
  afterAll(() => t?.close());

  it.each(cases)('%s → the right status and code', async (_name, c) => {
    const headers: Record<string, string> = { ...c.headers };
    if (c.body !== undefined) headers['content-type'] = c.contentType ?? 'application/json';
    const path = typeof c.path === 'function' ? c.path(projectId) : c.path;
    const res = await t.request(path, {
      method: c.method,
      token,
      headers,
      ...(c.body === undefined ? {} : { body: c.body }),
    });
    const problem = (await res.json()) as { code: string; errors?: { pointer: string }[] };
    expect({ status: res.status, code: problem.code }).toEqual({ status: c.status, code: c.code });
    if (c.pointer !== undefined) expect(problem.errors?.map((e) => e.pointer)).toContain(c.pointer);
  });

  it('says why a date-time is refused', async () => {
    const res = await t.request(`/v1/audit?project_id=${projectId}&since=2016-12-31T23:59:60Z`, { token });
    expect(await res.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ in: 'query', pointer: '/since', detail: expect.stringMatching(/leap second/) as string }],
    });
  });

  it('never answers date-time filters with a 5xx', async () => {
    const shaped = fc.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/);
    await fc.assert(
      fc.asyncProperty(shaped, fc.constantFrom('audit', 'audit/export'), async (time, path) => {
        const query = new URLSearchParams({ project_id: projectId, format: 'jsonl', since: time });
        if (path === 'audit') query.delete('format');
        const res = await t.request(`/v1/${path}?${query.toString()}`, { token });
        expect(res.status, time).toBeLessThan(500);
        await res.arrayBuffer();
      }),
      { numRuns: 60 },
    );
  });

  it('never answers arbitrary JSON bodies with a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.json({ maxDepth: 3 }), async (body) => {
        const res = await t.request('/v1/organizations', {
          method: 'POST',
          token,
          headers: { 'content-type': 'application/json' },
          body,
        });
        expect(res.status).toBeLessThan(500);
        await res.arrayBuffer();
      }),
      { numRuns: 40 },
    );
  });

  it('never answers arbitrary path segments and query strings with a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.webSegment(), fc.webQueryParameters(), async (segment, query) => {
        const res = await t.request(`/v1/projects/${segment}?${query}`, { token });
        expect(res.status).toBeLessThan(500);
        await res.arrayBuffer();
      }),
      { numRuns: 40 },
    );
  });
});
