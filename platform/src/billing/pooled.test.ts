import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, getBalance, openAccounts } from './accounts.js';
import { checkLedger } from './check.js';
import type { BillingDb } from './db.js';
import { placeHold } from './holds.js';
import { postPendingTransfer } from './ledger.js';
import { topUp } from './operations.js';
import { foldAllBalanceMoves, foldBalanceMoves, isPooled } from './pooled.js';
import { openBillingTestDb } from './testing.js';
import type { BillingTestDb } from './testing.js';

const dialects = await testDialects('pooled platform accounts');

let sequence = 0;
const newProject = () => `pool${++sequence}`;
const revenue = ACCOUNTS.platformRevenue('USD').id;

async function moveCount(db: BillingDb): Promise<number> {
  const row = await db
    .selectFrom('billing_balance_moves')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe.each(dialects)('pooled platform accounts on %s', (dialect) => {
  let handle: BillingTestDb;
  let db: BillingDb;

  beforeAll(async () => {
    handle = await openBillingTestDb(dialect);
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  const funded = async (amount: bigint) => {
    const project = newProject();
    await topUp(db, { id: `topup:${project}`, projectId: project, currency: 'USD', amount, reason: 'test' });
    return project;
  };
  const hold = (project: string, key: string, amount: bigint) =>
    placeHold(db, { projectId: project, currency: 'USD', amount, key });

  it('pools the platform accounts only', () => {
    expect(isPooled(revenue)).toBe(true);
    expect(isPooled(ACCOUNTS.platformFunding('USD').id)).toBe(true);
    expect(isPooled(ACCOUNTS.projectPrepaid('p', 'USD').id)).toBe(false);
    expect(isPooled(ACCOUNTS.publisherPayable('p', 'USD').id)).toBe(false);
  });

  it('reads a pooled balance as its row plus its moves, the same before and after a fold', async () => {
    const a = await funded(1_000n);
    const b = await funded(1_000n);
    await openAccounts(db, [ACCOUNTS.platformRevenue('USD')]);
    const before = await getBalance(db, revenue);
    await hold(a, `${a}:1`, 300n);
    await hold(b, `${b}:1`, 200n);
    await postPendingTransfer(db, { id: `post:${a}:1`, pendingId: `hold:${a}:1`, amount: 120n });
    expect(await moveCount(db)).toBeGreaterThan(0);

    const moved = await getBalance(db, revenue);
    expect(moved.creditsPending - before.creditsPending).toBe(200n);
    expect(moved.creditsPosted - before.creditsPosted).toBe(120n);
    expect((await checkLedger(db)).ok).toBe(true);

    expect(await foldAllBalanceMoves(db)).toBeGreaterThan(0);
    expect(await moveCount(db)).toBe(0);
    expect(await getBalance(db, revenue)).toEqual(moved);
    expect((await checkLedger(db)).ok).toBe(true);
    // The funding account (debited by the top-ups) is pooled too, and folded with it.
    const funding = await getBalance(db, ACCOUNTS.platformFunding('USD').id);
    expect(funding.debitsPosted).toBeGreaterThanOrEqual(2_000n);
  });

  it('never lets concurrent holds of one project spend past its balance', async () => {
    const project = await funded(50n);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => hold(project, `${project}:race:${i}`, 10n)),
    );
    const placed = outcomes.filter((o) => o.status === 'fulfilled').length;
    const refused = outcomes.filter(
      (o) => o.status === 'rejected' && (o.reason as { code?: string }).code === 'INSUFFICIENT_FUNDS',
    ).length;
    expect([placed, refused]).toEqual([5, 5]);
    const balance = await getBalance(db, ACCOUNTS.projectPrepaid(project, 'USD').id);
    expect(balance.available).toBe(0n);
    expect((await checkLedger(db)).ok).toBe(true);
  });

  it('folds once when two folders race: nothing added twice, nothing lost', async () => {
    for (let i = 0; i < 5; i++) await hold(await funded(100n), `fold-race:${i}`, 7n);
    const expected = await getBalance(db, revenue);
    const folded = await Promise.all([foldBalanceMoves(db), foldBalanceMoves(db), foldBalanceMoves(db)]);
    expect(await moveCount(db)).toBe(0);
    expect(folded.reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
    expect(await getBalance(db, revenue)).toEqual(expected);
    expect((await checkLedger(db)).ok).toBe(true);
  });

  it('refuses to fold inside a caller’s transaction (a race would roll the caller back)', async () => {
    await expect(db.transaction().execute((trx) => foldBalanceMoves(trx))).rejects.toThrow(
      /transaction of its own/,
    );
  });

  if (dialect === 'postgres') {
    it('a hold of one project does not wait for another project’s uncommitted hold', async () => {
      const a = await funded(1_000n);
      const b = await funded(1_000n);
      // Before pooling, A's open transaction held the revenue row's lock, and B's hold waited
      // for A's commit: here, for ever (A commits only after B is done).
      await db.transaction().execute(async (trx) => {
        await placeHold(trx, { projectId: a, currency: 'USD', amount: 10n, key: `${a}:open` });
        const other = hold(b, `${b}:meanwhile`, 10n).then(() => 'placed');
        const timeout = new Promise((resolve) => setTimeout(() => resolve('waited'), 3_000).unref());
        expect(await Promise.race([other, timeout])).toBe('placed');
      });
      expect((await checkLedger(db)).ok).toBe(true);
    });
  }
});
