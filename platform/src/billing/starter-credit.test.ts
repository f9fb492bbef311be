/**
 * The starter credit, on both databases: every project gets it when created — through the API
 * and through `gpuaas-platform token --project` (the bootstrap path of the README's quick starts)
 * — once, expiring after the configured days; `0` grants nothing.
 */
import { PassThrough } from 'node:stream';
import { createTestStore, testDialects } from '@gpuaas/test-support';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { startTestPlatform } from '../testing/harness.js';
import { ACCOUNTS } from './accounts.js';
import { asBillingDb } from './db.js';
import { projectBalance } from './operations.js';
import { starterCreditId } from './starter-credit.js';

const dialects = await testDialects('billing starter credit');

describe.each(dialects)('the starter credit on %s', (dialect) => {
  it('is granted with each project created through the API, expiring after the configured days', async () => {
    const t = await startTestPlatform(dialect, {
      rateLimit: { enabled: false },
      billing: { starterCredit: '12.345678', starterCreditDays: 7 },
    });
    try {
      const { token } = await t.login('new@example.com');
      const res = await t.request('/v1/projects', { method: 'POST', token, json: { name: 'fresh' } });
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as { id: string };
      const db = asBillingDb(t.platform.db);
      const balance = await projectBalance(db, id, 'USD');
      expect(balance).toMatchObject({ promotional: 12_345_678n, balance: 0n, holds: 0n });
      const grant = await db
        .selectFrom('billing_accounts')
        .select(['id', 'expires_at', 'created_at'])
        .where('owner_id', '=', id)
        .where('kind', '=', 'project_promo')
        .execute();
      expect(grant).toHaveLength(1);
      expect(grant[0]?.id).toBe(
        ACCOUNTS.projectPromo(id, starterCreditId(id), 'USD', grant[0]?.expires_at ?? '').id,
      );
      const days =
        (Date.parse(grant[0]?.expires_at ?? '') - Date.parse(grant[0]?.created_at ?? '')) / 86_400_000;
      expect(days).toBe(7);
    } finally {
      await t.close();
    }
  });

  it('is not granted when configured as 0', async () => {
    const t = await startTestPlatform(dialect, {
      rateLimit: { enabled: false },
      billing: { starterCredit: '0' },
    });
    try {
      const { token } = await t.login('none@example.com');
      const res = await t.request('/v1/projects', { method: 'POST', token, json: { name: 'unfunded' } });
      const { id } = (await res.json()) as { id: string };
      expect(await projectBalance(asBillingDb(t.platform.db), id, 'USD')).toMatchObject({
        promotional: 0n,
        available: 0n,
      });
    } finally {
      await t.close();
    }
  });

  it('is granted once to the project `gpuaas-platform token --project` bootstraps', async () => {
    const store = await createTestStore(dialect);
    const db = store.databaseUrl === undefined ? [] : ['--database-url', store.databaseUrl];
    const args = ['token', '--data-dir', store.dataDir, '--user', 'ci@example.com', '--project', 'demo'];
    const token = async () => {
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (c: Buffer) => chunks.push(c));
      const io = { stdout: out, stderr: new PassThrough(), env: { VITEST: 'true' } };
      expect(await main(['node', 'gpuaas-platform', ...args, '--json', ...db], io)).toBe(0);
      return JSON.parse(Buffer.concat(chunks).toString()) as { project_id: string };
    };
    const first = await token();
    // The second run joins the same project: no second grant.
    expect((await token()).project_id).toBe(first.project_id);
    const t = await startTestPlatform(dialect, { store });
    try {
      const balance = await projectBalance(asBillingDb(t.platform.db), first.project_id, 'USD');
      expect(balance.promotional).toBe(25_000_000n);
    } finally {
      await t.close();
      await store.drop();
    }
  });
});
