/**
 * Service accounts end to end: created through the API by a project owner, they get tokens with
 * the client_credentials grant at the OIDC token endpoint (openid-client as the client), act only
 * within their scopes and project, and stop working on revocation and on secret rotation.
 */
import { testDialects } from '@gpuaas/test-support';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { discoverServiceAccount, oauthError } from '../testing/oidc.js';

const dialects = await testDialects('platform service accounts');

interface Created {
  id: string;
  client_id: string;
  client_secret: string;
  scopes: string[];
  revoked_at: string | null;
  secret_rotated_at: string | null;
}

describe.each(dialects)('service accounts on %s', (dialect) => {
  let t: TestPlatform;
  let owner: string;
  let projectId: string;

  beforeAll(async () => {
    t = await startTestPlatform(dialect, { rateLimit: { enabled: false } });
    owner = (await t.login('sa-owner@example.com')).token;
    const project = await t.request('/v1/projects', {
      method: 'POST',
      token: owner,
      json: { name: 'robots' },
    });
    projectId = ((await project.json()) as { id: string }).id;
  });
  afterAll(() => t?.close());

  const create = async (name: string, scopes: string[], key = `create-${name}-${Date.now()}`) =>
    t.request(`/v1/projects/${projectId}/service-accounts`, {
      method: 'POST',
      token: owner,
      json: { name, scopes },
      headers: { 'idempotency-key': key },
    });

  const tokenFor = async (sa: { client_id: string }, secret: string, scope = 'projects:read') => {
    const config = await discoverServiceAccount(t.url, sa.client_id, secret);
    return (await client.clientCredentialsGrant(config, { scope })).access_token;
  };

  it('creates an account whose secret is shown once and stored only as a hash; replays are idempotent', async () => {
    const key = `idem-${Date.now()}`;
    const res = await create('ci-bot', ['projects:read'], key);
    expect(res.status).toBe(201);
    const sa = (await res.json()) as Created;
    expect(sa.client_id).toBe(`sa-${sa.id}`);
    expect(sa.client_secret).toMatch(/^gpsa_[A-Za-z0-9_-]{43}$/);
    const replay = await create('ci-bot', ['projects:read'], key);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replay.json()) as Created).id).toBe(sa.id);

    const row = await t.platform.db
      .selectFrom('service_accounts')
      .selectAll()
      .where('id', '=', sa.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_hash).not.toContain(sa.client_secret);
    const got = await t.request(`/v1/projects/${projectId}/service-accounts/${sa.id}`, { token: owner });
    expect(got.status).toBe(200);
    const body = (await got.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('client_secret');
    expect(body).toMatchObject({ id: sa.id, scopes: ['projects:read'], revoked_at: null });
    const list = (await (
      await t.request(`/v1/projects/${projectId}/service-accounts`, { token: owner })
    ).json()) as {
      items: Record<string, unknown>[];
    };
    expect(list.items.map((i) => i.id)).toContain(sa.id);
    expect(JSON.stringify(list)).not.toContain('gpsa_');
  });

  it('refuses scopes the API does not declare, naming the field', async () => {
    const res = await create('bad-scopes', ['projects:read', 'root:all']);
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { code: string; errors: { pointer: string }[] };
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors[0]?.pointer).toBe('/scopes/1');
  });

  it('gets a token by client_credentials that works within its scopes and project only', async () => {
    const sa = (await (await create('reader', ['projects:read'])).json()) as Created;
    const token = await tokenFor(sa, sa.client_secret);
    const allowed = await t.request(`/v1/projects/${projectId}`, { token });
    expect(allowed.status).toBe(200);
    const noScope = await t.request(`/v1/projects/${projectId}/members`, { token });
    expect(noScope.status).toBe(403);
    expect(((await noScope.json()) as { code: string }).code).toBe('INSUFFICIENT_SCOPE');
    // Asking for a scope the account was not given is refused outright.
    const config = await discoverServiceAccount(t.url, sa.client_id, sa.client_secret);
    const wider = client.clientCredentialsGrant(config, { scope: 'projects:read members:read' });
    expect(await oauthError(wider)).toEqual({ error: 'invalid_scope', status: 400 });
    // Service accounts cannot manage service accounts.
    const manage = await t.request(`/v1/projects/${projectId}/service-accounts`, { token });
    expect(manage.status).toBe(403);
  });

  it('a revoked account loses its tokens and can get no new one', async () => {
    const sa = (await (await create('doomed', ['projects:read'])).json()) as Created;
    const token = await tokenFor(sa, sa.client_secret);
    expect((await t.request(`/v1/projects/${projectId}`, { token })).status).toBe(200);
    const revoke = await t.request(`/v1/projects/${projectId}/service-accounts/${sa.id}`, {
      method: 'DELETE',
      token: owner,
    });
    expect(revoke.status).toBe(204);
    const after = await t.request(`/v1/projects/${projectId}`, { token });
    expect(after.status).toBe(401);
    expect(await oauthError(tokenFor(sa, sa.client_secret))).toEqual({
      error: 'invalid_client',
      status: 401,
    });
    const got = (await (
      await t.request(`/v1/projects/${projectId}/service-accounts/${sa.id}`, { token: owner })
    ).json()) as Created;
    expect(got.revoked_at).toEqual(expect.any(String));
    const audit = await t.platform.db
      .selectFrom('audit_events')
      .select('action')
      .where('target_id', '=', sa.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['service_account.create', 'service_account.revoke']),
    );
  });

  it('rotation issues a new secret; the old secret and tokens issued before it stop working', async () => {
    const sa = (await (await create('rotor', ['projects:read'])).json()) as Created;
    const oldToken = await tokenFor(sa, sa.client_secret);
    // Token times have one-second resolution: let the rotation fall in a later second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const rotated = await t.request(`/v1/projects/${projectId}/service-accounts/${sa.id}/rotate`, {
      method: 'POST',
      token: owner,
    });
    expect(rotated.status).toBe(200);
    const fresh = (await rotated.json()) as Created;
    expect(fresh.client_secret).not.toBe(sa.client_secret);
    expect(fresh.secret_rotated_at).toEqual(expect.any(String));
    expect(await oauthError(tokenFor(sa, sa.client_secret))).toEqual({
      error: 'invalid_client',
      status: 401,
    });
    expect((await t.request(`/v1/projects/${projectId}`, { token: oldToken })).status).toBe(401);
    const newToken = await tokenFor(sa, fresh.client_secret);
    expect((await t.request(`/v1/projects/${projectId}`, { token: newToken })).status).toBe(200);
  });

  it('accepts client_secret_post as well as basic', async () => {
    const sa = (await (await create('poster', ['projects:read'])).json()) as Created;
    const config = await client.discovery(
      new URL(t.url),
      sa.client_id,
      undefined,
      client.ClientSecretPost(sa.client_secret),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    const { access_token } = await client.clientCredentialsGrant(config, { scope: 'projects:read' });
    expect((await t.request(`/v1/projects/${projectId}`, { token: access_token })).status).toBe(200);
  });
});
