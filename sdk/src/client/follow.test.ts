import type { ServerResponse } from 'node:http';
import { startHttpServer } from '@gpuaas/test-support';
import type { TestHttpServer } from '@gpuaas/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { createPlatformClient } from './client.js';
import { follow } from './follow.js';

const event = (id: string, allocationId: string) =>
  `id: ${id}\nevent: allocation.state_changed\ndata: ${JSON.stringify({
    id,
    type: 'allocation.state_changed',
    subject: `allocation/${allocationId}`,
    time: 't',
    project_id: 'p',
    data: { allocation_id: allocationId },
  })}\n\n`;

describe('follow', () => {
  let server: TestHttpServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('re-reads on each relevant event, and resumes the stream with Last-Event-ID', async () => {
    let connections = 0;
    server = await startHttpServer((req, res: ServerResponse) => {
      if (req.url.pathname !== '/v1/events') return void res.writeHead(404).end();
      connections++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (connections === 1) {
        // An event for someone else, then ours; then the stream drops.
        res.end(`retry: 20\n\n${event('e0', 'other')}${event('e1', 'a')}`);
      } else {
        res.write(event('e2', 'a'));
      }
    });
    const client = createPlatformClient({ baseUrl: server.url, token: 'test-token' });
    let reads = 0;
    const result = await follow({
      events: client,
      types: ['allocation.state_changed'],
      projectId: 'p',
      relevant: (e) => e.data.allocation_id === 'a',
      read: () => Promise.resolve(reads++),
      until: (n) => n >= 2,
      pollMs: 60_000,
      timeoutError: () => new Error('timed out'),
    });
    expect(result).toBe(2);
    expect(reads).toBe(3);
    const streams = server.requests.filter((r) => r.url.pathname === '/v1/events');
    expect(streams).toHaveLength(2);
    expect(streams[0]?.url.searchParams.get('types')).toBe('allocation.state_changed');
    expect(streams[0]?.url.searchParams.get('project_id')).toBe('p');
    expect(streams[0]?.headers['last-event-id']).toBeUndefined();
    expect(streams[1]?.headers['last-event-id']).toBe('e1');
    expect(streams[1]?.headers.authorization).toBe('Bearer test-token');
  });

  it('falls back to re-reading every pollMs when the stream is refused', async () => {
    server = await startHttpServer((_req, res: ServerResponse) => {
      res
        .writeHead(403, { 'content-type': 'application/problem+json' })
        .end(JSON.stringify({ type: 'x', title: 'Forbidden', status: 403, code: 'INSUFFICIENT_SCOPE' }));
    });
    const client = createPlatformClient({ baseUrl: server.url, token: 't' });
    let reads = 0;
    const result = await follow({
      events: client,
      types: ['allocation.state_changed'],
      relevant: () => true,
      read: () => Promise.resolve(reads++),
      until: (n) => n >= 2,
      pollMs: 10,
      timeoutError: () => new Error('timed out'),
    });
    expect(result).toBe(2);
    expect(server.requests).toHaveLength(1);
  });

  it('throws the timeout error with the last state read', async () => {
    server = await startHttpServer((_req, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' }).write(': open\n\n');
    });
    const client = createPlatformClient({ baseUrl: server.url, token: 't' });
    let reads = 0;
    await expect(
      follow({
        events: client,
        types: [],
        relevant: () => true,
        read: () => Promise.resolve(reads++),
        until: () => false,
        pollMs: 10,
        timeoutMs: 60,
        timeoutError: (last) => new Error(`still ${last}`),
      }),
    ).rejects.toThrow(/^still \d+$/);
    expect(reads).toBeGreaterThan(1);
  });
});
