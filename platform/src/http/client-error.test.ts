/**
 * Conformance at the edges, over real sockets: requests Node's HTTP parser refuses get the API's
 * problem+json (not Node's bare answers), and the public infrastructure endpoints ignore query
 * parameters they do not define while every other operation still refuses them.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { loadApiDocument } from './openapi.js';

interface RawAnswer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** Sends raw bytes over TCP and reads the answer until the server closes the connection. */
function raw(url: string, request: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = new Map<string, string>();
      for (const line of lines) {
        const at = line.indexOf(':');
        headers.set(line.slice(0, at).toLowerCase(), line.slice(at + 1).trim());
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
    socket.end(request);
  });
}

describe('requests the HTTP parser refuses', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform('sqlite');
  });
  afterAll(() => t?.close());

  it.each([
    [
      'a control character in If-Match',
      'PATCH /v1/projects/x HTTP/1.1\r\nHost: a\r\nIf-Match: "v1\u0001"\r\nContent-Length: 0\r\n\r\n',
      400,
      'MALFORMED_REQUEST',
      '/v1/projects/x',
    ],
    [
      'headers over 16 KiB',
      `GET /v1/projects?limit=5 HTTP/1.1\r\nHost: a\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'HEADERS_TOO_LARGE',
      '/v1/projects',
    ],
    ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n', 400, 'MALFORMED_REQUEST', '/'],
  ])('answers %s with problem+json', async (_what, request, status, code, instance) => {
    const answer = await raw(t.url, request);
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(Number(answer.headers.get('content-length'))).toBe(Buffer.byteLength(answer.body));
    const problem = JSON.parse(answer.body) as Record<string, unknown>;
    expect(loadApiDocument().validateProblem(problem)).toEqual([]);
    expect(problem).toMatchObject({ status, code, instance, type: `/docs/errors#${code}` });
    expect(problem.correlation_id).toBe(answer.headers.get('x-correlation-id'));
  });

  it('still serves the next connection', async () => {
    await raw(t.url, `GET / HTTP/1.1\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect((await t.request('/healthz')).status).toBe(200);
  });
});

describe('unknown query parameters', () => {
  let t: TestPlatform;
  let token: string;

  beforeAll(async () => {
    t = await startTestPlatform('sqlite');
    token = (await t.login('query@example.com')).token;
  });
  afterAll(() => t?.close());

  it.each(['/healthz', '/readyz', '/metrics', '/.well-known/jwks.json', '/v1/openapi.json'])(
    'are ignored by the public endpoint %s',
    async (path) => {
      const res = await t.request(`${path}?probe=1&_=${Date.now()}`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    },
  );

  it('are refused by every authenticated operation', async () => {
    const res = await t.request('/v1/projects?sort=name', { token });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ in: 'query', pointer: '/sort', detail: 'unknown query parameter' }],
    });
  });
});
