/**
 * `gpuaas billing earnings` (members of a publisher project) and `gpuaas billing budget list`
 * (operators) as a child process (the built bin) against a real platform. App usage is rated with
 * the billing library on the platform's database (the usage API that rates it is tested with the
 * platform, platform/src/api/billing-app-usage.test.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asBillingDb } from '../platform/src/billing/db.js';
import { rateUsageEvents } from '../platform/src/billing/usage-rater.js';
import { isoTime } from '../platform/src/ids.js';
import { startTestPlatform } from '../platform/src/testing/harness.js';
import type { TestPlatform } from '../platform/src/testing/harness.js';
import { gpuaasBin, run } from './support/processes.js';
import type { RunResult } from './support/processes.js';

describe('gpuaas billing earnings and budget list against a real platform', () => {
  let t: TestPlatform;
  let dir: string;
  let operatorToken: string;
  let tenantToken: string;
  let publisherToken: string;
  let tenantId: string;

  const gpuaas = (args: string[], token: string): Promise<RunResult> =>
    run(gpuaasBin, args, {
      PATH: process.env.PATH,
      GPUAAS_API_URL: t.url,
      GPUAAS_TOKEN: token,
      GPUAAS_CREDENTIALS_FILE: join(dir, 'credentials.json'),
      CI: 'true',
    });
  const json = <T>(r: RunResult): T => {
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as T;
  };
  const project = async (token: string, name: string) =>
    (
      (await (await t.request('/v1/projects', { method: 'POST', token, json: { name } })).json()) as {
        id: string;
      }
    ).id;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-earnings-cli-'));
    t = await startTestPlatform('sqlite', {
      localNode: false,
      log: { level: 'warn' },
      billing: { raterIntervalMs: 600_000 },
    });
    operatorToken = (await t.login('earn-ops@example.com', { operator: true })).token;
    tenantToken = (await t.login('earn-tenant@example.com')).token;
    publisherToken = (await t.login('earn-pub@example.com')).token;
    tenantId = await project(tenantToken, 'earn-tenant');
    const publisherId = await project(publisherToken, 'earn-pub');
    // 1,000,000 tokens at 2 micros each, a 15 % fee: 2,000,000 charged, 300,000 withheld.
    await rateUsageEvents(
      asBillingDb(t.platform.db),
      {
        launchId: 'launch-1',
        allocationId: 'alloc-1',
        projectId: tenantId,
        publisherId,
        currency: 'USD',
        feeBasisPoints: 1500,
        meters: { tokens: { micros: 2n } },
      },
      [{ eventId: 'e-1', meter: 'tokens', quantity: '1000000', occurredAt: isoTime() }],
    );
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("prints a publisher's earnings for the month, exact, to members of the publisher only", async () => {
    const earnings = json<{
      payable_micros: number;
      totals: { earned_micros: number; net_micros: number };
      lines: { category: string; amount_micros: number; allocation_id: string }[];
    }>(await gpuaas(['billing', 'earnings', '--project', 'earn-pub', '--output', 'json'], publisherToken));
    expect(earnings.payable_micros).toBe(1_700_000);
    expect(earnings.totals).toMatchObject({ earned_micros: 1_700_000, net_micros: 1_700_000 });
    expect(earnings.lines).toEqual([
      expect.objectContaining({ category: 'app_usage', amount_micros: 1_700_000, allocation_id: 'alloc-1' }),
    ]);
    const table = await gpuaas(['billing', 'earnings', '--project', 'earn-pub'], publisherToken);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/payable_now\s+1\.70/);
    const lastMonth = await gpuaas(
      ['billing', 'earnings', '--project', 'earn-pub', '--period', '2020-01', '--output', 'json'],
      publisherToken,
    );
    expect(json<{ totals: { earned_micros: number } }>(lastMonth).totals.earned_micros).toBe(0);
    const tenant = await gpuaas(['billing', 'earnings', '--project', 'earn-pub'], tenantToken);
    expect(tenant.code).not.toBe(0);
  });

  it('lists every budget with its spend to operators, and refuses tenants', async () => {
    json(
      await gpuaas(
        ['billing', 'budget', 'set', '--project', 'earn-tenant', '--limit', '4', '--output', 'json'],
        tenantToken,
      ),
    );
    const { items } = json<{
      items: { project_id: string; limit_micros: number; spent_micros: number; spent_percent: string }[];
    }>(await gpuaas(['billing', 'budget', 'list', '--output', 'json'], operatorToken));
    expect(items.find((b) => b.project_id === tenantId)).toMatchObject({
      limit_micros: 4_000_000,
      spent_micros: 2_000_000,
      spent_percent: '50.00',
    });
    const table = await gpuaas(['billing', 'budget', 'list'], operatorToken);
    expect(table.stdout).toMatch(/4\.00 USD\s+2\.00\s+50\.00%/);
    expect((await gpuaas(['billing', 'budget', 'list'], tenantToken)).code).not.toBe(0);
  });
});
