import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startHttpServer } from '@gpuaas/test-support';
import type { TestHttpServer } from '@gpuaas/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openBlob } from './blob-pull.js';
import { staticCredentials } from './credentials.js';
import { computeDigest } from './digest.js';
import { nodeHttpGet } from './node-get.js';
import { RegistryTransport } from './transport.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback server calling `handler` with each request (its body already read). */
function listen(handler: Handler): Promise<TestHttpServer> {
  return startHttpServer((_recorded, res, req) => handler(req, res));
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('streamed blob GETs through node:http (streamGet: nodeHttpGet)', () => {
  const registry = { current: ((_req, res) => res.end()) as Handler };
  const storage = { current: ((_req, res) => res.end()) as Handler };
  let reg: TestHttpServer;
  let store: TestHttpServer;
  const seen: { url: string; authorization: string | undefined; host: 'registry' | 'storage' }[] = [];
  const bytes = randomBytes(300_000);
  const blob = { digest: computeDigest(bytes), size: bytes.length };
  const path = `/v2/team/app/blobs/${blob.digest}`;

  beforeAll(async () => {
    reg = await listen((req, res) => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization, host: 'registry' });
      registry.current(req, res);
    });
    store = await listen((req, res) => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization, host: 'storage' });
      storage.current(req, res);
    });
  });
  afterAll(async () => {
    await reg.stop();
    await store.stop();
  });
  beforeEach(() => {
    seen.length = 0;
  });

  const transport = (extra: { retries?: number } = {}) =>
    new RegistryTransport({
      registry: new URL(reg.url).host,
      streamGet: nodeHttpGet,
      credentials: staticCredentials({ username: 'u', password: 'p' }),
      retry: { maxRetries: extra.retries ?? 2, initialDelayMs: 1, maxDelayMs: 2 },
    });

  it('answers the Bearer challenge, follows a redirect to storage without the credentials, and verifies', async () => {
    registry.current = (req, res) => {
      if (req.url?.startsWith('/token') === true) {
        expect(req.headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ token: 'tok' }));
        return;
      }
      if (req.headers.authorization !== 'Bearer tok') {
        res.writeHead(401, {
          'www-authenticate': `Bearer realm="${reg.url}/token",service="reg",scope="repository:team/app:pull"`,
        });
        res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      res.writeHead(307, { location: `${store.url}/data/blob?sig=secret` });
      res.end();
    };
    storage.current = (_req, res) => {
      res.writeHead(200, { 'content-length': String(bytes.length) });
      res.end(bytes);
    };
    const stream = await openBlob(transport(), 'team/app', blob);
    expect((await readAll(stream)).equals(bytes)).toBe(true);
    expect(seen.map((s) => [s.host, s.url.split('?')[0], s.authorization?.split(' ')[0]])).toEqual([
      ['registry', path, undefined],
      ['registry', '/token', 'Basic'],
      ['registry', path, 'Bearer'],
      ['storage', '/data/blob', undefined],
    ]);
  });

  it('fails the stream with DIGEST_MISMATCH when the bytes differ, and keeps the registry codes of a 404', async () => {
    registry.current = (_req, res) => {
      const changed = Buffer.from(bytes);
      changed[1000] = (changed[1000] ?? 0) ^ 1;
      res.end(changed);
    };
    const stream = await openBlob(transport(), 'team/app', blob);
    await expect(readAll(stream)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });

    registry.current = (_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}');
    };
    await expect(openBlob(transport(), 'team/app', blob)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      details: {
        status: 404,
        registryErrors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown to registry' }],
      },
    });
  });

  it('retries a 503 and a dropped connection, then reports REGISTRY_UNREACHABLE', async () => {
    let calls = 0;
    registry.current = (req, res) => {
      calls++;
      if (calls === 1) {
        res.writeHead(503);
        res.end();
      } else if (calls === 2) {
        req.socket.destroy();
      } else {
        res.end(bytes);
      }
    };
    expect((await readAll(await openBlob(transport(), 'team/app', blob))).equals(bytes)).toBe(true);
    expect(calls).toBe(3);

    registry.current = (_req, res) => {
      res.writeHead(503);
      res.end();
    };
    await expect(openBlob(transport({ retries: 1 }), 'team/app', blob)).rejects.toMatchObject({
      code: 'REGISTRY_UNREACHABLE',
    });
  });

  it('a body cut short fails the stream; an abort ends it at once', async () => {
    registry.current = (_req, res) => {
      res.writeHead(200, { 'content-length': String(bytes.length) });
      res.write(bytes.subarray(0, 1000));
      setTimeout(() => res.socket?.destroy(), 20);
    };
    await expect(readAll(await openBlob(transport(), 'team/app', blob))).rejects.toThrow();

    registry.current = (_req, res) => {
      res.writeHead(200, { 'content-length': String(bytes.length) });
      res.write(bytes.subarray(0, 1000));
    };
    const stop = new AbortController();
    const stream = await openBlob(transport(), 'team/app', blob, { signal: stop.signal });
    const read = readAll(stream);
    setTimeout(() => stop.abort(), 20);
    await expect(read).rejects.toThrow();
  });
});
