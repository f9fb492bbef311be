/**
 * `POST /v1/allocations/{id}/app` with the platform's own trust: a managed reference launches the
 * release pinned by digest under an issued policy, with a pull token that really pulls the release,
 * and is recorded with its prices; unapproved, out-of-scope and revoked versions are refused before
 * the runtime hears of them; other references use the operator's policy file, re-read when it
 * changes. The runtime is a stand-in HTTP server that records what it is asked (the real runtime's
 * launch is covered end to end elsewhere).
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generateSigningKeyPair,
  loadSigningKey,
  parseTrustPolicy,
  staticCredentials,
  verifyArtifact,
} from '@gpuaas/sdk';
import type { SigningKey } from '@gpuaas/sdk';
import { testDialects } from '@gpuaas/test-support';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPublisherKey, insertVersion, publishSigned } from '../apps/fixtures.test.util.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('app launch trust over the API');

interface LaunchBody {
  reference: string;
  trust_policy: string;
  registry_auth?: { username: string; password: string };
}

const policyYaml = (keyPem: string, scope: string) => `version: 1
keys:
  outside: { publicKey: "${keyPem.trim().replace(/\n/g, '\\n')}" }
policies:
  - name: outside
    scopes: ['${scope}']
    signatures: { authorities: [outside] }
`;

describe.each(dialects)('app launch on %s', (dialect) => {
  let t: TestPlatform;
  let runtime: Server;
  let launches: LaunchBody[];
  let stops = 0;
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
  let seq = 0;

  const launch = (artifact: string) =>
    t.request(`/v1/allocations/${allocationId}/app`, {
      method: 'POST',
      token: tenant,
      json: { artifact },
      headers: { 'idempotency-key': `launch-${seq++}` },
    });
  const codeOf = async (res: Response) => ((await res.json()) as { code: string }).code;

  beforeAll(async () => {
    launches = [];
    runtime = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => {
        if (req.url === '/v1/app/launch') launches.push(JSON.parse(text) as LaunchBody);
        if (req.url === '/v1/app/stop') stops += 1;
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
      .where('allocation_id', '=', allocationId)
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
    expect(stops).toBe(1);
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
      policyYaml((await generateSigningKeyPair()).publicKeyPem, 'registry.example.com/second/**'),
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
      .where('allocation_id', '=', allocationId)
      .where('ended_at', 'is', null)
      .execute();
    expect(open).toEqual([{ reference: 'registry.example.com/second/app:1.0.0' }]);
  });
});
