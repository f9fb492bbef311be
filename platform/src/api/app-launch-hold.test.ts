/**
 * A paid app's launch holds one billing interval of its hourly price on the tenant's balance, in
 * the transaction that records the launch; the hold is voided when the launch ends (stopped,
 * relaunched, its allocation released); a launch the project cannot hold is refused with 402 INSUFFICIENT_FUNDS before
 * anything is created or the runtime hears of it. The runtime is a stand-in HTTP server.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKeyPair, loadSigningKey } from '@gpuaas/sdk';
import type { SigningKey } from '@gpuaas/sdk';
import { testDialects } from '@gpuaas/test-support';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPublisherKey, insertVersion, publishSigned } from '../apps/fixtures.test.util.js';
import { checkLedger } from '../billing/check.js';
import { asBillingDb } from '../billing/db.js';
import { findOpenPending, getTransfer } from '../billing/ledger.js';
import { launchHoldId } from '../billing/launch-holds.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('the hold of a paid app launch');

interface LaunchBody {
  reference: string;
  trust_policy: string;
  registry_auth?: { username: string; password: string };
}

/** 0.50 an hour for 60 s: 8333.33 micros, rounded up. */
const HOLD = 8334n;

const policyYaml = (keyPem: string, scope: string) => `version: 1
keys:
  outside: { publicKey: "${keyPem.trim().replace(/\n/g, '\\n')}" }
policies:
  - name: outside
    scopes: ['${scope}']
    signatures: { authorities: [outside] }
`;

describe.each(dialects)('the hold of a paid app launch on %s', (dialect) => {
  let t: TestPlatform;
  let runtime: Server;
  let launches: LaunchBody[];
  let dir: string;
  let policyFile: string;
  let host: string;
  let tenant: string;
  let publisher: string;
  let operator: string;
  let tenantProject: string;
  let allocationId: string;
  let key: SigningKey;
  let v1: { digest: string; reference: string };
  let v1Id: string;
  let dear: { digest: string; reference: string };
  let seq = 0;

  const launch = (artifact: string) =>
    t.request(`/v1/allocations/${allocationId}/app`, {
      method: 'POST',
      token: tenant,
      json: { artifact },
      headers: { 'idempotency-key': `launch-${seq++}` },
    });

  beforeAll(async () => {
    launches = [];
    runtime = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => {
        if (req.url === '/v1/app/launch') launches.push(JSON.parse(text) as LaunchBody);
        res.writeHead(req.url === '/v1/app/launch' ? 202 : 200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ state: req.url === '/v1/app/launch' ? 'fetching' : 'stopped', reason: null }),
        );
      });
    });
    await new Promise<void>((resolve) => runtime.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(runtime.address() as AddressInfo).port}`;

    dir = await mkdtemp(join(tmpdir(), 'gpuaas-launch-policy-'));
    policyFile = join(dir, 'policy.yaml');
    const outsideKey = await generateSigningKeyPair();
    await writeFile(policyFile, policyYaml(outsideKey.publicKeyPem, 'registry.example.com/first/**'));
    t = await startTestPlatform(dialect, {
      rateLimit: { enabled: false },
      compute: { appTrustPolicy: 'placeholder, replaced by the file', appTrustPolicyFile: policyFile },
      // Rated by hand here: the test reads holds as the launches leave them.
      billing: { intervalSeconds: 60, raterIntervalMs: 600_000 },
    });
    host = new URL(t.url).host;
    publisher = (await t.login('publisher@example.com')).token;
    tenant = (await t.login('tenant@example.com')).token;
    operator = (await t.login('ops@example.com', { operator: true })).token;
    const created = async (token: string, name: string) =>
      (
        (await (await t.request('/v1/projects', { method: 'POST', token, json: { name } })).json()) as {
          id: string;
        }
      ).id;
    const publisherProject = await created(publisher, 'acme');
    tenantProject = await created(tenant, 'tenant');

    key = await loadSigningKey((await generateSigningKeyPair()).privateKeyPem);
    await insertPublisherKey(t.platform.db, publisherProject, key);
    v1 = await publishSigned({ host, token: publisher, repository: 'acme/echo', tag: '1.0.0', key });
    v1Id = await insertVersion(t.platform.db, {
      projectId: publisherProject,
      registry: host,
      repository: 'acme/echo',
      tag: '1.0.0',
      digest: v1.digest,
      version: '1.0.0',
      signerKeyId: key.keyId,
      manifest: {
        name: 'echo',
        version: '1.0.0',
        meters: [{ name: 'requests', unit: 'request', aggregation: 'sum' }],
        billing: {
          currency: 'USD',
          hourlyPrice: '0.50',
          metered: [{ meter: 'requests', pricePerUnit: '0.000002' }],
        },
      },
    });
    await t.platform.apps.review.approve(v1Id, { scope: 'project', scopeId: tenantProject }, { id: 'ops' });
    // 100000.00 an hour: one minute (1666.67) is far beyond the tenant's starter credit.
    dear = await publishSigned({ host, token: publisher, repository: 'acme/dear', tag: '1.0.0', key });
    const dearId = await insertVersion(t.platform.db, {
      projectId: publisherProject,
      registry: host,
      repository: 'acme/dear',
      tag: '1.0.0',
      digest: dear.digest,
      version: '1.0.0',
      signerKeyId: key.keyId,
      manifest: { name: 'echo', version: '1.0.0', billing: { currency: 'USD', hourlyPrice: '100000' } },
    });
    await t.platform.apps.review.approve(dearId, { scope: 'project', scopeId: tenantProject }, { id: 'ops' });

    const node = (await (
      await t.request('/v1/nodes', {
        method: 'POST',
        token: operator,
        json: {
          name: 'launch-node',
          agent_version: 'test',
          inventory: { gpus: [{ index: 0, model: 'NVIDIA H100 80GB HBM3', memory_mib: 81559 }] },
        },
      })
    ).json()) as { id: string };
    allocationId = (
      (await (
        await t.request('/v1/allocations', {
          method: 'POST',
          token: tenant,
          json: { project_id: tenantProject, gpus: { count: 1 } },
        })
      ).json()) as { id: string }
    ).id;
    const beat = await t.request(`/v1/nodes/${node.id}/heartbeat`, {
      method: 'POST',
      token: operator,
      json: {
        allocations: [{ id: allocationId, state: 'running', endpoint, runtime_secret: 'x'.repeat(32) }],
      },
    });
    expect(beat.status, await beat.text()).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => runtime?.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  const holdsOf = async () =>
    (await (
      await t.request(`/v1/billing/balance?project_id=${tenantProject}`, { token: tenant })
    ).json()) as { holds_micros: number; available_micros: number; balance_micros: number };
  const openLaunch = async () =>
    (
      await t.platform.db
        .selectFrom('app_launches')
        .select('id')
        .where('allocation_id', '=', allocationId)
        .where('ended_at', 'is', null)
        .executeTakeFirstOrThrow()
    ).id;
  const ledger = () => asBillingDb(t.platform.db);

  it('holds one interval of the hourly price while the launch is in force and voids it when it ends', async () => {
    const before = await holdsOf();
    const res = await launch(`${host}/acme/echo:1.0.0`);
    expect(res.status, await res.clone().text()).toBe(202);
    const first = await openLaunch();
    const hold = await findOpenPending(ledger(), launchHoldId(first));
    expect(hold).toMatchObject({ kind: 'pending', amount: HOLD, category: 'hold', allocationId });
    const held = await holdsOf();
    expect(held.holds_micros).toBe(before.holds_micros + Number(HOLD));
    expect(held.available_micros).toBe(before.available_micros - Number(HOLD));
    // A rater pass keeps it while the app runs, and enforcement does not take it for the GPU's.
    const pass = await t.platform.gpuRater.runOnce();
    expect(pass.exhausted).toEqual([]);
    expect(await findOpenPending(ledger(), launchHoldId(first))).toBeDefined();

    // A relaunch ends the first launch: its hold is voided, the new one holds the next interval.
    expect((await launch(`${host}/acme/echo:1.0.0`)).status).toBe(202);
    const second = await openLaunch();
    expect(second).not.toBe(first);
    expect(await findOpenPending(ledger(), launchHoldId(first))).toBeUndefined();
    expect(await getTransfer(ledger(), `void:${launchHoldId(first)}`)).toMatchObject({
      kind: 'void',
      pendingId: launchHoldId(first),
    });
    expect(await findOpenPending(ledger(), launchHoldId(second))).toBeDefined();
    expect((await holdsOf()).holds_micros).toBe(before.holds_micros + Number(HOLD));

    const stop = await t.request(`/v1/allocations/${allocationId}/app/stop`, {
      method: 'POST',
      token: tenant,
      headers: { 'idempotency-key': `stop-app-${seq++}` },
    });
    expect(stop.status, await stop.clone().text()).toBe(200);
    expect(await findOpenPending(ledger(), launchHoldId(second))).toBeUndefined();
    const after = await holdsOf();
    expect([after.holds_micros, after.available_micros]).toEqual([
      before.holds_micros,
      before.available_micros,
    ]);
    expect((await checkLedger(ledger())).ok).toBe(true);
  });

  it('refuses a launch the project cannot hold with 402 and creates nothing', async () => {
    const sent = launches.length;
    const count = async (table: 'app_launches' | 'service_accounts') =>
      Number(
        (
          await t.platform.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const rows = [await count('app_launches'), await count('service_accounts')];
    const before = await holdsOf();
    const refused = await launch(dear.reference);
    expect(refused.status, await refused.clone().text()).toBe(402);
    const problem = (await refused.json()) as { code: string; detail: string };
    expect(problem.code).toBe('INSUFFICIENT_FUNDS');
    expect(problem.detail).toContain('gpuaas billing balance');
    expect(launches.length).toBe(sent);
    expect([await count('app_launches'), await count('service_accounts')]).toEqual(rows);
    expect(await holdsOf()).toEqual(before);

    // Once the project can pay for the interval, the same launch goes ahead and holds it.
    const topup = await t.request('/v1/billing/topups', {
      method: 'POST',
      token: operator,
      json: { project_id: tenantProject, amount: '2000', reason: 'test' },
      headers: { 'idempotency-key': 'topup-dear' },
    });
    expect(topup.status, await topup.clone().text()).toBe(201);
    expect((await launch(dear.reference)).status).toBe(202);
    const dearLaunch = await openLaunch();
    const hold = await findOpenPending(ledger(), launchHoldId(dearLaunch));
    expect(hold?.amount).toBe(1_666_666_667n);

    // The allocation ends: the rater voids its open holds, the app's with them.
    const release = await t.request(`/v1/allocations/${allocationId}/release`, {
      method: 'POST',
      token: tenant,
      headers: { 'idempotency-key': 'release-launch-hold' },
    });
    expect(release.status, await release.clone().text()).toBeLessThan(300);
    await t.platform.gpuRater.runOnce();
    expect(await findOpenPending(ledger(), launchHoldId(dearLaunch))).toBeUndefined();
    expect((await holdsOf()).holds_micros).toBe(0);
    expect((await checkLedger(ledger())).ok).toBe(true);
  });
});
