/**
 * No credential a tenant can make is worth more than the tenant: an app launch grants at most the
 * launcher's own rights, a service account is created only with its creator's rights and acts with
 * its creator's current role, so demoting or removing the creator (or revoking the account a
 * launch was made with) takes the rights away (issue 10, item 3).
 */
import { testDialects } from '@gpuaas/test-support';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoTime, newId } from '../ids.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { discoverServiceAccount } from '../testing/oidc.js';

const dialects = await testDialects('platform privilege escalation');

interface Problem {
  code: string;
  detail: string;
  errors?: { pointer: string }[];
}

describe.each(dialects)('privilege escalation through credentials on %s', (dialect) => {
  let t: TestPlatform;
  let owner: string;
  let member: string;
  let memberId: string;
  let operator: string;
  let projectId: string;
  let allocationId: string;
  let seq = 0;

  const call = (path: string, token: string, init: { method?: string; json?: unknown } = {}) =>
    t.request(path, { token, headers: { 'if-match': '*' }, ...init });
  const body = async <T>(res: Response, status: number): Promise<T> => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  };
  const launch = (token: string, scopes: string[]) =>
    call(`/v1/allocations/${allocationId}/app`, token, {
      method: 'POST',
      json: { artifact: '127.0.0.1:5000/acme/app:1.0.0', scopes },
    });
  const launchAccounts = () =>
    t.platform.db
      .selectFrom('service_accounts')
      .select(['id', 'scopes', 'created_by'])
      .where('allocation_id', '=', allocationId)
      .orderBy('id')
      .execute();
  const tokenOf = async (accountId: string, scopes: string[]) =>
    (
      await t.platform.issueAccessToken({
        sub: accountId,
        principalType: 'service_account',
        projectId,
        scopes,
      })
    ).token;
  const addMember = (token: string) =>
    call(`/v1/projects/${projectId}/members`, token, {
      method: 'POST',
      json: { email: `escalated-${++seq}@example.com`, role: 'owner' },
    });
  const createAccount = (token: string, scopes: string[]) =>
    call(`/v1/projects/${projectId}/service-accounts`, token, {
      method: 'POST',
      json: { name: `esc-${++seq}`, scopes },
    });
  const credentialsToken = async (account: { client_id: string; client_secret: string }, scope: string) => {
    const config = await discoverServiceAccount(t.url, account.client_id, account.client_secret);
    return (await client.clientCredentialsGrant(config, { scope })).access_token;
  };

  beforeAll(async () => {
    t = await startTestPlatform(dialect, {
      rateLimit: { enabled: false },
      compute: { appTrustPolicy: 'escalation-policy' },
    });
    owner = (await t.login('esc-owner@example.com')).token;
    operator = (await t.login('esc-operator@example.com', { operator: true })).token;
    projectId = (
      await body<{ id: string }>(
        await call('/v1/projects', owner, { method: 'POST', json: { name: 'esc' } }),
        201,
      )
    ).id;
    memberId = (
      await body<{ user_id: string }>(
        await call(`/v1/projects/${projectId}/members`, owner, {
          method: 'POST',
          json: { email: 'esc-member@example.com', role: 'member' },
        }),
        201,
      )
    ).user_id;
    member = (await t.login('esc-member@example.com')).token;
    const node = await body<{ id: string }>(
      await call('/v1/nodes', operator, {
        method: 'POST',
        json: {
          name: 'esc-node',
          agent_version: 'test',
          inventory: { gpus: [{ index: 0, model: 'NVIDIA H100 80GB HBM3', memory_mib: 81559 }] },
        },
      }),
      200,
    );
    allocationId = (
      await body<{ id: string }>(
        await call('/v1/allocations', owner, {
          method: 'POST',
          json: { project_id: projectId, gpus: { count: 1 } },
        }),
        201,
      )
    ).id;
    await body(
      await call(`/v1/nodes/${node.id}/heartbeat`, operator, {
        method: 'POST',
        json: {
          allocations: [
            {
              id: allocationId,
              state: 'running',
              endpoint: 'unix:/nonexistent',
              runtime_secret: 'x'.repeat(32),
            },
          ],
        },
      }),
      200,
    );
  });
  afterAll(() => t?.close());

  it('refuses a member launch that grants members:write (SCOPE_NOT_GRANTABLE) and creates no account', async () => {
    const before = (await launchAccounts()).length;
    const problem = await body<Problem>(
      await launch(member, ['projects:read', 'members:write', 'audit:read']),
      403,
    );
    expect(problem.code).toBe('SCOPE_NOT_GRANTABLE');
    expect(problem.detail).toContain('members:write');
    expect(problem.errors?.map((e) => e.pointer)).toEqual(['/scopes/1', '/scopes/2']);
    expect(await launchAccounts()).toHaveLength(before);
  });

  it("gives a member's launch the member's rights (and usage:write), and its account cannot add members", async () => {
    // Launches get as far as the unreachable runtime: the account exists by then.
    expect((await body<Problem>(await launch(member, ['allocations:write', 'usage:write']), 502)).code).toBe(
      'RUNTIME_UNREACHABLE',
    );
    const account = (await launchAccounts()).at(-1);
    expect(account).toMatchObject({ scopes: 'allocations:write usage:write', created_by: memberId });
    const token = await tokenOf(account?.id ?? '', ['allocations:write', 'members:write']);
    // Even a token naming members:write (an account from before the fix) acts as its member creator.
    expect((await body<Problem>(await addMember(token), 403)).code).toBe('FORBIDDEN');
  });

  it("an owner's launch may grant members:write, and that account can add members", async () => {
    await body(await launch(owner, ['members:write']), 502);
    const account = (await launchAccounts()).at(-1);
    expect(account?.scopes).toBe('members:write usage:write');
    await body(await addMember(await tokenOf(account?.id ?? '', ['members:write'])), 201);
  });

  it("an operator's launch in a project they do not belong to may grant what an owner may, not node scopes", async () => {
    expect((await body<Problem>(await launch(operator, ['nodes:write']), 403)).code).toBe(
      'SCOPE_NOT_GRANTABLE',
    );
    await body(await launch(operator, ['members:write']), 502);
  });

  it('refuses a service account with scopes above its creator (usage:write, node and operator scopes)', async () => {
    const count = async () =>
      (
        await body<{ items: unknown[] }>(
          await call(`/v1/projects/${projectId}/service-accounts?limit=100`, owner),
          200,
        )
      ).items.length;
    const before = await count();
    for (const scope of ['usage:write', 'nodes:write', 'nodes:agent', 'operators:write']) {
      const problem = await body<Problem>(await createAccount(owner, ['projects:read', scope]), 403);
      expect(problem.code, scope).toBe('SCOPE_NOT_GRANTABLE');
      expect(problem.errors?.map((e) => e.pointer)).toEqual(['/scopes/1']);
    }
    expect(await count()).toBe(before);
  });

  it("an owner's account adds members until its creator is demoted, and loses everything when they leave", async () => {
    const second = await body<{ user_id: string }>(
      await call(`/v1/projects/${projectId}/members`, owner, {
        method: 'POST',
        json: { email: 'esc-owner2@example.com', role: 'owner' },
      }),
      201,
    );
    const owner2 = (await t.login('esc-owner2@example.com')).token;
    const account = await body<{ client_id: string; client_secret: string }>(
      await createAccount(owner2, ['projects:read', 'members:write']),
      201,
    );
    const token = await credentialsToken(account, 'projects:read members:write');
    await body(await addMember(token), 201);

    await body(
      await call(`/v1/projects/${projectId}/members/${second.user_id}`, owner, {
        method: 'PATCH',
        json: { role: 'member' },
      }),
      200,
    );
    const demoted = await body<Problem>(await addMember(token), 403);
    expect(demoted.code).toBe('FORBIDDEN');
    expect(demoted.detail).toContain("creator's role, member");
    // Still a member: reading stays allowed.
    await body(await call(`/v1/projects/${projectId}`, token), 200);

    await body(
      await call(`/v1/projects/${projectId}/members/${second.user_id}`, owner, { method: 'DELETE' }),
      204,
    );
    expect((await body<Problem>(await call(`/v1/projects/${projectId}`, token), 403)).code).toBe('FORBIDDEN');
    expect((await body<Problem>(await call('/v1/projects', token), 403)).code).toBe('FORBIDDEN');
  });

  it('a launch made by a service account is bounded by it, and revoking that account reaches the launch', async () => {
    const pipeline = await body<{ id: string; client_id: string; client_secret: string }>(
      await createAccount(owner, ['allocations:write', 'members:write']),
      201,
    );
    const pipelineToken = await credentialsToken(pipeline, 'allocations:write');
    // The pipeline's token does not carry members:write: it cannot hand it on.
    expect((await body<Problem>(await launch(pipelineToken, ['members:write']), 403)).code).toBe(
      'SCOPE_NOT_GRANTABLE',
    );
    const full = await credentialsToken(pipeline, 'allocations:write members:write');
    await body(await launch(full, ['members:write']), 502);
    const account = (await launchAccounts()).at(-1);
    expect(account?.created_by).toBe(pipeline.id);
    const launched = await tokenOf(account?.id ?? '', ['members:write']);
    await body(await addMember(launched), 201);

    await body(
      await call(`/v1/projects/${projectId}/service-accounts/${pipeline.id}`, owner, { method: 'DELETE' }),
      204,
    );
    expect((await body<Problem>(await addMember(launched), 403)).code).toBe('FORBIDDEN');
  });

  it('an account whose creator is unknown (no created_by) has no rights', async () => {
    const id = newId();
    await t.platform.db
      .insertInto('service_accounts')
      .values({
        id,
        project_id: projectId,
        name: `orphan-${id}`,
        scopes: 'projects:read',
        secret_hash: null,
        created_by: null,
        created_at: isoTime(),
        revoked_at: null,
      })
      .execute();
    const token = await tokenOf(id, ['projects:read']);
    expect((await body<Problem>(await call(`/v1/projects/${projectId}`, token), 403)).code).toBe('FORBIDDEN');
  });
});
