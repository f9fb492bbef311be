/**
 * Console UI extensions on their own origin (issue 16, "Reaching an app"): the Host router in front
 * of the platform, the one-time sign-in code (single use, 60 s, bound to its allocation and user)
 * and the instance token it yields (audience = the instance origin, `allocation_id`, 5 minutes,
 * the app's permitted scopes ∩ the user's rights), through a real platform and a real runtime
 * relaying to an app written by the test (test/support/app-ui.ts: no sandbox). SQLite and PostgreSQL.
 */
import { decodeJwt } from 'jose';
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startUiFixture } from './support/app-ui.js';
import { gpuaasBin, run } from './support/processes.js';
import type { UiFixture } from './support/app-ui.js';

interface UiSession {
  code: string;
  url: string;
  origin: string;
  endpoint: string;
  expires_at: string;
}

describe.each(await testDialects('app UI extensions'))('app UI extensions on %s', (dialect) => {
  let f: UiFixture;

  const api = (path: string, token: string | undefined, init: { method?: string; json?: unknown } = {}) =>
    fetch(`${f.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.json === undefined ? null : JSON.stringify(init.json),
    });
  const newSession = async (allocation: string, token: string, json: unknown = {}): Promise<UiSession> => {
    const res = await api(`/v1/allocations/${allocation}/app/ui-sessions`, token, { method: 'POST', json });
    const text = await res.text();
    expect(res.status, text).toBe(201);
    return JSON.parse(text) as UiSession;
  };
  /** Signs in at `host` with the code of `session`; returns the answer and the session cookie. */
  const signIn = async (host: string, session: UiSession) => {
    const res = await f.hostRequest(host, new URL(session.url).pathname + new URL(session.url).search);
    const setCookie = [res.headers['set-cookie'] ?? []].flat();
    return { res, cookie: setCookie[0]?.split(';')[0] };
  };

  beforeAll(async () => {
    f = await startUiFixture({ dialect });
  }, 60_000);
  afterAll(async () => {
    await f?.close();
  });

  it('gives a member a one-time code and the URL of the instance origin', async () => {
    const before = Date.now();
    const session = await newSession(f.a, f.member.token);
    expect(session.origin).toBe(`http://${f.instanceHost(f.a)}`);
    expect(session.url).toBe(`${session.origin}/.gpuaas/signin?code=${encodeURIComponent(session.code)}`);
    expect(session.endpoint).toBe('ui');
    expect(session.code.length).toBeGreaterThanOrEqual(43);
    expect(Date.parse(session.expires_at) - before).toBeLessThanOrEqual(61_000);
  });

  it('`gpuaas app open` prints a URL that signs the user in once', async () => {
    const opened = await run(gpuaasBin, ['app', 'open', f.a], {
      PATH: process.env.PATH,
      HOME: f.store.dataDir,
      GPUAAS_API_URL: f.url,
      GPUAAS_TOKEN: f.member.token,
      CI: 'true',
    });
    expect(opened.code, opened.stderr).toBe(0);
    const url = new URL(opened.stdout.trim());
    expect(url.origin).toBe(`http://${f.instanceHost(f.a)}`);
    expect(url.pathname).toBe('/.gpuaas/signin');
    const first = await f.hostRequest(url.host, `${url.pathname}${url.search}`);
    expect(first.status).toBe(303);
    expect((await f.hostRequest(url.host, `${url.pathname}${url.search}`)).status).toBe(401);
  });

  it.each([
    ['a viewer of the project', 'viewer', 403, 'FORBIDDEN'],
    ["another project's member", 'other', 404, 'NOT_FOUND'],
  ] as const)('refuses %s a code', async (_name, who, status, code) => {
    const res = await api(`/v1/allocations/${f.a}/app/ui-sessions`, f[who].token, {
      method: 'POST',
      json: {},
    });
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ code });
  });

  it('refuses a code for an endpoint that is not a UI extension', async () => {
    const res = await api(`/v1/allocations/${f.a}/app/ui-sessions`, f.member.token, {
      method: 'POST',
      json: { endpoint: 'api' },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('exchanges a code once for a host-only HttpOnly Lax cookie and sends the browser to the UI path', async () => {
    const session = await newSession(f.a, f.member.token);
    const { res, cookie } = await signIn(f.instanceHost(f.a), session);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/ui/');
    const setCookie = [res.headers['set-cookie'] ?? []].flat()[0] ?? '';
    expect(setCookie).toMatch(
      /^gpuaas_app_session=[^;]+; Path=\/; Max-Age=(29\d|300); HttpOnly; SameSite=Lax$/,
    );
    expect(setCookie).not.toMatch(/domain=/i);
    expect(res.headers['content-security-policy']).toBe(`frame-ancestors ${new URL(f.url).origin}`);
    expect(cookie).toBeDefined();

    const again = await signIn(f.instanceHost(f.a), session);
    expect(again.res.status).toBe(401);
    expect(JSON.parse(again.res.body)).toMatchObject({ code: 'APP_UI_CODE_INVALID' });
    expect(again.cookie).toBeUndefined();
  });

  it('refuses an expired code, an unknown one and one of another allocation', async () => {
    const expired = await newSession(f.a, f.member.token);
    await f.platform.db
      .updateTable('oidc_payloads')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('model', '=', 'AppUiCode')
      .where('consumed_at', 'is', null)
      .execute();
    expect((await signIn(f.instanceHost(f.a), expired)).res.status).toBe(401);

    const unknown = await f.hostRequest(f.instanceHost(f.a), '/.gpuaas/signin?code=not-a-code');
    expect(unknown.status).toBe(401);
    expect(JSON.parse(unknown.body)).toMatchObject({ code: 'APP_UI_CODE_INVALID' });

    // A's code presented on B's origin (another tenant's instance) signs no one in there…
    const forA = await newSession(f.a, f.member.token);
    const onB = await signIn(f.instanceHost(f.b), forA);
    expect(onB.res.status).toBe(401);
    expect(JSON.parse(onB.res.body)).toMatchObject({ code: 'APP_UI_CODE_INVALID' });
    expect(onB.cookie).toBeUndefined();
    // …and is spent: a code is tried once.
    expect((await signIn(f.instanceHost(f.a), forA)).res.status).toBe(401);
    // B's tenant's code does not open A either.
    const forB = await newSession(f.b, f.other.token);
    expect((await signIn(f.instanceHost(f.a), forB)).res.status).toBe(401);
  });

  it("relays to the UI endpoint with the instance token, never the platform's credentials", async () => {
    const session = await newSession(f.a, f.member.token);
    const { cookie } = await signIn(f.instanceHost(f.a), session);
    const res = await f.hostRequest(f.instanceHost(f.a), '/echo?x=1', {
      headers: {
        cookie: `${cookie}; _session=platform-session`,
        authorization: `Bearer ${f.member.token}`,
        'x-gpuaas-app-token': 'forged',
      },
    });
    expect(res.status, res.body).toBe(200);
    const echoed = JSON.parse(res.body) as { url: string; headers: Record<string, string> };
    expect(echoed.url).toBe('/echo?x=1');
    expect(echoed.headers.authorization).toBeUndefined();
    expect(echoed.headers.cookie).toBeUndefined();
    expect(JSON.stringify(echoed.headers)).not.toContain(f.member.token);
    expect(echoed.headers['x-gpuaas-user']).toBe(`user:${f.member.userId}`);
    // What the caller gets: the console may frame it, nothing else; no cookie of the app's.
    expect(res.headers['content-security-policy']).toBe(`frame-ancestors ${new URL(f.url).origin}`);
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();

    const token = echoed.headers['x-gpuaas-app-token'] ?? '';
    expect(token).toBe(cookie?.split('=')[1]);
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: f.platform.issuer,
      aud: `http://${f.instanceHost(f.a)}`,
      sub: f.member.userId,
      azp: 'gpuaas-app-ui',
      allocation_id: f.a,
      endpoint: 'ui',
      // Granted to the launch: allocations:read audit:read (+ usage:write, the runtime's, never
      // the app's); the project's owner holds both.
      scope: 'allocations:read audit:read',
    });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBeLessThanOrEqual(300);

    // The instance token is no key to the platform's API, nor to another instance.
    const platformCall = await api('/v1/projects', token);
    expect(platformCall.status).toBe(401);
    const onB = await f.hostRequest(f.instanceHost(f.b), '/echo', { headers: { cookie: cookie ?? '' } });
    expect(onB.status).toBe(401);
    expect(JSON.parse(onB.body)).toMatchObject({ code: 'TOKEN_INVALID' });
    // A session planted by a sibling host (a Domain cookie, possible on http) does not hide A's own.
    const planted = (await signIn(f.instanceHost(f.b), await newSession(f.b, f.other.token))).cookie;
    const both = await f.hostRequest(f.instanceHost(f.a), '/echo', {
      headers: { cookie: `${planted}; ${cookie}` },
    });
    expect(both.status).toBe(200);
    expect((JSON.parse(both.body) as { headers: Record<string, string> }).headers['x-gpuaas-app-token']).toBe(
      token,
    );
  });

  it("limits the token to the user's rights and the asking token's scopes", async () => {
    const scopeOf = async (token: string) => {
      const { cookie } = await signIn(f.instanceHost(f.a), await newSession(f.a, token));
      return decodeJwt(cookie?.split('=')[1] ?? '').scope;
    };
    // A plain member may not read the audit log: the app gets no more on their behalf.
    expect(await scopeOf(f.member2.token)).toBe('allocations:read');
    const limited = await f.platform.issueAccessToken({
      sub: f.member.userId,
      scopes: ['allocations:write', 'audit:read'],
    });
    expect(await scopeOf(limited.token)).toBe('audit:read');
  });

  it('serves none of the platform on an instance origin and takes none of its credentials', async () => {
    const host = f.instanceHost(f.a);
    for (const path of ['/v1/projects', '/docs', '/.well-known/openid-configuration', '/healthz', '/v2/']) {
      const res = await f.hostRequest(host, path, { headers: { authorization: `Bearer ${f.member.token}` } });
      expect(res.status, path).toBe(401);
      expect(JSON.parse(res.body), path).toMatchObject({ code: 'TOKEN_MISSING' });
      expect(res.headers['content-security-policy']).toBe(`frame-ancestors ${new URL(f.url).origin}`);
    }
    // A host under the apps domain that names no instance is not the platform either.
    const bare = await f.hostRequest(`apps.localhost:${f.port}`, '/v1/projects', {
      headers: { authorization: `Bearer ${f.member.token}` },
    });
    expect(bare.status).toBe(404);
    // Signed in, the platform's paths are the app's: it answers them, not the platform.
    const { cookie } = await signIn(host, await newSession(f.a, f.member.token));
    const relayed = await f.hostRequest(host, '/v1/projects', { headers: { cookie: cookie ?? '' } });
    expect(relayed.status).toBe(404);
    expect(relayed.body).toBe('app: not found');
    const reserved = await f.hostRequest(host, '/.gpuaas/anything', { headers: { cookie: cookie ?? '' } });
    expect(reserved.status).toBe(404);
  });

  it('closes the origin to a user who left the project, at the next request', async () => {
    const session = await newSession(f.a, f.viewer.token).catch(() => undefined);
    expect(session).toBeUndefined();
    const { cookie } = await signIn(f.instanceHost(f.a), await newSession(f.a, f.member.token));
    const ok = await f.hostRequest(f.instanceHost(f.a), '/ui/', { headers: { cookie: cookie ?? '' } });
    expect(ok.status).toBe(200);
    await f.platform.db
      .updateTable('memberships')
      .set({ role: 'viewer' })
      .where('user_id', '=', f.member.userId)
      .execute();
    try {
      const refused = await f.hostRequest(f.instanceHost(f.a), '/ui/', { headers: { cookie: cookie ?? '' } });
      expect(refused.status).toBe(403);
    } finally {
      await f.platform.db
        .updateTable('memberships')
        .set({ role: 'owner' })
        .where('user_id', '=', f.member.userId)
        .execute();
    }
  });

  it('relays a WebSocket on the instance origin with the session cookie only', async () => {
    const { cookie } = await signIn(f.instanceHost(f.a), await newSession(f.a, f.member.token));
    const open = (headers: Record<string, string>) =>
      new WebSocket(`ws://127.0.0.1:${f.port}/ws`, { headers: { host: f.instanceHost(f.a), ...headers } });
    const ws = open({ cookie: cookie ?? '' });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const reply = new Promise<string>((resolve) => ws.once('message', (d: Buffer) => resolve(d.toString())));
    ws.send('hi');
    expect(await reply).toBe('echo: hi');
    ws.close();
    const upgraded = f.seen.findLast((s) => s.url === '/ws');
    expect(upgraded?.headers['x-gpuaas-app-token']).toBe(cookie?.split('=')[1]);
    expect(upgraded?.headers.cookie).toBeUndefined();

    // The platform's bearer token opens nothing here.
    const refused = open({ authorization: `Bearer ${f.member.token}` });
    const status = await new Promise<number>((resolve) => {
      refused.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
      });
      refused.once('open', () => resolve(101));
    });
    expect(status).toBe(401);
  });
});
