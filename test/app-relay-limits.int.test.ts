/**
 * The endpoint relay and the instance origin as callers meet them under load and abuse, through a
 * real platform and a real runtime relaying to a test app (test/support/app-ui.ts): the relay's
 * own per-caller rate limit (apart from the API's budget), failed authentications charged to the
 * client IP, access that ends at once when a member leaves, and every UI sign-in audited.
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startUiFixture } from './support/app-ui.js';
import type { UiFixture } from './support/app-ui.js';

const RELAY_LIMIT = 4;

describe.each(await testDialects('app relay limits'))('the app relay on %s', (dialect) => {
  let f: UiFixture;

  const relay = (allocation: string, token: string | undefined, path = '/echo') =>
    fetch(`${f.url}/v1/allocations/${allocation}/app/endpoints/api${path}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });

  beforeAll(async () => {
    f = await startUiFixture({
      dialect,
      rateLimit: {
        relay: { limit: RELAY_LIMIT, windowSeconds: 3600 },
        anonymous: { limit: 2, windowSeconds: 3600 },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await f?.close();
  });

  it("limits each caller's relayed requests on their own budget, not the API's", async () => {
    for (let i = 1; i <= RELAY_LIMIT; i++) {
      const res = await relay(f.a, f.member.token);
      expect(res.status, await res.text()).toBe(200);
      expect(res.headers.get('ratelimit-policy')).toBe(`"relay";q=${RELAY_LIMIT};w=3600`);
      expect(res.headers.get('ratelimit')).toMatch(new RegExp(`^"relay";r=${RELAY_LIMIT - i};t=\\d+$`));
    }
    const refused = await relay(f.a, f.member.token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { code: string }).code).toBe('RATE_LIMITED');
    // The app never saw the refused request, nor a WebSocket upgrade past the budget.
    const seen = f.seen.length;
    await relay(f.a, f.member.token);
    const upgrade = await new Promise<{ status: number; retryAfter: string | undefined }>(
      (resolve, reject) => {
        const ws = new WebSocket(`${f.url.replace(/^http/, 'ws')}/v1/allocations/${f.a}/app/endpoints/api/`, {
          headers: { authorization: `Bearer ${f.member.token}` },
        });
        ws.on('unexpected-response', (_req, res) => {
          resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] });
          res.resume();
        });
        ws.on('open', () => reject(new Error('the upgrade was relayed past the budget')));
        ws.on('error', () => undefined);
      },
    );
    expect(upgrade.status).toBe(429);
    expect(Number(upgrade.retryAfter)).toBeGreaterThan(0);
    expect(f.seen.length).toBe(seen);
    // The API's budget is untouched, and another member has a budget of their own.
    const api = await fetch(`${f.url}/v1/projects`, {
      headers: { authorization: `Bearer ${f.member.token}` },
    });
    expect(api.status).toBe(200);
    expect(api.headers.get('ratelimit')).toMatch(/^"credential";r=1199;/);
    const other = await relay(f.a, f.member2.token);
    expect(other.status).toBe(200);
  });

  it("charges failed authentications to the client IP's anonymous budget", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await relay(f.a, 'not-a-token')).status);
    expect(statuses).toEqual([401, 401, 429]);
  });

  it('closes the relay to a member removed from the project at once, not after the access TTL', async () => {
    // Decided (and kept) just now: the removal must drop that decision, not wait for it to expire.
    expect((await relay(f.a, f.member2.token)).status).toBe(200);
    const removed = await fetch(`${f.url}/v1/projects/${f.member.projectId}/members/${f.member2.userId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${f.member.token}` },
    });
    expect(removed.status, await removed.text()).toBe(204);
    const after = await relay(f.a, f.member2.token);
    expect(after.status).toBe(404);
  });
});

describe.each(await testDialects('app sign-in audit'))('UI sign-ins on %s', (dialect) => {
  let f: UiFixture;

  beforeAll(async () => {
    f = await startUiFixture({ dialect });
  }, 60_000);
  afterAll(async () => {
    await f?.close();
  });

  const exchanges = () =>
    f.platform.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'app.ui_session.exchange')
      .orderBy('id')
      .execute();

  it('audits every code exchange, the refused ones too', async () => {
    const created = await fetch(`${f.url}/v1/allocations/${f.a}/app/ui-sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.member.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(created.status).toBe(201);
    const { url } = (await created.json()) as { url: string };
    const path = new URL(url).pathname + new URL(url).search;
    expect((await f.hostRequest(f.instanceHost(f.a), path)).status).toBe(303);
    // Used once: the second exchange is refused, and recorded as such.
    expect((await f.hostRequest(f.instanceHost(f.a), path)).status).toBe(401);
    const rows = await exchanges();
    expect(rows).toMatchObject([
      {
        actor_type: 'user',
        actor_id: f.member.userId,
        target_type: 'allocation',
        target_id: f.a,
        project_id: f.member.projectId,
        result: 'success',
        status: 303,
      },
      { actor_type: 'anonymous', actor_id: null, target_id: f.a, result: 'failure', status: 401 },
    ]);
    expect(JSON.parse(rows[0]?.details ?? '{}')).toMatchObject({ endpoint: 'ui' });
    expect(JSON.parse(rows[1]?.details ?? '{}')).toEqual({ code: 'APP_UI_CODE_INVALID' });
    // The code itself is never stored in the record.
    expect(JSON.stringify(rows)).not.toContain(new URL(url).searchParams.get('code'));
  });
});
