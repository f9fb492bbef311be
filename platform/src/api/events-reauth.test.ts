/**
 * Open event streams are re-authorised (issue 10, item 7): over real HTTP, a member removed from
 * the project, a revoked service account, an account whose creator left, and an operator whose
 * flag was removed stop receiving events and see their stream closed: SSE with a final
 * `stream.closed` message and the end of the response, WebSocket with close code 1008.
 */
import { testDialects, openEventStream } from '@gpuaas/test-support';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { discoverServiceAccount } from '../testing/oidc.js';

const dialects = await testDialects('platform event stream re-authorisation');

interface SseMessage {
  event: string;
  data: Record<string, unknown>;
}

async function openSse(url: string, token: string) {
  const stream = await openEventStream<SseMessage['data']>(url, token);
  expect(stream.status).toBe(200);
  return stream;
}

/** Resolves as `work` does, or fails after PROMPTLY_MS: access changes apply at once. */
const PROMPTLY_MS = 5_000;
async function promptly<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not within ${PROMPTLY_MS} ms`)), PROMPTLY_MS);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe.each(dialects)('event stream re-authorisation on %s', (dialect) => {
  let t: TestPlatform;
  let owner: string;
  let operator: string;
  let projectId: string;
  let seq = 0;

  const call = async (path: string, token: string, init: { method?: string; json?: unknown } = {}) => {
    const res = await t.request(path, { token, headers: { 'if-match': '*' }, ...init });
    const text = await res.text();
    expect(res.status, text).toBeLessThan(300);
    return (text === '' ? {} : JSON.parse(text)) as Record<string, string>;
  };
  const member = async (role = 'member') => {
    const email = `stream-${++seq}@example.com`;
    const added = await call(`/v1/projects/${projectId}/members`, owner, {
      method: 'POST',
      json: { email, role },
    });
    return { id: added.user_id ?? '', token: (await t.login(email)).token };
  };
  /** Makes an event in the project: a queued allocation. */
  const allocate = async () =>
    (
      await call('/v1/allocations', owner, {
        method: 'POST',
        json: { project_id: projectId, gpus: { count: 1 } },
      })
    ).id;
  /** Reads until an allocation event about `id` (skipping others). */
  const seen = async (stream: Awaited<ReturnType<typeof openSse>>, id: string | undefined) => {
    for (;;) {
      const message = await stream.next();
      expect(message, `the stream ended before the event of ${id}`).toBeDefined();
      if ((message?.data.data as { allocation_id?: string } | undefined)?.allocation_id === id) return;
    }
  };
  /** The code the stream closed with, well before the periodic re-check (15 s) would have closed it. */
  const closedWith = (stream: Awaited<ReturnType<typeof openSse>>) => promptly(closing(stream));
  const closing = async (stream: Awaited<ReturnType<typeof openSse>>) => {
    for (;;) {
      const message = await stream.next();
      if (message === undefined) throw new Error('the stream ended without stream.closed');
      if (message.event !== 'stream.closed') continue;
      // Nothing follows the closing message: the response ends.
      expect(await stream.next()).toBeUndefined();
      return message.data.code;
    }
  };

  beforeAll(async () => {
    t = await startTestPlatform(dialect, { rateLimit: { enabled: false } });
    owner = (await t.login('stream-owner@example.com')).token;
    operator = (await t.login('stream-operator@example.com', { operator: true })).token;
    projectId = (await call('/v1/projects', owner, { method: 'POST', json: { name: 'streams' } })).id ?? '';
  });
  afterAll(() => t?.close());

  it('closes the SSE streams of a member removed from the project, filtered or not', async () => {
    const m = await member();
    const all = await openSse(`${t.url}/v1/events`, m.token);
    const filtered = await openSse(`${t.url}/v1/events?project_id=${projectId}`, m.token);
    const before = await allocate();
    await seen(all, before);
    await seen(filtered, before);
    await call(`/v1/projects/${projectId}/members/${m.id}`, owner, { method: 'DELETE' });
    expect(await closedWith(all)).toBe('FORBIDDEN');
    expect(await closedWith(filtered)).toBe('FORBIDDEN');
    // And a reconnect is refused for the project.
    expect((await t.request(`/v1/events?project_id=${projectId}`, { token: m.token })).status).toBe(404);
  });

  it('keeps the stream of a member whose role changes but who may still read', async () => {
    const m = await member();
    const stream = await openSse(`${t.url}/v1/events`, m.token);
    await seen(stream, await allocate());
    await call(`/v1/projects/${projectId}/members/${m.id}`, owner, {
      method: 'PATCH',
      json: { role: 'viewer' },
    });
    await seen(stream, await allocate());
    await stream.cancel();
  });

  it('closes the WebSocket of a removed member with 1008', async () => {
    const m = await member('viewer');
    const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/v1/events`, ['gpuaas.events.v1'], {
      headers: { authorization: `Bearer ${m.token}` },
    });
    const frames: Record<string, unknown>[] = [];
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    const opened = new Promise<void>((resolve) =>
      ws.on('message', (data: Buffer) => {
        frames.push(JSON.parse(data.toString()) as Record<string, unknown>);
        resolve();
      }),
    );
    await opened;
    const id = await allocate();
    await expect
      .poll(() => frames.some((f) => (f.data as { allocation_id?: string })?.allocation_id === id))
      .toBe(true);
    await call(`/v1/projects/${projectId}/members/${m.id}`, owner, { method: 'DELETE' });
    expect(await promptly(closed)).toEqual({ code: 1008, reason: 'FORBIDDEN' });
  });

  it('closes the stream of a revoked service account, and of one whose creator left', async () => {
    const creator = await member('owner');
    const account = async (token: string) => {
      const created = await call(`/v1/projects/${projectId}/service-accounts`, token, {
        method: 'POST',
        json: { name: `stream-sa-${++seq}`, scopes: ['events:read'] },
      });
      const config = await discoverServiceAccount(
        t.url,
        created.client_id ?? '',
        created.client_secret ?? '',
      );
      return {
        id: created.id ?? '',
        token: (await client.clientCredentialsGrant(config, { scope: 'events:read' })).access_token,
      };
    };
    const revoked = await account(owner);
    const orphaned = await account(creator.token);
    const revokedStream = await openSse(`${t.url}/v1/events`, revoked.token);
    const orphanedStream = await openSse(`${t.url}/v1/events`, orphaned.token);
    const id = await allocate();
    await seen(revokedStream, id);
    await seen(orphanedStream, id);

    await call(`/v1/projects/${projectId}/service-accounts/${revoked.id}`, owner, { method: 'DELETE' });
    expect(await closedWith(revokedStream)).toBe('TOKEN_INVALID');
    await call(`/v1/projects/${projectId}/members/${creator.id}`, owner, { method: 'DELETE' });
    expect(await closedWith(orphanedStream)).toBe('FORBIDDEN');
  });

  it('closes the stream of an operator whose flag is removed', async () => {
    const { token, user } = await t.login(`stream-op-${++seq}@example.com`, { operator: true });
    const stream = await openSse(`${t.url}/v1/events`, token);
    // Operators see every project's events.
    await seen(stream, await allocate());
    await call(`/v1/operators/${user.id}`, operator, { method: 'DELETE' });
    expect(await closedWith(stream)).toBe('FORBIDDEN');
  });
});
