import { createTestStore, testDialects } from '@gpuaas/test-support';
import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoTime, newId } from '../ids.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('platform tokens');

function b64(json: unknown): string {
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}

describe.each(dialects)('access tokens on %s', (dialect) => {
  let t: TestPlatform;
  let userId: string;
  let token: string;

  beforeAll(async () => {
    t = await startTestPlatform(dialect);
    ({ token } = await t.login('tokens@example.com'));
    userId = ((await (await t.request('/v1/users/me', { token })).json()) as { id: string }).id;
  });
  afterAll(() => t?.close());

  const call = (authorization?: string) =>
    t.request('/v1/users/me', authorization === undefined ? {} : { headers: { authorization } });

  async function expectRefused(authorization: string | undefined, code: string) {
    const res = await call(authorization);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="gpuaas"/);
    expect(((await res.json()) as { code: string }).code).toBe(code);
  }

  it('accepts a valid token and reports the principal', async () => {
    const res = await call(`Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: userId, email: 'tokens@example.com', operator: false });
  });

  it('answers 401 TOKEN_MISSING without a token', () => expectRefused(undefined, 'TOKEN_MISSING'));

  it.each([
    ['a Basic credential', 'Basic dXNlcjpwYXNz'],
    ['garbage', 'Bearer not-a-jwt'],
    ['an empty bearer', 'Bearer '],
  ])('answers 401 TOKEN_INVALID for %s', (_name, header) => expectRefused(header, 'TOKEN_INVALID'));

  it('answers 401 TOKEN_EXPIRED for an expired token', async () => {
    const expired = await t.platform.issueAccessToken({ sub: userId, ttlSeconds: -60 });
    await expectRefused(`Bearer ${expired.token}`, 'TOKEN_EXPIRED');
  });

  it('rejects a token signed by another key under a known kid (forged)', async () => {
    const kid = (await (await t.request('/.well-known/jwks.json')).json()) as { keys: { kid: string }[] };
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ principal_type: 'user', operator: true })
      .setProtectedHeader({ alg: 'ES256', kid: kid.keys[0]!.kid, typ: 'at+jwt' })
      .setIssuer(t.platform.issuer)
      .setAudience('gpuaas-api')
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    await expectRefused(`Bearer ${forged}`, 'TOKEN_INVALID');
  });

  it('rejects a token with an unknown kid, an unsigned token and a tampered payload', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const unknownKid = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'nobody', typ: 'at+jwt' })
      .setIssuer(t.platform.issuer)
      .setAudience('gpuaas-api')
      .setSubject(userId)
      .setExpirationTime('5m')
      .sign(privateKey);
    await expectRefused(`Bearer ${unknownKid}`, 'TOKEN_INVALID');

    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: t.platform.issuer, aud: 'gpuaas-api', sub: userId, exp: now + 300, iat: now };
    await expectRefused(`Bearer ${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`, 'TOKEN_INVALID');

    const [header, , signature] = token.split('.');
    const tampered = `${header}.${b64({ ...claims, principal_type: 'user', operator: true })}.${signature}`;
    await expectRefused(`Bearer ${tampered}`, 'TOKEN_INVALID');
  });

  it.each([
    ['another audience', { audience: 'someone-else' }],
    ['another issuer', { publicUrl: 'http://127.0.0.1:1' }],
  ])('rejects tokens signed with our keys for %s', async (_name, options) => {
    // A second instance on the same store signs with the same keys but other claims.
    const other = await startTestPlatform(dialect, {
      publicUrl: t.platform.issuer,
      ...options,
      store: t.store,
    });
    try {
      const { token: foreign } = await other.login('tokens@example.com');
      expect(foreign.split('.')[0]).toBe(token.split('.')[0]);
      await expectRefused(`Bearer ${foreign}`, 'TOKEN_INVALID');
    } finally {
      await other.close();
    }
  });

  it('limits service-account tokens to their scopes and refuses revoked accounts', async () => {
    const project = (await (
      await t.request('/v1/projects', { method: 'POST', token, json: { name: 'sa-home' } })
    ).json()) as { id: string };
    const saId = newId();
    await t.platform.db
      .insertInto('service_accounts')
      .values({
        id: saId,
        project_id: project.id,
        name: 'ci',
        scopes: 'projects:read',
        secret_hash: null,
        created_by: userId,
        created_at: isoTime(),
        revoked_at: null,
      })
      .execute();
    const sa = (scopes: string[]) =>
      t.platform.issueAccessToken({
        sub: saId,
        principalType: 'service_account',
        projectId: project.id,
        scopes,
      });
    const reader = (await sa(['projects:read'])).token;
    expect((await t.request(`/v1/projects/${project.id}`, { token: reader })).status).toBe(200);

    const noScope = (await sa([])).token;
    const refused = await t.request(`/v1/projects/${project.id}`, { token: noScope });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('insufficient_scope');
    expect(((await refused.json()) as { code: string }).code).toBe('INSUFFICIENT_SCOPE');

    await t.platform.db
      .updateTable('service_accounts')
      .set({ revoked_at: isoTime() })
      .where('id', '=', saId)
      .execute();
    const fresh = (await sa(['projects:read'])).token;
    const revoked = await t.request(`/v1/projects/${project.id}`, { token: fresh });
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as { code: string }).code).toBe('TOKEN_INVALID');
  });
});

describe.each(dialects)('signing keys on %s', (dialect) => {
  it('survive a restart: a token from the first run verifies after it', async () => {
    const store = await createTestStore(dialect);
    try {
      const first = await startTestPlatform(dialect, { store, publicUrl: 'http://127.0.0.1:9' });
      const { token } = await first.login('restart@example.com');
      const jwks1 = await (await first.request('/.well-known/jwks.json')).json();
      await first.close();
      const second = await startTestPlatform(dialect, { store, publicUrl: 'http://127.0.0.1:9' });
      try {
        expect(await (await second.request('/.well-known/jwks.json')).json()).toEqual(jwks1);
        expect((await second.request('/v1/users/me', { token })).status).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      await store.drop();
    }
  });

  it('are encrypted at rest, and a wrong secret is a clear CONFIG_INVALID', async () => {
    const store = await createTestStore(dialect);
    try {
      const first = await startTestPlatform(dialect, { store });
      const row = await first.platform.db.selectFrom('signing_keys').selectAll().executeTakeFirstOrThrow();
      expect(row.private_jwk).not.toContain('"d"');
      expect(JSON.parse(row.private_jwk)).toMatchObject({ v: 1 });
      await first.close();
      await expect(
        startTestPlatform(dialect, { store, secretKey: Buffer.alloc(32, 7).toString('base64url') }),
      ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    } finally {
      await store.drop();
    }
  });
});
