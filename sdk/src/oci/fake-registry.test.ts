/**
 * Protocol paths Distribution 2.8 does not exercise: tag and catalog paging through Link headers,
 * and resuming an upload from the middle of a chunk (registries that keep partial chunks and
 * report them in Range).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer, type RecordedRequest, type TestHttpServer } from '@gpuaas/test-support';
import type { BlobSource } from './blob-source.js';
import { RegistryClient } from './client.js';
import { computeDigest } from './digest.js';

const servers: TestHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

function page(
  res: ServerResponse,
  items: string[],
  key: string,
  all: string[],
  req: RecordedRequest,
  path: string,
): void {
  const n = Number(req.url.searchParams.get('n') ?? all.length);
  const last = req.url.searchParams.get('last');
  const start = last === null ? 0 : all.indexOf(last) + 1;
  const slice = items.slice(start, start + n);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (start + n < all.length) headers.link = `<${path}?n=${n}&last=${slice.at(-1) ?? ''}>; rel="next"`;
  res.writeHead(200, headers).end(JSON.stringify({ [key]: slice }));
}

describe('paging', () => {
  it('follows Link headers: 5 tags in pages of 2, and the catalog', async () => {
    const tags = ['v1', 'v2', 'v3', 'v4', 'v5'];
    const repos = ['a/one', 'a/two', 'b/three'];
    const s = await startHttpServer((req, res) => {
      if (req.url.pathname === '/v2/r/x/tags/list')
        return page(res, tags, 'tags', tags, req, '/v2/r/x/tags/list');
      if (req.url.pathname === '/v2/_catalog')
        return page(res, repos, 'repositories', repos, req, '/v2/_catalog');
      res.writeHead(404).end();
    });
    servers.push(s);
    const client = new RegistryClient({ registry: s.host });
    const seen: string[] = [];
    for await (const tag of client.listTags('r/x', { pageSize: 2 })) seen.push(tag);
    expect(seen).toEqual(tags);
    expect(s.requests.map((r) => r.url.search)).toEqual(['?n=2', '?n=2&last=v2', '?n=2&last=v4']);

    const names: string[] = [];
    for await (const name of client.listRepositories({ pageSize: 2 })) names.push(name);
    expect(names).toEqual(repos);
  });
});

interface Session {
  data: Buffer;
}

/** A registry that keeps whatever part of a chunk arrived, like registries that stream to storage. */
async function resumableRegistry(
  breakPatch: number,
  keep: number,
): Promise<{ s: TestHttpServer; blobs: Map<string, Buffer> }> {
  const sessions = new Map<string, Session>();
  const blobs = new Map<string, Buffer>();
  let patches = 0;
  const s = await startHttpServer((req, res) => {
    const path = req.url.pathname;
    const uploads = '/v2/r/x/blobs/uploads/';
    const range = (session: Session): string => `0-${Math.max(0, session.data.length - 1)}`;
    if (req.method === 'HEAD') return void res.writeHead(404).end();
    if (req.method === 'POST' && path === uploads) {
      const id = randomBytes(4).toString('hex');
      sessions.set(id, { data: Buffer.alloc(0) });
      return void res.writeHead(202, { location: `${uploads}${id}`, range: '0-0' }).end();
    }
    const session = sessions.get(path.slice(uploads.length));
    if (session === undefined) return void res.writeHead(404).end();
    if (req.method === 'PATCH') {
      patches++;
      const [start] = (req.headers['content-range'] ?? '').split('-').map(Number);
      if (start !== session.data.length) return void res.writeHead(416, { range: range(session) }).end();
      if (patches === breakPatch) {
        session.data = Buffer.concat([session.data, req.body.subarray(0, keep)]);
        return void res.socket?.destroy();
      }
      session.data = Buffer.concat([session.data, req.body]);
      return void res.writeHead(202, { location: path, range: range(session) }).end();
    }
    if (req.method === 'GET') return void res.writeHead(204, { location: path, range: range(session) }).end();
    if (req.method === 'PUT') {
      const digest = `sha256:${createHash('sha256').update(session.data).digest('hex')}`;
      if (req.url.searchParams.get('digest') !== digest) {
        return void res
          .writeHead(400, { 'content-type': 'application/json' })
          .end('{"errors":[{"code":"DIGEST_INVALID"}]}');
      }
      blobs.set(digest, session.data);
      return void res.writeHead(201, { 'docker-content-digest': digest }).end();
    }
    res.writeHead(405).end();
  });
  servers.push(s);
  return { s, blobs };
}

describe('chunked upload resume', () => {
  it.each([
    ['a source that can open a range', true],
    ['a source that can only be read from the start', false],
  ])('resumes mid-chunk where the Range says, with %s', async (_name, withRange) => {
    const bytes = randomBytes(100_000);
    const { s, blobs } = await resumableRegistry(2, 12_345);
    let opens = 0;
    const source: BlobSource = {
      size: bytes.length,
      open: () => (opens++, Readable.from([bytes.subarray(0, 50_000), bytes.subarray(50_000)])),
    };
    if (withRange) source.openRange = (start, end) => (opens++, Readable.from([bytes.subarray(start, end)]));
    const client = new RegistryClient({ registry: s.host, retry: { initialDelayMs: 1 } });
    const progress: number[] = [];
    const pushed = await client.pushBlob('r/x', source, {
      chunkSize: 40_000,
      onProgress: (p) => progress.push(p.transferred),
    });
    expect(pushed.descriptor.digest).toBe(computeDigest(bytes));
    expect(blobs.get(pushed.descriptor.digest)?.equals(bytes)).toBe(true);
    const patches = s.requests.filter((r) => r.method === 'PATCH').map((r) => r.headers['content-range']);
    expect(patches).toEqual(['0-39999', '40000-79999', '52345-92344', '92345-99999']);
    expect(opens).toBe(2);
    // progress went back to what the registry confirmed, then on to the end
    expect(progress).toContain(52_345);
    expect(progress.at(-1)).toBe(100_000);
  });

  it('fails with IO_ERROR when the source is shorter than it says', async () => {
    const { s } = await resumableRegistry(0, 0);
    const client = new RegistryClient({ registry: s.host });
    const source: BlobSource = { size: 1000, open: () => Readable.from([Buffer.alloc(600)]) };
    await expect(client.pushBlob('r/x', source, { chunkSize: 400 })).rejects.toMatchObject({
      code: 'IO_ERROR',
    });
    const longer: BlobSource = { size: 10, open: () => Readable.from([Buffer.alloc(20)]) };
    await expect(client.pushBlob('r/x', longer, { chunkSize: 400 })).rejects.toMatchObject({
      code: 'IO_ERROR',
    });
  });
});
