/**
 * The built-in OpenID Provider end to end, with openid-client as the relying party (as the
 * `gpuaas` CLI uses it): authorization code + PKCE over a loopback redirect, refresh, device flow,
 * and persistence of sessions and refresh tokens across a restart on the same database.
 */
import { createTestStore, testDialects } from '@gpuaas/test-support';
import type { TestDialect } from '@gpuaas/test-support';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/passwords.js';
import { ensureUser } from '../identity/store.js';
import { createPlatform } from '../platform.js';
import type { Platform } from '../platform.js';
import {
  TestUserAgent,
  discoverCli,
  formOf,
  loginOverHttp,
  oauthError,
  startAuthorization,
} from '../testing/oidc.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('platform OIDC provider');

const PASSWORD = 'correct horse battery staple';

async function addLocalUser(platform: Platform, email: string, options: { operator?: boolean } = {}) {
  const user = await ensureUser(platform.db, email, options);
  await platform.db
    .updateTable('users')
    .set({ password_hash: await hashPassword(PASSWORD) })
    .where('id', '=', user.id)
    .execute();
  return user;
}

async function me(url: string, token: string) {
  return fetch(`${url}/v1/users/me`, { headers: { authorization: `Bearer ${token}` } });
}

describe.each(dialects)('OIDC provider on %s', (dialect) => {
  let t: TestPlatform;
  let config: client.Configuration;

  beforeAll(async () => {
    t = await startTestPlatform(dialect, { rateLimit: { enabled: false } });
    config = await discoverCli(t.url);
  });
  afterAll(() => t?.close());

  it('publishes discovery for the platform issuer with the platform signing key', async () => {
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(t.url);
    expect(metadata.token_endpoint).toBe(`${t.url}/oidc/token`);
    expect(metadata.device_authorization_endpoint).toBe(`${t.url}/oidc/device/auth`);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']),
    );
    const jwks = (await (await fetch(String(metadata.jwks_uri))).json()) as { keys: { kid: string }[] };
    const platformJwks = (await (await t.request('/.well-known/jwks.json')).json()) as {
      keys: { kid: string }[];
    };
    expect(jwks.keys.map((k) => k.kid)).toEqual(platformJwks.keys.map((k) => k.kid));
    expect(JSON.stringify(jwks)).not.toContain('"d"');
  });

  it('signs in with authorization code + PKCE on a loopback port, and the token calls the API', async () => {
    const user = await addLocalUser(t.platform, 'alice@example.com', { operator: true });
    const start = await startAuthorization(config, 49152 + Math.floor(Math.random() * 1000));
    const agent = new TestUserAgent();
    const { callback, loginPage } = await loginOverHttp(agent, start, 'Alice@Example.com', PASSWORD);
    expect(loginPage.body).toContain('name="password"');
    expect(loginPage.response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: start.verifier,
      expectedState: start.state,
    });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.claims()?.sub).toBe(user.id);
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      iss: t.url,
      aud: 'gpuaas-api',
      sub: user.id,
      client_id: 'gpuaas-cli',
      operator: true,
    });
    const res = await me(t.url, tokens.access_token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: user.id, email: 'alice@example.com', operator: true });
    // No API scope asked for: a full user session, not limited by scope (roles decide).
    expect(decodeJwt(tokens.access_token).scope).toBeUndefined();
    const projects = await fetch(`${t.url}/v1/projects`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(projects.status).toBe(200);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect((await me(t.url, refreshed.access_token)).status).toBe(200);
    // Refresh tokens of the public client rotate: the old one is spent.
    await expect(client.refreshTokenGrant(config, tokens.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('limits a user token to the API scopes the client asked for', async () => {
    await addLocalUser(t.platform, 'scoped@example.com');
    const verifier = client.randomPKCECodeVerifier();
    const start = {
      verifier,
      state: client.randomState(),
      redirectUri: 'http://127.0.0.1:50003/callback',
      url: new URL('http://placeholder'),
    };
    start.url = client.buildAuthorizationUrl(config, {
      redirect_uri: start.redirectUri,
      scope: 'openid projects:read',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: start.state,
    });
    const { callback } = await loginOverHttp(new TestUserAgent(), start, 'scoped@example.com', PASSWORD);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: start.state,
    });
    expect(decodeJwt(tokens.access_token).scope).toBe('projects:read');
    const headers = { authorization: `Bearer ${tokens.access_token}` };
    expect((await fetch(`${t.url}/v1/projects`, { headers })).status).toBe(200);
    const audit = await fetch(`${t.url}/v1/audit`, { headers });
    expect(audit.status).toBe(403);
  });

  it('revokes a refresh token at the revocation endpoint', async () => {
    await addLocalUser(t.platform, 'rita@example.com');
    const start = await startAuthorization(config, 50001);
    const { callback } = await loginOverHttp(new TestUserAgent(), start, 'rita@example.com', PASSWORD);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: start.verifier,
      expectedState: start.state,
    });
    await client.tokenRevocation(config, tokens.refresh_token ?? '');
    expect(await oauthError(client.refreshTokenGrant(config, tokens.refresh_token ?? ''))).toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('refuses a wrong password with the form again, and records the attempt', async () => {
    await addLocalUser(t.platform, 'bob@example.com');
    const start = await startAuthorization(config, 50000);
    const agent = new TestUserAgent();
    const page = await agent.follow(start.url.toString());
    const form = formOf(page.body);
    const refused = await agent.submit(form.action, page.url, {
      email: 'bob@example.com',
      password: 'wrong',
    });
    expect(refused.response.status).toBe(401);
    expect(refused.body).toContain('Wrong email or password');
    const unknown = await agent.submit(form.action, page.url, { email: 'nobody@example.com', password: 'x' });
    expect(unknown.response.status).toBe(401);
    const events = await t.platform.db
      .selectFrom('audit_events')
      .select(['result', 'action'])
      .where('action', '=', 'user.login')
      .where('result', '=', 'failure')
      .execute();
    expect(events.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses an authorization request without PKCE and a non-loopback redirect', async () => {
    const agent = new TestUserAgent();
    const noPkce = client.buildAuthorizationUrl(config, {
      redirect_uri: 'http://127.0.0.1:5000/callback',
      scope: 'openid',
    });
    const hop = await agent.follow(noPkce.toString(), {}, (next) =>
      next.startsWith('http://127.0.0.1:5000/'),
    );
    expect(hop.url).toContain('error=invalid_request');
    const foreign = client.buildAuthorizationUrl(config, {
      redirect_uri: 'http://evil.example/callback',
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const refused = await agent.follow(foreign.toString(), {}, (next) =>
      next.startsWith('http://evil.example'),
    );
    expect(refused.url.startsWith('http://evil.example')).toBe(false);
    expect(refused.response.status).toBe(400);
  });

  it('completes the device flow: code page, login, confirmation, polling', async () => {
    const user = await addLocalUser(t.platform, 'carol@example.com');
    const device = await client.initiateDeviceAuthorization(config, { scope: 'openid offline_access' });
    expect(device.verification_uri).toBe(`${t.url}/device`);
    const agent = new TestUserAgent();
    const input = await agent.follow(device.verification_uri);
    const inputForm = formOf(input.body, 'op.deviceInputForm');
    const confirm = await agent.submit(inputForm.action, input.url, {
      ...inputForm.fields,
      user_code: device.user_code,
    });
    expect(confirm.body).toContain('Confirm the device');
    const confirmForm = formOf(confirm.body, 'op.deviceConfirmForm');
    const login = await agent.submit(confirmForm.action, confirm.url, confirmForm.fields);
    const loginForm = formOf(login.body);
    const done = await agent.submit(loginForm.action, login.url, {
      email: 'carol@example.com',
      password: PASSWORD,
    });
    expect(done.body).toContain('Device connected');
    const tokens = await client.pollDeviceAuthorizationGrant(config, device);
    expect(decodeJwt(tokens.access_token).sub).toBe(user.id);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect((await me(t.url, tokens.access_token)).status).toBe(200);
  }, 30_000);
});

describe.each(dialects)('OIDC state across a restart on %s', (dialect: TestDialect) => {
  it('keeps refresh tokens and the browser session: a new instance on the same database honours them', async () => {
    const store = await createTestStore(dialect);
    const { freePort } = await import('@gpuaas/test-support');
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const start = async () => {
      const platform = await createPlatform({
        dataDir: store.dataDir,
        databaseUrl: store.databaseUrl,
        publicUrl,
        defaultMetrics: false,
        log: { level: 'silent' },
      });
      await platform.listen({ port });
      return platform;
    };
    try {
      const first = await start();
      let refreshToken: string;
      const agent = new TestUserAgent();
      try {
        await addLocalUser(first, 'dave@example.com');
        const config = await discoverCli(publicUrl);
        const auth = await startAuthorization(config, 51000);
        const { callback } = await loginOverHttp(agent, auth, 'dave@example.com', PASSWORD);
        const tokens = await client.authorizationCodeGrant(config, callback, {
          pkceCodeVerifier: auth.verifier,
          expectedState: auth.state,
        });
        refreshToken = tokens.refresh_token ?? '';
      } finally {
        await first.close({ graceMs: 100 });
      }
      // Lets this process's HTTP client see the closed keep-alive sockets before reusing the port.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const second = await start();
      try {
        const config = await discoverCli(publicUrl);
        const refreshed = await client.refreshTokenGrant(config, refreshToken);
        expect((await me(publicUrl, refreshed.access_token)).status).toBe(200);
        // The session cookie from the first instance still signs the user in: no login form this time.
        const auth = await startAuthorization(config, 51001);
        const hop = await agent.follow(auth.url.toString(), {}, (next) => next.startsWith(auth.redirectUri));
        expect(hop.url.startsWith(auth.redirectUri)).toBe(true);
        expect(new URL(hop.url).searchParams.get('code')).toEqual(expect.any(String));
      } finally {
        await second.close({ graceMs: 100 });
      }
    } finally {
      await store.drop();
    }
  }, 30_000);
});

describe.each(dialects)('two instances on one %s database', (dialect: TestDialect) => {
  it('redeems at one instance a code issued by the other, and refuses it a second time', async () => {
    const store = await createTestStore(dialect);
    const { freePort } = await import('@gpuaas/test-support');
    const portA = await freePort();
    const publicUrl = `http://127.0.0.1:${portA}`;
    const open = () =>
      createPlatform({
        dataDir: store.dataDir,
        databaseUrl: store.databaseUrl,
        publicUrl,
        defaultMetrics: false,
        log: { level: 'silent' },
      });
    const a = await open();
    const b = await open();
    try {
      await a.listen({ port: portA });
      const { url: urlB } = await b.listen({ port: 0 });
      await addLocalUser(a, 'erin@example.com');
      const config = await discoverCli(publicUrl);
      const start = await startAuthorization(config, 51002);
      const { callback } = await loginOverHttp(new TestUserAgent(), start, 'erin@example.com', PASSWORD);
      const redeem = () =>
        fetch(`${urlB}/oidc/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code: callback.searchParams.get('code') ?? '',
            code_verifier: start.verifier,
            redirect_uri: start.redirectUri,
            client_id: 'gpuaas-cli',
          }),
        });
      const first = await redeem();
      expect(first.status).toBe(200);
      const { access_token } = (await first.json()) as { access_token: string };
      expect((await me(publicUrl, access_token)).status).toBe(200);
      expect((await me(urlB, access_token)).status).toBe(200);
      const second = await redeem();
      expect(second.status).toBe(400);
      expect(((await second.json()) as { error: string }).error).toBe('invalid_grant');
    } finally {
      await a.close({ graceMs: 100 });
      await b.close({ graceMs: 100 });
      await store.drop();
    }
  }, 30_000);
});

describe('login throttling', () => {
  it('answers 429 with Retry-After once an address has spent its login attempts', async () => {
    const t = await startTestPlatform('sqlite', {
      rateLimit: { anonymous: { limit: 3, windowSeconds: 60 } },
    });
    try {
      const config = await discoverCli(t.url);
      const agent = new TestUserAgent();
      const page = await agent.follow((await startAuthorization(config, 50002)).url.toString());
      const form = formOf(page.body);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const hop = await agent.submit(form.action, page.url, {
          email: 'guess@example.com',
          password: `p${i}`,
        });
        statuses.push(hop.response.status);
        if (hop.response.status === 429)
          expect(Number(hop.response.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await t.close();
    }
  });
});
