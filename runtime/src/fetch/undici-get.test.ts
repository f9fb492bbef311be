import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startHttpServer } from '@gpuaas/test-support';
import type { TestHttpServer } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { RegistryTransport, computeDigest, openBlob, staticCredentials } from '@gpuaas/sdk';
import { undiciGet } from './undici-get.js';

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

describe('layer blobs received through undici request (streamGet)', () => {
  let registry: Handler = (_req, res) => res.end();
  let reg: TestHttpServer;
  let store: TestHttpServer;
  const seen: string[] = [];
  const bytes = randomBytes(200_000);
  const blob = { digest: computeDigest(bytes), size: bytes.length };

  beforeAll(async () => {
    reg = await listen((req, res) => {
      seen.push(`registry ${req.url?.split('?')[0]} ${req.headers.authorization?.split(' ')[0] ?? '-'}`);
      registry(req, res);
    });
    store = await listen((req, res) => {
      seen.push(`storage ${req.url?.split('?')[0]} ${req.headers.authorization?.split(' ')[0] ?? '-'}`);
      res.end(bytes);
    });
  });
  afterAll(async () => {
    await reg.stop();
    await store.stop();
  });
  const transport = () =>
    new RegistryTransport({
      registry: new URL(reg.url).host,
      streamGet: undiciGet,
      credentials: staticCredentials({ username: 'u', password: 'p' }),
      retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 2 },
    });

  it('answers the Bearer challenge, leaves the token behind at a redirect to storage, and verifies', async () => {
    registry = (req, res) => {
      if (req.url?.startsWith('/token') === true) {
        res.end(JSON.stringify({ token: 'tok' }));
      } else if (req.headers.authorization !== 'Bearer tok') {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="${reg.url}/token",service="reg"` });
        res.end();
      } else {
        res.writeHead(302, { location: `${store.url}/blob?sig=1` });
        res.end();
      }
    };
    seen.length = 0;
    expect((await readAll(await openBlob(transport(), 'team/app', blob))).equals(bytes)).toBe(true);
    const path = `/v2/team/app/blobs/${blob.digest}`;
    expect(seen).toEqual([
      `registry ${path} -`,
      'registry /token Basic',
      `registry ${path} Bearer`,
      'storage /blob -',
    ]);
  });

  it('refuses changed bytes (DIGEST_MISMATCH), maps a 404, and ends at once when stopped', async () => {
    registry = (_req, res) =>
      res.end(Buffer.concat([bytes.subarray(0, 1000), Buffer.alloc(bytes.length - 1000)]));
    await expect(readAll(await openBlob(transport(), 'team/app', blob))).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
    });
    registry = (_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"BLOB_UNKNOWN"}]}');
    };
    await expect(openBlob(transport(), 'team/app', blob)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      details: { registryErrors: [{ code: 'BLOB_UNKNOWN' }] },
    });
    registry = (_req, res) => {
      res.writeHead(200, { 'content-length': String(bytes.length) });
      res.write(bytes.subarray(0, 1000));
    };
    const stop = new AbortController();
    const read = readAll(await openBlob(transport(), 'team/app', blob, { signal: stop.signal }));
    setTimeout(() => stop.abort(), 20);
    await expect(read).rejects.toThrow();
  });

  it('goes through the global dispatcher, as the sandbox egress tunnel needs (sandbox/egress.ts)', async () => {
    registry = (_req, res) => res.end(bytes);
    const before = getGlobalDispatcher();
    let connects = 0;
    const counting = new Agent({
      connect: (options, callback) => {
        connects++;
        callback(new Error(`no network here (${options.hostname})`), null);
      },
    });
    setGlobalDispatcher(counting);
    try {
      await expect(undiciGet(new URL(`${reg.url}/v2/`), {})).rejects.toThrow(/no network here/);
      expect(connects).toBe(1);
    } finally {
      setGlobalDispatcher(before);
      await counting.close();
    }
  });
});
