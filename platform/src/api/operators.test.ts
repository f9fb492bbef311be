/**
 * The operator flag comes from the database, not from the token (issue 10, item 8): a demoted
 * operator's still-valid token loses operator rights at once, a token claiming `operator: true`
 * for someone who is not gets none, a token for a user who no longer exists is refused; and the
 * operator API manages the flag (listed, granted, removed, audited; never the last one).
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../ids.js';
import { ensureUser } from '../identity/store.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('platform operators');

describe.each(dialects)('operators on %s', (dialect) => {
  let t: TestPlatform;
  let root: { token: string; id: string };

  const call = (path: string, token: string, method = 'GET') => t.request(path, { token, method });
  const status = async (res: Response) => {
    const text = await res.text();
    return {
      status: res.status,
      code: text === '' ? undefined : (JSON.parse(text) as { code?: string }).code,
    };
  };

  beforeAll(async () => {
    t = await startTestPlatform(dialect, { rateLimit: { enabled: false } });
    const login = await t.login('root-operator@example.com', { operator: true });
    root = { token: login.token, id: login.user.id };
  });
  afterAll(() => t?.close());

  it("removes a demoted operator's rights from the token they still hold, at once", async () => {
    const { token, user } = await t.login('ops-demoted@example.com', { operator: true });
    expect(await status(await call('/v1/nodes', token))).toEqual({ status: 200, code: undefined });
    expect(await status(await call(`/v1/operators/${user.id}`, root.token, 'DELETE'))).toEqual({
      status: 204,
      code: undefined,
    });
    expect(await status(await call('/v1/nodes', token))).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(await status(await call('/v1/operators', token))).toEqual({ status: 403, code: 'FORBIDDEN' });
    const me = (await (await call('/v1/users/me', token)).json()) as { operator: boolean };
    expect(me.operator).toBe(false);
  });

  it("gives no operator rights for a token's operator claim when the database says otherwise", async () => {
    const user = await ensureUser(t.platform.db, 'ops-claims@example.com');
    const { token } = await t.platform.issueAccessToken({ sub: user.id, operator: true });
    expect(await status(await call('/v1/nodes', token))).toEqual({ status: 403, code: 'FORBIDDEN' });
  });

  it('refuses a token whose user does not exist or was deleted', async () => {
    const ghost = await t.platform.issueAccessToken({ sub: newId(), operator: true });
    expect(await status(await call('/v1/projects', ghost.token))).toEqual({
      status: 401,
      code: 'TOKEN_INVALID',
    });
    const user = await ensureUser(t.platform.db, 'ops-deleted@example.com', { operator: true });
    const { token } = await t.platform.issueAccessToken({ sub: user.id, operator: true });
    await t.platform.db.deleteFrom('users').where('id', '=', user.id).execute();
    const res = await call('/v1/nodes', token);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    expect(await status(res)).toEqual({ status: 401, code: 'TOKEN_INVALID' });
  });

  it('grants by email (creating the user) or id, lists, removes, audits; refuses non-operators', async () => {
    const granted = await t.request('/v1/operators/New.Operator@Example.com', {
      method: 'PUT',
      token: root.token,
    });
    expect(granted.status).toBe(200);
    const user = (await granted.json()) as { id: string; email: string; operator: boolean };
    expect(user).toMatchObject({ email: 'new.operator@example.com', operator: true });
    // Idempotent: granting again changes nothing.
    expect((await call(`/v1/operators/${user.id}`, root.token, 'PUT')).status).toBe(200);

    const list = (await (await call('/v1/operators?limit=100', root.token)).json()) as {
      items: { id: string }[];
    };
    expect(list.items.map((u) => u.id)).toEqual(expect.arrayContaining([root.id, user.id]));

    const plain = await t.login('ops-plain@example.com');
    expect(await status(await call('/v1/operators', plain.token))).toEqual({
      status: 403,
      code: 'FORBIDDEN',
    });
    expect(await status(await call(`/v1/operators/${plain.user.id}`, plain.token, 'PUT'))).toEqual({
      status: 403,
      code: 'FORBIDDEN',
    });

    expect((await call(`/v1/operators/${user.email}`, root.token, 'DELETE')).status).toBe(204);
    expect(await status(await call(`/v1/operators/${user.id}`, root.token, 'DELETE'))).toEqual({
      status: 404,
      code: 'NOT_FOUND',
    });
    expect(await status(await call('/v1/operators/not-a-user', root.token, 'PUT'))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });

    const audit = await t.platform.db
      .selectFrom('audit_events')
      .select(['action', 'target_id', 'result'])
      .where('action', 'in', ['operator.grant', 'operator.revoke'])
      .where('target_id', '=', user.id)
      .where('result', '=', 'success')
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual([
      'operator.grant',
      'operator.grant',
      'operator.revoke',
    ]);
  });

  it('never removes the last operator (LAST_OPERATOR)', async () => {
    const others = await t.platform.db
      .selectFrom('users')
      .select('id')
      .where('operator', '=', 1)
      .where('id', '!=', root.id)
      .execute();
    for (const other of others)
      expect((await call(`/v1/operators/${other.id}`, root.token, 'DELETE')).status).toBe(204);
    expect(await status(await call(`/v1/operators/${root.id}`, root.token, 'DELETE'))).toEqual({
      status: 409,
      code: 'LAST_OPERATOR',
    });
    expect((await call('/v1/nodes', root.token)).status).toBe(200);
  });
});
