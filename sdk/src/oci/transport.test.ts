import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startHttpServer, type TestHttpServer } from '@gpuaas/test-support';
import { bufferBlobSource } from './blob-source.js';
import { RegistryClient } from './client.js';
import { staticCredentials } from './credentials.js';
import { computeDigest } from './digest.js';
import { parseRetryAfter, RegistryTransport, type RequestBody, type RetryEvent } from './transport.js';

const FAST = { initialDelayMs: 2, maxDelayMs: 10 };
const servers: TestHttpServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function server(handler: Parameters<typeof startHttpServer>[0]): Promise<TestHttpServer> {
  const s = await startHttpServer(handler);
  servers.push(s);
  return s;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

describe('retries', () => {
  it('retries 503 twice, then succeeds', async () => {
    let calls = 0;
    const s = await server((_req, res) => {
      calls++;
      if (calls <= 2) json(res, 503, { errors: [{ code: 'UNAVAILABLE' }] });
      else
        res
          .writeHead(200, { 'docker-content-digest': `sha256:${'a'.repeat(64)}`, 'content-length': '7' })
          .end();
    });
    const events: RetryEvent[] = [];
    const client = new RegistryClient({ registry: s.host, retry: FAST, onRetry: (e) => events.push(e) });
    expect(await client.hasBlob('r/x', `sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(calls).toBe(3);
    expect(events.map((e) => [e.attempt, e.reason])).toEqual([
      [1, 'HTTP 503'],
      [2, 'HTTP 503'],
    ]);
  });

  it('honours Retry-After on 429', async () => {
    let calls = 0;
    const s = await server((_req, res) => {
      calls++;
      if (calls === 1) json(res, 429, { errors: [{ code: 'TOOMANYREQUESTS' }] }, { 'retry-after': '1' });
      else res.writeHead(404).end();
    });
    const events: RetryEvent[] = [];
    const client = new RegistryClient({ registry: s.host, retry: FAST, onRetry: (e) => events.push(e) });
    const started = Date.now();
    expect(await client.hasBlob('r/x', `sha256:${'b'.repeat(64)}`)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(events).toEqual([expect.objectContaining({ attempt: 1, delayMs: 1000, reason: 'HTTP 429' })]);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('gives up on a closed port with REGISTRY_UNREACHABLE after the configured retries', async () => {
    const port = await freePort();
    const events: RetryEvent[] = [];
    const client = new RegistryClient({
      registry: `127.0.0.1:${port}`,
      retry: { ...FAST, maxRetries: 2 },
      onRetry: (e) => events.push(e),
    });
    const error = await client.hasBlob('r/x', `sha256:${'c'.repeat(64)}`).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'REGISTRY_UNREACHABLE',
      details: { retries: 2, reason: 'ECONNREFUSED' },
    });
    expect(events.map((e) => e.reason)).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
  });

  it('gives up on a registry that keeps answering 502 with REGISTRY_UNREACHABLE', async () => {
    const s = await server((_req, res) => void res.writeHead(502).end());
    const client = new RegistryClient({ registry: s.host, retry: { ...FAST, maxRetries: 3 } });
    await expect(client.getManifest('r/x', 'v1')).rejects.toMatchObject({ code: 'REGISTRY_UNREACHABLE' });
    expect(s.requests).toHaveLength(4);
  });

  it('does not retry other errors and keeps the registry error codes in details', async () => {
    const s = await server((_req, res) =>
      json(res, 400, { errors: [{ code: 'MANIFEST_INVALID', message: 'manifest invalid', detail: {} }] }),
    );
    const client = new RegistryClient({ registry: s.host, retry: FAST });
    const error = await client
      .putManifest('r/x', 'v1', Buffer.from('{}'), 'application/json')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'REGISTRY_ERROR',
      details: { status: 400, registryErrors: [{ code: 'MANIFEST_INVALID', message: 'manifest invalid' }] },
    });
    expect(s.requests).toHaveLength(1);
  });

  it('retries a reopenable body by opening it again', async () => {
    let calls = 0;
    const s = await server((req, res) => {
      calls++;
      if (calls === 1) return void res.writeHead(503).end();
      res.writeHead(201).end(req.body);
    });
    const transport = new RegistryTransport({ registry: s.host, retry: FAST });
    let opened = 0;
    const response = await transport.request({
      method: 'PUT',
      url: '/v2/r/x/blobs/uploads/u',
      body: { open: () => (opened++, Readable.from([Buffer.from('hello')])), length: 5 },
      ok: [201],
      what: 'test',
    });
    expect(await response.text()).toBe('hello');
    expect(opened).toBe(2);
    expect(s.requests[1]?.headers['content-length']).toBe('5');
  });

  it('sends streamed bodies with redirect "error" so fetch does not keep them in memory', async () => {
    const seen: RequestInit[] = [];
    const transport = new RegistryTransport({
      registry: '127.0.0.1:1',
      fetch: (_input, init) => {
        seen.push(init ?? {});
        return Promise.resolve(new Response(null, { status: 201 }));
      },
    });
    const send = (body: RequestBody) =>
      transport.request({ method: 'PUT', url: '/v2/r/x', body, ok: [201], what: 'test' });
    await send({ open: () => Readable.from([Buffer.from('x')]), length: 1 });
    await send(Readable.from([Buffer.from('x')]));
    await send(Buffer.from('x'));
    expect(seen.map((init) => init.redirect)).toEqual(['error', 'error', 'follow']);
  });

  it('does not retry a one-shot stream body', async () => {
    const s = await server((_req, res) => void res.writeHead(503).end());
    const transport = new RegistryTransport({ registry: s.host, retry: FAST });
    await expect(
      transport.request({
        method: 'PUT',
        url: '/v2/r/x',
        body: Readable.from([Buffer.from('x')]),
        ok: [201],
        what: 'test',
      }),
    ).rejects.toMatchObject({ code: 'REGISTRY_UNREACHABLE' });
    expect(s.requests).toHaveLength(1);
  });

  it('uses http only for loopback hosts unless asked', () => {
    expect(new RegistryTransport({ registry: 'localhost:5000' }).baseUrl.href).toBe('http://localhost:5000/');
    expect(new RegistryTransport({ registry: '127.1.2.3' }).baseUrl.protocol).toBe('http:');
    expect(new RegistryTransport({ registry: '[::1]:5000' }).baseUrl.protocol).toBe('http:');
    expect(new RegistryTransport({ registry: 'registry.example:5000' }).baseUrl.protocol).toBe('https:');
    expect(new RegistryTransport({ registry: 'registry.example', plainHttp: true }).baseUrl.protocol).toBe(
      'http:',
    );
    expect(new RegistryTransport({ registry: 'docker.io' }).baseUrl.href).toBe(
      'https://registry-1.docker.io/',
    );
  });
});

describe('auth against a fake registry', () => {
  const user = { username: 'ci-user', password: 'hunter2-secret' };

  /** A registry that wants bearer tokens, and its token service (basic-authenticated, or anonymous for pull). */
  async function tokenRegistry(): Promise<{ s: TestHttpServer; tokenCalls: URLSearchParams[] }> {
    const tokenCalls: URLSearchParams[] = [];
    const s = await server((req, res) => {
      if (req.url.pathname === '/token') {
        tokenCalls.push(req.url.searchParams);
        const auth = req.headers.authorization;
        if (
          auth !== undefined &&
          auth !== `Basic ${Buffer.from('ci-user:hunter2-secret').toString('base64')}`
        ) {
          return json(res, 401, { details: 'bad' });
        }
        const scopes = req.url.searchParams.getAll('scope').join(' ');
        return json(res, 200, {
          token: `${auth === undefined ? 'anon' : 'user'}|${scopes}`,
          expires_in: 300,
        });
      }
      const header = req.headers.authorization ?? '';
      const wantScope = `repository:r/x:${req.method === 'HEAD' || req.method === 'GET' ? 'pull' : 'pull,push'}`;
      const challenge = `Bearer realm="${s.url}/token",service="fake",scope="${wantScope}"`;
      if (!header.startsWith('Bearer '))
        return json(res, 401, { errors: [{ code: 'UNAUTHORIZED' }] }, { 'www-authenticate': challenge });
      const [who, scopes] = header.slice(7).split('|');
      if (
        !(scopes ?? '')
          .split(' ')
          .some(
            (sc) => sc === wantScope || (wantScope.endsWith(':pull') && sc === 'repository:r/x:pull,push'),
          )
      ) {
        return json(
          res,
          401,
          { errors: [{ code: 'UNAUTHORIZED' }] },
          { 'www-authenticate': `${challenge},error="insufficient_scope"` },
        );
      }
      if (req.method !== 'HEAD' && req.method !== 'GET' && who === 'anon')
        return json(res, 403, { errors: [{ code: 'DENIED' }] });
      res.writeHead(req.method === 'PUT' ? 201 : 404).end();
    });
    return { s, tokenCalls };
  }

  it('follows the bearer challenge with credentials, then reuses the cached token', async () => {
    const { s, tokenCalls } = await tokenRegistry();
    const client = new RegistryClient({ registry: s.host, credentials: staticCredentials(user) });
    const digest = `sha256:${'d'.repeat(64)}`;
    expect(await client.hasBlob('r/x', digest)).toBe(false);
    expect(await client.hasBlob('r/x', digest)).toBe(false);
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]?.get('service')).toBe('fake');
    expect(tokenCalls[0]?.getAll('scope')).toEqual(['repository:r/x:pull']);
    // one challenge, then two authorised HEADs (the second with the cached token, no 401)
    const registryCalls = s.requests.filter((r) => r.url.pathname.startsWith('/v2/'));
    expect(registryCalls.map((r) => (r.headers.authorization ?? 'none').split('|')[0])).toEqual([
      'none',
      'Bearer user',
      'Bearer user',
    ]);
    // a push needs a wider token: the next challenge asks for it and the request succeeds
    await client.putManifest('r/x', 'v1', Buffer.from('{}'), 'application/vnd.oci.image.manifest.v1+json');
    expect(tokenCalls.at(-1)?.getAll('scope')).toEqual(['repository:r/x:pull,push']);
  });

  it('gets an anonymous token for pulls and maps 403 on push to REGISTRY_FORBIDDEN', async () => {
    const { s, tokenCalls } = await tokenRegistry();
    const client = new RegistryClient({ registry: s.host });
    expect(await client.hasBlob('r/x', `sha256:${'e'.repeat(64)}`)).toBe(false);
    expect(tokenCalls).toHaveLength(1);
    await expect(
      client.putManifest('r/x', 'v1', Buffer.from('{}'), 'application/vnd.oci.image.manifest.v1+json'),
    ).rejects.toMatchObject({ code: 'REGISTRY_FORBIDDEN' });
  });

  it('maps refused credentials to REGISTRY_UNAUTHORIZED without revealing them', async () => {
    const { s } = await tokenRegistry();
    const client = new RegistryClient({
      registry: s.host,
      credentials: staticCredentials({ username: 'ci-user', password: 'wrong-password-xyz' }),
    });
    const error = await client.hasBlob('r/x', `sha256:${'f'.repeat(64)}`).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REGISTRY_UNAUTHORIZED' });
    const text = `${(error as Error).message} ${JSON.stringify(error)} ${JSON.stringify((error as { details: unknown }).details)}`;
    expect(text).not.toContain('wrong-password-xyz');
    expect(text).not.toContain(Buffer.from('ci-user:wrong-password-xyz').toString('base64'));
  });

  it('asks the token service for every scope of a challenge with several', async () => {
    const tokenScopes: string[][] = [];
    const s = await server((req, res) => {
      if (req.url.pathname === '/token') {
        tokenScopes.push(req.url.searchParams.getAll('scope'));
        return json(res, 200, { access_token: 'tok' });
      }
      if (req.headers.authorization !== 'Bearer tok') {
        return json(
          res,
          401,
          {},
          {
            'www-authenticate': `Bearer realm="${s.url}/token",service="fake",scope="repository:r/x:pull,push repository:r/src:pull"`,
          },
        );
      }
      res.writeHead(201).end();
    });
    const client = new RegistryClient({ registry: s.host });
    expect(await client.mountBlob('r/x', `sha256:${'1'.repeat(64)}`, 'r/src')).toBe(true);
    expect(tokenScopes).toEqual([['repository:r/x:pull,push', 'repository:r/src:pull']]);
  });

  it('exchanges an identity token at the realm with a POST', async () => {
    const forms: URLSearchParams[] = [];
    const s = await server((req, res) => {
      if (req.url.pathname === '/token') {
        forms.push(new URLSearchParams(req.body.toString('utf8')));
        return json(res, 200, { access_token: 'from-refresh' });
      }
      if (req.headers.authorization !== 'Bearer from-refresh') {
        return json(res, 401, {}, { 'www-authenticate': `Bearer realm="${s.url}/token",service="svc"` });
      }
      res.writeHead(404).end();
    });
    const client = new RegistryClient({
      registry: s.host,
      credentials: staticCredentials({ identityToken: 'refresh-123' }),
    });
    expect(await client.hasBlob('r/x', `sha256:${'2'.repeat(64)}`)).toBe(false);
    expect(s.requests.find((r) => r.url.pathname === '/token')?.method).toBe('POST');
    expect(Object.fromEntries(forms[0] ?? [])).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-123',
      service: 'svc',
      scope: 'repository:r/x:pull',
    });
  });

  it('answers a basic challenge and then sends basic auth up front', async () => {
    const good = `Basic ${Buffer.from('ci-user:hunter2-secret').toString('base64')}`;
    const s = await server((req, res) => {
      if (req.headers.authorization !== good)
        return json(res, 401, {}, { 'www-authenticate': 'Basic realm="fake"' });
      res.writeHead(404).end();
    });
    const client = new RegistryClient({ registry: s.host, credentials: staticCredentials(user) });
    expect(await client.hasBlob('r/x', `sha256:${'3'.repeat(64)}`)).toBe(false);
    expect(await client.hasBlob('r/x', `sha256:${'4'.repeat(64)}`)).toBe(false);
    expect(s.requests.map((r) => r.headers.authorization === good)).toEqual([false, true, true]);

    const anonymous = new RegistryClient({ registry: s.host });
    await expect(anonymous.hasBlob('r/x', `sha256:${'3'.repeat(64)}`)).rejects.toMatchObject({
      code: 'REGISTRY_UNAUTHORIZED',
    });
  });

  it('sends a registry token as it is', async () => {
    const s = await server((req, res) => {
      res.writeHead(req.headers.authorization === 'Bearer ci-job-token' ? 404 : 401).end();
    });
    const client = new RegistryClient({
      registry: s.host,
      credentials: staticCredentials({ registryToken: 'ci-job-token' }),
    });
    expect(await client.hasBlob('r/x', `sha256:${'5'.repeat(64)}`)).toBe(false);
    expect(s.requests).toHaveLength(1);
  });

  it('never sends registry credentials to another origin an upload Location points at', async () => {
    const other = await server((_req, res) => void res.writeHead(201).end());
    const s = await server((req, res) => {
      if (req.method === 'HEAD') return void res.writeHead(404).end();
      res.writeHead(202, { location: `${other.url}/upload/1` }).end();
    });
    const client = new RegistryClient({
      registry: s.host,
      credentials: staticCredentials({ registryToken: 'secret-token' }),
    });
    await client.pushBlob('r/x', bufferBlobSource(Buffer.from('abc'), computeDigest('abc')));
    expect(s.requests.every((r) => r.headers.authorization === 'Bearer secret-token')).toBe(true);
    expect(other.requests.map((r) => [r.method, r.headers.authorization])).toEqual([['PUT', undefined]]);
  });

  it('replays a streamed body after a challenge', async () => {
    const s = await server((req, res) => {
      if (req.url.pathname === '/token') return json(res, 200, { token: 't' });
      if (req.headers.authorization !== 'Bearer t') {
        return json(res, 401, {}, { 'www-authenticate': `Bearer realm="${s.url}/token",service="svc"` });
      }
      res.writeHead(201).end(req.body);
    });
    const transport = new RegistryTransport({ registry: s.host });
    const response = await transport.request({
      method: 'PUT',
      url: '/v2/r/x/blobs/uploads/u',
      body: { open: () => Readable.from([Buffer.from('payload')]), length: 7 },
      scopes: ['repository:r/x:pull,push'],
      ok: [201],
      what: 'test',
      retry: false,
    });
    expect(await response.text()).toBe('payload');
  });
});
