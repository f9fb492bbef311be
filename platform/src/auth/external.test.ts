/**
 * Tokens of a trusted external issuer: a second, in-test OpenID issuer (discovery + JWKS served
 * from a loopback server, tokens signed with jose) is accepted and mapped to a platform user by
 * email; forged, foreign-audience, untrusted and expired tokens are refused.
 */
import { startHttpServer, testDialects } from '@gpuaas/test-support';
import type { TestHttpServer } from '@gpuaas/test-support';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileOptions } from '../config.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('platform external issuers');

interface Issuer {
  server: TestHttpServer;
  sign(
    claims: Record<string, unknown>,
    options?: { key?: CryptoKey; exp?: string | number },
  ): Promise<string>;
}

async function startIssuer(): Promise<Issuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'ext-1', alg: 'ES256', use: 'sig' };
  let issuer = '';
  const server = await startHttpServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url.pathname === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys` }));
    } else if (req.url.pathname === '/keys') {
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404).end('{}');
    }
  });
  issuer = server.url;
  return {
    server,
    sign: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'ext-1' })
        .setIssuer(issuer)
        .setIssuedAt()
        .setExpirationTime(options.exp ?? '5m')
        .sign(options.key ?? privateKey),
  };
}

describe('trusted issuer options', () => {
  it.each([
    ['not a URL', { issuer: 'nope', audience: 'a' }, /trustedIssuers\[0\]\.issuer/],
    ['empty audience', { issuer: 'https://id.example.com', audience: '' }, /trustedIssuers\[0\]\.audience/],
  ])('refuses %s', (_name, trusted, message) => {
    const result = compileOptions({ trustedIssuers: [trusted] }, {});
    expect(result.value).toBeUndefined();
    expect(result.errors.join('\n')).toMatch(message);
  });
});

describe.each(dialects)('external issuers on %s', (dialect) => {
  let t: TestPlatform;
  let ext: Issuer;

  beforeAll(async () => {
    ext = await startIssuer();
    t = await startTestPlatform(dialect, {
      rateLimit: { enabled: false },
      trustedIssuers: [{ issuer: ext.server.url, audience: 'gpuaas', claim: 'email' }],
    });
  });
  afterAll(async () => {
    await t?.close();
    await ext?.server.stop();
  });

  const me = (token: string) => t.request('/v1/users/me', { token });

  it('accepts a token of the trusted issuer and creates its user on first sight, without roles', async () => {
    const token = await ext.sign({ sub: 'ext-42', aud: 'gpuaas', email: 'Erin@Example.com' });
    const res = await me(token);
    expect(res.status).toBe(200);
    const user = (await res.json()) as { id: string; email: string; operator: boolean };
    expect(user).toMatchObject({ email: 'erin@example.com', operator: false });
    const memberships = await t.platform.db
      .selectFrom('memberships')
      .select('project_id')
      .where('user_id', '=', user.id)
      .execute();
    expect(memberships).toEqual([]);
    // The same person again maps to the same user.
    const again = await me(await ext.sign({ sub: 'ext-42', aud: 'gpuaas', email: 'erin@example.com' }));
    expect(((await again.json()) as { id: string }).id).toBe(user.id);
  });

  it.each([
    [
      'forged (another key, same kid)',
      async () => {
        const { privateKey } = await generateKeyPair('ES256');
        return ext.sign({ aud: 'gpuaas', email: 'mallory@example.com' }, { key: privateKey });
      },
      'TOKEN_INVALID',
    ],
    ['meant for another audience', () => ext.sign({ aud: 'other', email: 'x@example.com' }), 'TOKEN_INVALID'],
    ['without an email claim', () => ext.sign({ aud: 'gpuaas', sub: 'no-email' }), 'TOKEN_INVALID'],
    [
      'expired',
      () => ext.sign({ aud: 'gpuaas', email: 'x@example.com' }, { exp: Math.floor(Date.now() / 1000) - 120 }),
      'TOKEN_EXPIRED',
    ],
  ])('refuses a token %s', async (_name, make, code) => {
    const res = await me(await make());
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe(code);
  });

  it('refuses tokens of an issuer it does not trust', async () => {
    const other = await startIssuer();
    try {
      const res = await me(await other.sign({ aud: 'gpuaas', email: 'x@example.com' }));
      expect(res.status).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe('TOKEN_INVALID');
      expect(other.server.requests).toEqual([]);
    } finally {
      await other.server.stop();
    }
  });
});
