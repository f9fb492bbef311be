import { testDialects } from '@gpuaas/test-support';
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, getBalance, openAccounts } from './accounts.js';
import { checkLedger } from './check.js';
import { asBillingDb } from './db.js';
import type { BillingDb } from './db.js';
import {
  createPendingTransfer,
  createTransfer,
  findOpenPending,
  postPendingTransfer,
  voidPendingTransfer,
} from './ledger.js';
import { placeHold } from './holds.js';
import { expirePromotions, grantPromotion, projectBalance, refund, topUp } from './operations.js';
import { openBillingTestDb } from './testing.js';
import type { BillingTestDb } from './testing.js';
import type { BillingTables } from './schema.js';

const dialects = await testDialects('billing ledger');

let sequence = 0;
/** A fresh project id per test, so tests share one database without meeting. */
const newProject = () => `p${++sequence}`;
const rejectsWith = (promise: Promise<unknown>, code: string) =>
  expect(promise).rejects.toMatchObject({ name: 'BillingError', code });

describe.each(dialects)('billing ledger on %s', (dialect) => {
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
    return { project, prepaid: ACCOUNTS.projectPrepaid(project, 'USD').id };
  };

  it('tops up, and a retried top-up is a no-op returning the first result', async () => {
    const project = newProject();
    const input = {
      id: `t:${project}`,
      projectId: project,
      currency: 'USD',
      amount: 12_500_000n,
      reason: 'invoice 1',
    };
    const first = await topUp(db, input);
    const again = await topUp(db, { ...input, at: '2030-01-01T00:00:00.000Z' });
    expect(first.created).toBe(true);
    expect(again).toEqual({ transfer: first.transfer, created: false });
    expect((await projectBalance(db, project, 'USD')).balance).toBe(12_500_000n);
  });

  it('refuses the same id with different content, whatever differs', async () => {
    const project = newProject();
    const input = { id: `t:${project}`, projectId: project, currency: 'USD', amount: 1n, reason: 'r' };
    await topUp(db, input);
    await rejectsWith(topUp(db, { ...input, amount: 2n }), 'TRANSFER_ID_CONFLICT');
    await rejectsWith(topUp(db, { ...input, reason: 'other' }), 'TRANSFER_ID_CONFLICT');
    await rejectsWith(topUp(db, { ...input, projectId: newProject() }), 'TRANSFER_ID_CONFLICT');
  });

  it('works on the platform database and inside its transactions (asBillingDb)', async () => {
    // What the platform will pass once its Tables include BillingTables.
    const platformDb = db as unknown as Kysely<Tables & BillingTables>;
    const project = newProject();
    await platformDb.transaction().execute(async (trx) => {
      await topUp(asBillingDb(trx), {
        id: `pt:${project}`,
        projectId: project,
        currency: 'USD',
        amount: 7n,
        reason: 'r',
      });
    });
    expect((await projectBalance(asBillingDb(platformDb), project, 'USD')).balance).toBe(7n);
  });

  it('keeps amounts beyond 2^53 exact on both drivers', async () => {
    const big = 2n ** 62n + 3n;
    const { prepaid } = await funded(big);
    expect((await getBalance(db, prepaid)).balance).toBe(big);
  });

  it('refuses a debit below zero unless the caller allows an overdraft', async () => {
    const { prepaid } = await funded(10n);
    const revenue = ACCOUNTS.platformRevenue('USD');
    await openAccounts(db, [revenue]);
    const charge = { debitAccountId: prepaid, creditAccountId: revenue.id, category: 'gpu_time' };
    await rejectsWith(
      createTransfer(db, { ...charge, id: `c1:${prepaid}`, amount: 11n }),
      'INSUFFICIENT_FUNDS',
    );
    await createTransfer(db, { ...charge, id: `c2:${prepaid}`, amount: 11n, allowOverdraft: true });
    expect((await getBalance(db, prepaid)).balance).toBe(-1n);
  });

  it('refuses malformed transfers with codes', async () => {
    const { prepaid } = await funded(10n);
    const eur = ACCOUNTS.platformRevenue('EUR');
    await openAccounts(db, [eur]);
    const base = { id: `x:${prepaid}`, debitAccountId: prepaid, category: 'c' };
    await rejectsWith(
      createTransfer(db, { ...base, creditAccountId: eur.id, amount: 1n }),
      'CURRENCY_MISMATCH',
    );
    await rejectsWith(
      createTransfer(db, { ...base, creditAccountId: 'nope', amount: 1n }),
      'ACCOUNT_NOT_FOUND',
    );
    await rejectsWith(
      createTransfer(db, { ...base, creditAccountId: prepaid, amount: 1n }),
      'TRANSFER_INVALID',
    );
    await rejectsWith(createTransfer(db, { ...base, creditAccountId: eur.id, amount: 0n }), 'AMOUNT_INVALID');
    await rejectsWith(
      openAccounts(db, [
        { ...ACCOUNTS.projectPrepaid('q', 'USD'), kind: 'platform_fees' },
        ACCOUNTS.projectPrepaid('q', 'USD'),
      ]),
      'ACCOUNT_CONFLICT',
    );
    expect(() => ACCOUNTS.platformFees('usd')).toThrow(expect.objectContaining({ code: 'CURRENCY_INVALID' }));
    expect((await checkLedger(db)).ok).toBe(true);
  });

  it('holds: pending reserves, post for less releases the rest, void releases all, each resolves once', async () => {
    const { prepaid } = await funded(100n);
    const revenue = ACCOUNTS.platformRevenue('USD').id;
    const hold = await createPendingTransfer(db, {
      id: `h1:${prepaid}`,
      debitAccountId: prepaid,
      creditAccountId: revenue,
      amount: 60n,
      category: 'hold',
    });
    expect(await getBalance(db, prepaid)).toMatchObject({ balance: 100n, holds: 60n, available: 40n });
    await rejectsWith(
      createPendingTransfer(db, {
        id: `h2:${prepaid}`,
        debitAccountId: prepaid,
        creditAccountId: revenue,
        amount: 41n,
        category: 'hold',
      }),
      'INSUFFICIENT_FUNDS',
    );
    await rejectsWith(
      postPendingTransfer(db, { id: `p0:${prepaid}`, pendingId: hold.transfer.id, amount: 61n }),
      'POST_EXCEEDS_PENDING',
    );
    const posted = await postPendingTransfer(db, {
      id: `p1:${prepaid}`,
      pendingId: hold.transfer.id,
      amount: 25n,
      category: 'gpu_time',
    });
    expect(posted.transfer).toMatchObject({
      kind: 'post',
      amount: 25n,
      pendingId: hold.transfer.id,
      category: 'gpu_time',
    });
    expect(await getBalance(db, prepaid)).toMatchObject({ balance: 75n, holds: 0n, available: 75n });
    expect(await findOpenPending(db, hold.transfer.id)).toBeUndefined();
    // A retry of the post is a no-op; another resolution is refused.
    expect(
      (
        await postPendingTransfer(db, {
          id: `p1:${prepaid}`,
          pendingId: hold.transfer.id,
          amount: 25n,
          category: 'gpu_time',
        })
      ).created,
    ).toBe(false);
    await rejectsWith(
      voidPendingTransfer(db, { id: `v1:${prepaid}`, pendingId: hold.transfer.id }),
      'PENDING_ALREADY_RESOLVED',
    );
    await rejectsWith(
      voidPendingTransfer(db, { id: `v2:${prepaid}`, pendingId: `p1:${prepaid}` }),
      'PENDING_NOT_FOUND',
    );

    const second = await createPendingTransfer(db, {
      id: `h3:${prepaid}`,
      debitAccountId: prepaid,
      creditAccountId: revenue,
      amount: 75n,
      category: 'hold',
    });
    await voidPendingTransfer(db, { id: `v3:${prepaid}`, pendingId: second.transfer.id, reason: 'released' });
    expect(await getBalance(db, prepaid)).toMatchObject({ balance: 75n, holds: 0n, available: 75n });
    expect((await checkLedger(db)).ok).toBe(true);
  });

  it('placeHold reserves once per key and refuses what the project cannot cover', async () => {
    const { project, prepaid } = await funded(100n);
    const hold = { projectId: project, currency: 'USD', amount: 70n, key: `k:${project}` };
    const first = await placeHold(db, hold);
    expect(first.transfer).toMatchObject({ id: `hold:k:${project}`, kind: 'pending', amount: 70n });
    expect((await placeHold(db, hold)).created).toBe(false);
    await rejectsWith(placeHold(db, { ...hold, key: `k2:${project}`, amount: 31n }), 'INSUFFICIENT_FUNDS');
    await rejectsWith(placeHold(db, { ...hold, amount: 71n }), 'TRANSFER_ID_CONFLICT');
    expect(await getBalance(db, prepaid)).toMatchObject({ balance: 100n, holds: 70n, available: 30n });
  });

  it('refunds reference their charge, never exceed it, need a reason, and retry as no-ops', async () => {
    const { prepaid } = await funded(100n);
    const revenue = ACCOUNTS.platformRevenue('USD').id;
    const charge = await createTransfer(db, {
      id: `ch:${prepaid}`,
      debitAccountId: prepaid,
      creditAccountId: revenue,
      amount: 40n,
      category: 'gpu_time',
    });
    const partial = await refund(db, {
      id: `r1:${prepaid}`,
      chargeId: charge.transfer.id,
      amount: 15n,
      reason: 'outage',
    });
    expect(partial.transfer).toMatchObject({
      correctsId: charge.transfer.id,
      debitAccountId: revenue,
      creditAccountId: prepaid,
      amount: 15n,
    });
    await rejectsWith(
      refund(db, { id: `r2:${prepaid}`, chargeId: charge.transfer.id, amount: 26n, reason: 'x' }),
      'CORRECTION_EXCEEDS_ORIGINAL',
    );
    const rest = await refund(db, { id: `r3:${prepaid}`, chargeId: charge.transfer.id, reason: 'rest' });
    expect(rest.transfer.amount).toBe(25n);
    expect(
      (await refund(db, { id: `r3:${prepaid}`, chargeId: charge.transfer.id, reason: 'rest' })).created,
    ).toBe(false);
    await rejectsWith(
      refund(db, { id: `r4:${prepaid}`, chargeId: charge.transfer.id, amount: 1n, reason: 'x' }),
      'CORRECTION_EXCEEDS_ORIGINAL',
    );
    await rejectsWith(
      refund(db, { id: `r5:${prepaid}`, chargeId: 'missing', reason: 'x' }),
      'CORRECTION_TARGET_NOT_FOUND',
    );
    await rejectsWith(
      refund(db, { id: `r6:${prepaid}`, chargeId: charge.transfer.id, reason: ' ' }),
      'TRANSFER_INVALID',
    );
    // A "correction" that does not reverse the original's accounts is refused.
    await rejectsWith(
      createTransfer(db, {
        id: `r7:${prepaid}`,
        debitAccountId: prepaid,
        creditAccountId: revenue,
        amount: 1n,
        category: 'refund',
        correctsId: charge.transfer.id,
      }),
      'CORRECTION_EXCEEDS_ORIGINAL',
    );
    expect((await getBalance(db, prepaid)).balance).toBe(100n);
  });

  it('grants promotional credit that expires back to the platform', async () => {
    const project = newProject();
    await grantPromotion(db, {
      id: `g:${project}`,
      projectId: project,
      currency: 'USD',
      amount: 5_000_000n,
      expiresAt: '2030-01-01T00:00:00.000Z',
      reason: 'welcome',
    });
    expect((await projectBalance(db, project, 'USD', '2029-12-31T00:00:00.000Z')).promotional).toBe(
      5_000_000n,
    );
    expect(await expirePromotions(db, '2029-12-31T00:00:00.000Z')).toEqual([]);
    const expired = await expirePromotions(db, '2030-01-01T00:00:00.000Z');
    expect(expired.map((e) => e.transfer)).toContainEqual(
      expect.objectContaining({ category: 'promo_expiry', amount: 5_000_000n }),
    );
    expect(await expirePromotions(db, '2030-02-01T00:00:00.000Z')).toEqual([]);
    expect((await projectBalance(db, project, 'USD', '2029-12-31T00:00:00.000Z')).promotional).toBe(0n);
    expect(await projectBalance(db, newProject(), 'USD')).toEqual({
      currency: 'USD',
      balance: 0n,
      holds: 0n,
      available: 0n,
      promotional: 0n,
    });
  });

  it('serialises concurrent debits: never more than the balance is spent', async () => {
    const { prepaid } = await funded(10n);
    const revenue = ACCOUNTS.platformRevenue('USD').id;
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        createTransfer(db, {
          id: `cc${i}:${prepaid}`,
          debitAccountId: prepaid,
          creditAccountId: revenue,
          amount: 1n,
          category: 'c',
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    expect((await getBalance(db, prepaid)).balance).toBe(0n);
  });

  it('answers concurrent retries of one id with one transfer', async () => {
    const { project } = await funded(10n);
    const input = { id: `dup:${project}`, projectId: project, currency: 'USD', amount: 3n, reason: 'r' };
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => topUp(db, input)));
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    expect((await projectBalance(db, project, 'USD')).balance).toBe(13n);
  });
});
