/**
 * Node credentials through the API on both dialects: an operator issues one per node (the secret
 * shown once, only a hash stored, audited); the agent presents it as its bearer token and may
 * register and heartbeat that node and nothing else; a rotation keeps the old one valid during
 * the overlap and refuses it after; a revocation refuses it at once.
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('node credentials');

interface Issued {
  id: string;
  node_name: string;
  secret: string;
  expires_at: string | null;
  revoked_at: string | null;
  replaces: string | null;
}

const INVENTORY = { gpus: [{ index: 0, model: 'NVIDIA H100 80GB HBM3', memory_mib: 81_559 }] };

describe.each(dialects)('node credentials on %s', (dialect) => {
  let t: TestPlatform;
  let operator: string;

  beforeAll(async () => {
    t = await startTestPlatform(dialect, { rateLimit: { enabled: false }, localNode: false });
    operator = (await t.login('nc-ops@example.com', { operator: true })).token;
  });
  afterAll(() => t?.close());

  const issue = async (nodeName: string): Promise<Issued> => {
    const res = await t.request('/v1/node-credentials', {
      method: 'POST',
      token: operator,
      json: { node_name: nodeName },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as Issued;
  };
  const register = (token: string, name: string) =>
    t.request('/v1/nodes', {
      method: 'POST',
      token,
      json: { name, agent_version: 'test', inventory: INVENTORY },
    });
  const heartbeat = (token: string, nodeId: string) =>
    t.request(`/v1/nodes/${nodeId}/heartbeat`, { method: 'POST', token, json: { allocations: [] } });
  const codeOf = async (res: Response) => ((await res.json()) as { code: string }).code;

  it('issues a secret shown once and kept only as a hash, and audits it', async () => {
    const issued = await issue('nc-node-1');
    expect(issued.secret).toMatch(new RegExp(`^gpn_${issued.id}_[A-Za-z0-9_-]{43}$`));
    expect(issued).toMatchObject({
      node_name: 'nc-node-1',
      expires_at: null,
      revoked_at: null,
      replaces: null,
    });
    const row = await t.platform.db
      .selectFrom('node_credentials')
      .selectAll()
      .where('id', '=', issued.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_hash).not.toContain(issued.secret.slice(-43));
    const list = await t.request('/v1/node-credentials?node_name=nc-node-1', { token: operator });
    const text = await list.text();
    expect(list.status).toBe(200);
    expect(text).toContain(issued.id);
    expect(text).not.toContain(issued.secret);
    const audit = await t.platform.db
      .selectFrom('audit_events')
      .select(['action', 'result'])
      .where('target_id', '=', issued.id)
      .execute();
    expect(audit).toEqual([{ action: 'node_credential.create', result: 'success' }]);
  });

  it('lets the agent register and heartbeat its own node only, and nothing else', async () => {
    const { secret } = await issue('nc-node-2');
    const other = await register(operator, 'nc-other');
    const otherId = ((await other.json()) as { id: string }).id;

    const res = await register(secret, 'nc-node-2');
    expect(res.status, await res.clone().text()).toBe(200);
    const nodeId = ((await res.json()) as { id: string }).id;
    expect((await heartbeat(secret, nodeId)).status).toBe(200);

    const wrongName = await register(secret, 'nc-other');
    expect(wrongName.status).toBe(403);
    expect(await codeOf(wrongName)).toBe('NODE_CREDENTIAL_MISMATCH');
    const wrongBeat = await heartbeat(secret, otherId);
    expect(wrongBeat.status).toBe(403);
    expect(await codeOf(wrongBeat)).toBe('NODE_CREDENTIAL_MISMATCH');

    // Not an operator's token: it reads no nodes and mints no credentials.
    const list = await t.request('/v1/nodes', { token: secret });
    expect(await codeOf(list)).toBe('INSUFFICIENT_SCOPE');
    const mint = await t.request('/v1/node-credentials', {
      method: 'POST',
      token: secret,
      json: { node_name: 'nc-node-2' },
    });
    expect(await codeOf(mint)).toBe('INSUFFICIENT_SCOPE');
  });

  it('refuses malformed, tampered and unknown credentials as TOKEN_INVALID', async () => {
    const { id, secret } = await issue('nc-node-3');
    const tampered = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const unknown = `gpn_${id.replace(/^./, id.startsWith('0') ? '1' : '0')}_${secret.slice(-43)}`;
    for (const token of ['gpn_nonsense', tampered, unknown]) {
      const res = await register(token, 'nc-node-3');
      expect(res.status, token).toBe(401);
      expect(await codeOf(res)).toBe('TOKEN_INVALID');
    }
  });

  it('rotates without downtime: both valid during the overlap, the old one refused after it', async () => {
    const old = await issue('nc-node-4');
    const rotate = async (id: string, overlap: number) => {
      const res = await t.request(`/v1/node-credentials/${id}/rotate`, {
        method: 'POST',
        token: operator,
        json: { overlap_seconds: overlap },
      });
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as Issued;
    };
    const next = await rotate(old.id, 3600);
    expect(next).toMatchObject({ node_name: 'nc-node-4', replaces: old.id });
    expect(next.secret).not.toBe(old.secret);
    expect((await register(old.secret, 'nc-node-4')).status).toBe(200);
    expect((await register(next.secret, 'nc-node-4')).status).toBe(200);

    // A rotation with a short overlap: the predecessor ends then, with TOKEN_EXPIRED.
    const third = await rotate(next.id, 1);
    await new Promise((r) => setTimeout(r, 1_100));
    const expired = await register(next.secret, 'nc-node-4');
    expect(expired.status).toBe(401);
    expect(await codeOf(expired)).toBe('TOKEN_EXPIRED');
    expect((await register(third.secret, 'nc-node-4')).status).toBe(200);
    // An expired credential has no successor to give.
    const again = await t.request(`/v1/node-credentials/${next.id}/rotate`, {
      method: 'POST',
      token: operator,
      json: {},
    });
    expect(again.status).toBe(404);

    const actions = await t.platform.db
      .selectFrom('audit_events')
      .select('action')
      .where('target_id', '=', old.id)
      .orderBy('occurred_at')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['node_credential.create', 'node_credential.rotate']);
  });

  it('revokes at once, and a second revocation is NOT_FOUND', async () => {
    const { id, secret } = await issue('nc-node-5');
    expect((await register(secret, 'nc-node-5')).status).toBe(200);
    const revoke = () => t.request(`/v1/node-credentials/${id}`, { method: 'DELETE', token: operator });
    expect((await revoke()).status).toBe(204);
    const refused = await register(secret, 'nc-node-5');
    expect(refused.status).toBe(401);
    expect(await codeOf(refused)).toBe('TOKEN_INVALID');
    expect((await revoke()).status).toBe(404);
  });

  it('validates the node name and the overlap', async () => {
    const bad = await t.request('/v1/node-credentials', {
      method: 'POST',
      token: operator,
      json: { node_name: '../etc' },
    });
    expect(bad.status).toBe(400);
    const { id } = await issue('nc-node-6');
    const overlap = await t.request(`/v1/node-credentials/${id}/rotate`, {
      method: 'POST',
      token: operator,
      json: { overlap_seconds: 10_000_000 },
    });
    expect(overlap.status).toBe(400);
    expect(await codeOf(overlap)).toBe('VALIDATION_FAILED');
  });
});
