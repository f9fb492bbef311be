import { testDialects } from '@gpuaas/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { loadApiDocument } from './openapi.js';
import { OWN_COMMITS } from './request-transaction.js';

const dialects = await testDialects('request transactions');

let keySeq = 0;
const newKey = () => `txkey-${Date.now()}-${++keySeq}`;

describe('OWN_COMMITS', () => {
  it('names only idempotent operations of the document', () => {
    const api = loadApiDocument();
    const idempotent = new Set(api.operations.filter((o) => o.idempotent).map((o) => o.operationId));
    expect([...OWN_COMMITS.keys()].filter((id) => !idempotent.has(id))).toEqual([]);
  });
});

describe.each(dialects)('an idempotent request commits once on %s', (dialect) => {
  let t: TestPlatform;
  let token: string;

  beforeAll(async () => {
    t = await startTestPlatform(dialect);
    token = (await t.login('tx-owner@example.com')).token;
  });
  afterAll(() => t?.close());
  afterEach(() => {
    delete process.env.GPUAAS_TEST_FAIL_AT;
  });

  const create = (key: string, name: string) =>
    t.request('/v1/projects', { method: 'POST', token, json: { name }, headers: { 'idempotency-key': key } });
  const projectsNamed = (name: string) =>
    t.platform.db.selectFrom('projects').select('id').where('name', '=', name).execute();
  const auditOf = (status: number) =>
    t.platform.db
      .selectFrom('audit_events')
      .select(['result', 'status', 'target_id', 'correlation_id'])
      .where('action', '=', 'project.create')
      .where('status', '=', status)
      .execute();

  it('leaves nothing of a change that failed before its audit record and stored response, and frees the key', async () => {
    const key = newKey();
    const name = `tx-fault-${dialect}`;
    const successesBefore = (await auditOf(201)).length;
    process.env.GPUAAS_TEST_FAIL_AT = 'api.records';
    const failed = await create(key, name);
    expect(failed.status).toBe(500);
    const problem = (await failed.json()) as { code: string; correlation_id: string };
    expect(problem.code).toBe('INTERNAL');
    expect(failed.headers.get('location')).toBeNull();
    // The project and its owner's membership were inserted in the transaction: both are gone.
    expect(await projectsNamed(name)).toEqual([]);
    const key_ = await t.platform.db
      .selectFrom('idempotency_keys')
      .select('state')
      .where('key', '=', key)
      .execute();
    expect(key_).toEqual([]);
    // The failure is on the audit trail (written on its own after the rollback); no success is.
    const failures = (await auditOf(500)).filter((e) => e.correlation_id === problem.correlation_id);
    expect(failures).toEqual([expect.objectContaining({ result: 'failure', status: 500 })]);
    expect(await auditOf(201)).toHaveLength(successesBefore);

    delete process.env.GPUAAS_TEST_FAIL_AT;
    const retried = await create(key, name);
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    const body = await retried.text();
    const { id } = JSON.parse(body) as { id: string };
    expect(await projectsNamed(name)).toEqual([{ id }]);
    const memberships = await t.platform.db
      .selectFrom('memberships')
      .select('role')
      .where('project_id', '=', id)
      .execute();
    expect(memberships).toEqual([{ role: 'owner' }]);
    expect((await auditOf(201)).filter((e) => e.target_id === id)).toHaveLength(1);

    const replayed = await create(key, name);
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(await replayed.text()).toBe(body);
    expect(replayed.headers.get('location')).toBe(`/v1/projects/${id}`);
    expect(await projectsNamed(name)).toHaveLength(1);
  });

  it('replays a stored answer to concurrent retries of the same key (none waits for another)', async () => {
    const key = newKey();
    const name = `tx-replays-${dialect}`;
    const first = await create(key, name);
    expect(first.status).toBe(201);
    const body = await first.text();
    const retries = await Promise.all(Array.from({ length: 12 }, () => create(key, name)));
    for (const retry of retries) {
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(await retry.text()).toBe(body);
    }
  });

  it('commits a refusal the handler caught (its own rollback) with its audit record and stored answer', async () => {
    const name = `tx-taken-${dialect}`;
    expect((await create(newKey(), name)).status).toBe(201);
    const key = newKey();
    const refused = await create(key, name);
    expect(refused.status).toBe(409);
    const replayed = await create(key, name);
    expect(replayed.status).toBe(409);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(await projectsNamed(name)).toHaveLength(1);
    const stored = await t.platform.db
      .selectFrom('idempotency_keys')
      .select(['state', 'response_status'])
      .where('key', '=', key)
      .execute();
    expect(stored).toEqual([{ state: 'done', response_status: 409 }]);
  });

  it('keeps a raced plain insert that the domain catches from spoiling the transaction', async () => {
    const projectId = ((await (await create(newKey(), `tx-members-${dialect}`)).json()) as { id: string }).id;
    const add = (key: string) =>
      t.request(`/v1/projects/${projectId}/members`, {
        method: 'POST',
        token,
        json: { email: 'tx-member@example.com', role: 'viewer' },
        headers: { 'idempotency-key': key },
      });
    expect((await add(newKey())).status).toBe(201);
    // The membership insert fails with a unique violation that the domain turns into 409: on
    // PostgreSQL that must not abort the request transaction, or the answer could not be stored.
    const key = newKey();
    const again = await add(key);
    expect(again.status).toBe(409);
    expect((await add(key)).headers.get('idempotent-replayed')).toBe('true');
  });
});
