/**
 * `POST /v1/allocations/{id}/app` with the platform's own trust: a managed reference launches the
 * release pinned by digest under an issued policy, with a pull token that really pulls the release,
 * and is recorded with its prices; unapproved, out-of-scope and revoked versions are refused before
 * the runtime hears of them; other references use the operator's policy file, re-read when it
 * changes. The runtime is a stand-in HTTP server that records what it is asked (the real runtime's
 * launch is covered end to end elsewhere).
 */
import { writeFile } from 'node:fs/promises';
import { generateSigningKeyPair, parseTrustPolicy, staticCredentials, verifyArtifact } from '@gpuaas/sdk';
import type { SigningKey } from '@gpuaas/sdk';
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StandInLaunch } from '../apps/catalog-fixtures.test.util.js';
import { publishSigned } from '../apps/fixtures.test.util.js';
import { ECHO_MANIFEST, outsidePolicy, startLaunchFixture } from '../apps/launch-fixtures.test.util.js';
import type { LaunchFixture } from '../apps/launch-fixtures.test.util.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('app launch trust over the API');

describe.each(dialects)('app launch on %s', (dialect) => {
  let fx: LaunchFixture;
  let t: TestPlatform;
  let host: string;
  let tenant: string;
  let publisher: string;
  let operator: string;
  let key: SigningKey;
  let policyFile: string;
  let launches: StandInLaunch[];
  let v1: { id: string; digest: string };
  let v1Id: string;
  let seq = 0;

  const launch = (artifact: string) =>
    t.request(`/v1/allocations/${fx.allocationId}/app`, {
      method: 'POST',
      token: tenant,
      json: { artifact },
      headers: { 'idempotency-key': `launch-${seq++}` },
    });
  const codeOf = async (res: Response) => ((await res.json()) as { code: string }).code;

  beforeAll(async () => {
    fx = await startLaunchFixture(dialect);
    ({ t, host, tenant, publisher, operator, key, policyFile } = fx);
    launches = fx.runtime.launches;
    v1 = await fx.approved('echo', ECHO_MANIFEST);
    v1Id = v1.id;
  });
  afterAll(() => fx?.close());

  it('launches an approved version as its release, with an issued policy and a pull token that pulls it', async () => {
    const res = await launch(`${host}/acme/echo:1.0.0`);
    expect(res.status, await res.clone().text()).toBe(202);
    const sent = launches.at(-1);
    expect(sent?.reference).toBe(`${host}/release/acme/echo:1.0.0@${v1.digest}`);
    const policy = parseTrustPolicy(sent?.trust_policy ?? '', { baseDir: '/nonexistent' }).value;
    expect(policy?.policies[0]?.scopes).toEqual([`${host}/release/acme/echo`]);
    // What the runtime will do with those: pull the release with the token and verify it.
    const auth = sent?.registry_auth;
    expect(auth?.password).toBeTruthy();
    const verdict = await verifyArtifact(
      sent?.reference ?? '',
      { policy: policy! },
      { connection: { credentials: staticCredentials(auth ?? {}) } },
    );
    expect(verdict.allowed, verdict.reasons.join('; ')).toBe(true);

    const recorded = await t.platform.db
      .selectFrom('app_launches')
      .selectAll()
      .where('allocation_id', '=', fx.allocationId)
      .execute();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ version_id: v1Id, digest: v1.digest, ended_at: null });
    expect(JSON.parse(recorded[0]?.pricing ?? 'null')).toEqual({
      currency: 'USD',
      hourly_price_micros: '500000',
      meters: [{ meter: 'requests', unit: 'request', micros: '2', per_units: '1' }],
      publisher_project_id: expect.any(String) as unknown,
      fee_bps: 2000,
    });
  });

  it('refuses unapproved and revoked versions before the runtime hears of them; revoking stops running ones', async () => {
    const before = launches.length;
    const stray = await publishSigned({
      host,
      token: publisher,
      repository: 'acme/echo',
      tag: '1.1.0',
      key,
      salt: 's',
    });
    const unapproved = await launch(stray.reference);
    expect(unapproved.status).toBe(409);
    expect(await codeOf(unapproved)).toBe('APP_VERSION_NOT_APPROVED');
    const revoke = await t.request(`/v1/apps/versions/${v1Id}/revoke`, {
      method: 'POST',
      token: operator,
      json: { reason: 'leaked key', stop_running: true },
      headers: { 'idempotency-key': 'revoke-v1' },
    });
    expect(revoke.status, await revoke.clone().text()).toBe(200);
    expect(((await revoke.json()) as { state: string }).state).toBe('revoked');
    // The instance launched above was asked to stop, and its launch ended.
    expect(fx.runtime.stops()).toBe(1);
    const ended = await t.platform.db
      .selectFrom('app_launches')
      .select('ended_at')
      .where('version_id', '=', v1Id)
      .executeTakeFirstOrThrow();
    expect(ended.ended_at).not.toBeNull();
    const revoked = await launch(`${host}/acme/echo@${v1.digest}`);
    expect(revoked.status).toBe(409);
    expect(await codeOf(revoked)).toBe('APP_VERSION_REVOKED');
    expect(launches.length).toBe(before);
  });

  it("runs other references under the operator's policy file, re-read when it changes", async () => {
    await launch('registry.example.com/first/app:1.0.0');
    const first = launches.at(-1);
    expect(first?.reference).toBe('registry.example.com/first/app:1.0.0');
    expect(first?.registry_auth).toBeUndefined();
    expect(first?.trust_policy).toContain('registry.example.com/first/**');
    // Same size would hide nothing: the modification time changes too.
    await writeFile(
      policyFile,
      outsidePolicy((await generateSigningKeyPair()).publicKeyPem, 'registry.example.com/second/**'),
    );
    await launch('registry.example.com/second/app:1.0.0');
    expect(launches.at(-1)?.trust_policy).toContain('registry.example.com/second/**');
    const loaded = t.logs.filter((line) => line.msg === 'app trust policy loaded');
    expect(loaded.length).toBeGreaterThanOrEqual(2);
    expect(loaded.at(-1)).toMatchObject({ file: policyFile, keys: ['outside'] });
    // A broken edit keeps the last good policy.
    await writeFile(policyFile, 'version: 1\npolicies: [oops\n');
    await launch('registry.example.com/second/app:1.0.0');
    expect(launches.at(-1)?.trust_policy).toContain('registry.example.com/second/**');
    // Each launch ended the one before it in this allocation.
    const open = await t.platform.db
      .selectFrom('app_launches')
      .select('reference')
      .where('allocation_id', '=', fx.allocationId)
      .where('ended_at', 'is', null)
      .execute();
    expect(open).toEqual([{ reference: 'registry.example.com/second/app:1.0.0' }]);
  });
});
