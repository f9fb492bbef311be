/**
 * `gpuaas-platform billing check`, run as an operator runs it: the built bin as a child process,
 * against a real platform database (every migration applied) holding a top-up, rated app usage and
 * GPU intervals. A whole ledger exits 0; a cached balance changed behind the ledger's back (raw
 * SQL, as a bad manual fix or a bug would) exits 1 and names the account and the field; so does a
 * closed statement altered by someone who dropped the append-only trigger (the chain breaks).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestStore, testDialects } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNTS,
  asBillingDb,
  rateUsageEvents,
  settleGpuInterval,
  startGpuMeter,
  topUp,
} from '../billing/index.js';
import type { GpuMeter, LaunchPricing } from '../billing/index.js';
import { asStatementDb, closeStatement } from '../billing/statements.js';
import { createDatabase } from '../db/database.js';

const dialects = await testDialects('gpuaas-platform billing check');
const bin = fileURLToPath(new URL('../../bin/gpuaas-platform.js', import.meta.url));
const dist = fileURLToPath(new URL('../../dist/cli/billing.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function check(store: TestStore, ...extra: string[]): Promise<Run> {
  const args = [
    bin,
    'billing',
    'check',
    '--data-dir',
    store.dataDir,
    ...(store.databaseUrl === undefined ? [] : ['--database-url', store.databaseUrl]),
    ...extra,
  ];
  try {
    const env = { ...process.env };
    delete env.GPUAAS_DATABASE_URL;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number | null; stdout?: string; stderr?: string };
    return { code: failed.code ?? null, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Some of everything the ledger holds: a top-up, usage with publisher share and fee, holds, GPU time. */
async function fillLedger(store: TestStore): Promise<void> {
  const database = await createDatabase({ dataDir: store.dataDir, url: store.databaseUrl });
  const db = asBillingDb(database.db);
  try {
    await topUp(db, { id: 'topup-1', projectId: 'p1', currency: 'USD', amount: 50_000_000n, reason: 'test' });
    const launch: LaunchPricing = {
      launchId: 'launch-1',
      projectId: 'p1',
      publisherId: 'pub-1',
      currency: 'USD',
      feeBasisPoints: 1_500,
      meters: { tokens: { micros: 3n, perUnits: 7n } },
    };
    await rateUsageEvents(
      db,
      launch,
      Array.from({ length: 10 }, (_, i) => ({ eventId: `e${i}`, meter: 'tokens', quantity: '1234.5' })),
    );
    const meter: GpuMeter = {
      allocationId: 'alloc-1',
      projectId: 'p1',
      currency: 'USD',
      priceMicrosPerGpuHour: 2_500_000n,
      gpuCount: 2,
      intervalSeconds: 60,
      runningSince: '2026-12-07T10:00:00.000Z',
    };
    await startGpuMeter(db, meter);
    await settleGpuInterval(db, meter, { index: 0, runningSeconds: 60, final: false });
  } finally {
    await database.close();
  }
}

describe('gpuaas-platform billing check needs a database', () => {
  it('refuses a data folder without one (exit 2) instead of checking an empty new file', async () => {
    expect(existsSync(dist), 'platform/dist is missing cli/billing.js: run `npx tsc --build` first').toBe(
      true,
    );
    const store = await createTestStore('sqlite');
    try {
      const run = await check({ ...store, databaseUrl: undefined });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/error\[CONFIG_INVALID\]: no platform database at .*platform\.sqlite/);
      expect(existsSync(`${store.dataDir}/platform.sqlite`)).toBe(false);
    } finally {
      await store.drop();
    }
  });
});

describe.each(dialects)('gpuaas-platform billing check on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    await fillLedger(store);
  });
  afterAll(() => store.drop());

  it('exits 0 on a whole ledger, as a table and as JSON', async () => {
    const table = await check(store);
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ledger: \d+ accounts, \d+ transfers$/m);
    expect(table.stdout).toMatch(/^ok: every cached balance equals its transfers/m);

    const json = await check(store, '--output', 'json');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { ok: boolean; transfers: number; differences: unknown[] };
    expect(report).toMatchObject({ ok: true, differences: [], imbalances: [], problems: [] });
    // top-up; the usage batch's publisher share and fee; hold 0, its post, hold 1
    expect(report.transfers).toBe(1 + 2 + 3);
  });

  it('exits 1 and names the account when a cached balance was changed behind the ledger', async () => {
    const prepaid = ACCOUNTS.projectPrepaid('p1', 'USD').id;
    const database = await createDatabase({ dataDir: store.dataDir, url: store.databaseUrl, migrate: false });
    try {
      await sql`update billing_balances set credits_posted = credits_posted + 1000000 where account_id = ${prepaid}`.execute(
        database.db,
      );
    } finally {
      await database.close();
    }

    const json = await check(store, '--output', 'json');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as {
      ok: boolean;
      differences: { account_id: string; field: string; cached_micros: number; recomputed_micros: number }[];
    };
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual([
      {
        account_id: prepaid,
        field: 'credits_posted',
        cached_micros: 51_000_000,
        recomputed_micros: 50_000_000,
      },
    ]);

    const table = await check(store);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(new RegExp(`^${prepaid}\\s+credits_posted\\s+51\\.00\\s+50\\.00$`, 'm'));
    expect(table.stdout).toMatch(
      /^FAILED: 1 balance difference\(s\), 0 imbalance\(s\), 0 problem\(s\), 0 broken statement chain link\(s\)$/m,
    );
  });
});

describe.each(dialects)('gpuaas-platform billing check of statement chains on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    const database = await createDatabase({ dataDir: store.dataDir, url: store.databaseUrl });
    try {
      const db = asBillingDb(database.db);
      for (const [id, at] of [
        ['topup-oct', '2026-10-05T00:00:00.000Z'],
        ['topup-nov', '2026-11-05T00:00:00.000Z'],
      ] as const) {
        await topUp(db, { id, projectId: 'p1', currency: 'USD', amount: 1_000_000n, reason: 'test', at });
      }
      for (const period of ['2026-10', '2026-11']) {
        await closeStatement(asStatementDb(database.db), {
          projectId: 'p1',
          currency: 'USD',
          period,
          closedBy: 'user:op',
          now: '2026-12-07T00:00:00.000Z',
        });
      }
    } finally {
      await database.close();
    }
  });
  afterAll(() => store.drop());

  it('exits 0 while the chain is intact, 1 naming the project and month once a statement was altered', async () => {
    const intact = await check(store, '--output', 'json');
    expect(intact.code).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({ ok: true, broken_chains: [] });

    // The database refuses the edit; a forger who drops the guard first is caught by the chain.
    const database = await createDatabase({ dataDir: store.dataDir, url: store.databaseUrl, migrate: false });
    try {
      const forge = sql`update billing_statements set body = replace(body, '1000000', '9000000') where period = '2026-10'`;
      await expect(forge.execute(database.db)).rejects.toThrow(/immutable/);
      if (dialect === 'postgres') {
        await sql`drop trigger billing_statements_append_only on billing_statements`.execute(database.db);
      } else {
        await sql`drop trigger billing_statements_no_update`.execute(database.db);
      }
      await forge.execute(database.db);
    } finally {
      await database.close();
    }

    const json = await check(store, '--output', 'json');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as {
      ok: boolean;
      differences: unknown[];
      broken_chains: unknown[];
    };
    expect(report).toMatchObject({ ok: false, differences: [] });
    expect(report.broken_chains).toEqual([
      {
        project_id: 'p1',
        currency: 'USD',
        period: '2026-10',
        problem: 'its body does not hash to its stored sha256',
      },
    ]);

    const table = await check(store);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(
      /^broken statement chain: project p1 USD 2026-10: its body does not hash to its stored sha256$/m,
    );
    expect(table.stdout).toMatch(/, 1 broken statement chain link\(s\)$/m);
  });
});
