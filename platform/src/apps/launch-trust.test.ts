/**
 * The platform's trust at launch, on a real platform and real signed artifacts: which references
 * it manages, the launchability check (state, approval scope), the trust policy it issues (checked
 * with the SDK's verifyArtifact against the promoted artifact, and against an unapproved one), tags
 * moved after approval, revocation, and who may pull the release namespace.
 */
import { createHash } from 'node:crypto';
import {
  generateSigningKeyPair,
  loadSigningKey,
  parseTrustPolicy,
  staticCredentials,
  verifyArtifact,
} from '@gpuaas/sdk';
import type { SigningKey, TrustPolicy } from '@gpuaas/sdk';
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError } from '../errors.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { insertPublisherKey, insertVersion, publishSigned } from './fixtures.test.util.js';
import { issueTrustPolicy, planManagedLaunch } from './launch-trust.js';
import type { LaunchProject, LaunchTrustOptions } from './launch-trust.js';

const dialects = await testDialects('app launch trust');

function policyOf(text: string): TrustPolicy {
  const parsed = parseTrustPolicy(text, { baseDir: '/nonexistent' });
  if (parsed.value === undefined) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PlatformError) return String(error.code);
    throw error;
  }
  throw new Error('expected a refusal');
}

describe.each(dialects)('launch trust on %s', (dialect) => {
  let t: TestPlatform;
  let host: string;
  let publisher: string;
  let tenant: string;
  let stranger: string;
  let operator: string;
  let publisherProject: string;
  let tenantProject: LaunchProject;
  let strangerProject: LaunchProject;
  let key: SigningKey;
  let v1: { digest: string; reference: string };
  let v1Id: string;
  let options: LaunchTrustOptions;

  const basic = (token: string) => `Basic ${Buffer.from(`x:${token}`).toString('base64')}`;
  const v2 = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${t.url}/v2${path}`, {
      ...init,
      headers: {
        authorization: basic(token),
        accept: 'application/vnd.oci.image.manifest.v1+json',
        ...(init.headers as Record<string, string> | undefined),
      },
    });
  const projectOf = async (token: string, name: string): Promise<LaunchProject> => {
    const res = await t.request('/v1/projects', { method: 'POST', token, json: { name } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; organization_id: string };
    return { id: body.id, organizationId: body.organization_id };
  };
  const reviewer = { id: 'ops', email: 'ops@example.com' };

  beforeAll(async () => {
    t = await startTestPlatform(dialect, { rateLimit: { enabled: false } });
    host = new URL(t.url).host;
    publisher = (await t.login('publisher@example.com')).token;
    tenant = (await t.login('tenant@example.com')).token;
    stranger = (await t.login('stranger@example.com')).token;
    operator = (await t.login('ops@example.com', { operator: true })).token;
    publisherProject = (await projectOf(publisher, 'acme')).id;
    tenantProject = await projectOf(tenant, 'tenant-a');
    strangerProject = await projectOf(stranger, 'tenant-b');
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
    });
    await t.platform.apps.review.approve(v1Id, { scope: 'project', scopeId: tenantProject.id }, reviewer);
    options = {
      db: t.platform.db,
      embedded: t.platform.apps.embedded,
      approvalKey: () => Promise.resolve(t.platform.apps.approvalKey),
    };
  });
  afterAll(() => t?.close());

  it('launches the release reference pinned by digest, with a policy that verifies the promoted artifact', async () => {
    // Rotation: a key retired after the approval still signs for what it signed.
    await t.platform.db.updateTable('publisher_keys').set({ retired_at: new Date().toISOString() }).execute();
    const plan = await planManagedLaunch(options, `${host}/acme/echo:1.0.0`, tenantProject);
    expect(plan?.version.id).toBe(v1Id);
    expect(plan?.reference).toBe(`${host}/release/acme/echo:1.0.0@${v1.digest}`);
    expect(plan?.warnings).toEqual([]);
    const policy = policyOf(plan?.trustPolicy ?? '');
    expect([...policy.authorities.keys()].sort()).toEqual(['platform', 'publisher']);
    // The tenant pulls the release as its runtime will: entitled by the approval's scope.
    const connection = { credentials: staticCredentials({ username: 'x', password: tenant }) };
    const verdict = await verifyArtifact(plan?.reference ?? '', { policy }, { connection });
    expect(verdict.allowed, verdict.reasons.join('; ')).toBe(true);
    expect(verdict.verified.map((v) => v.authority).sort()).toEqual(['platform', 'publisher']);
    // The same launch by the release reference itself.
    const direct = await planManagedLaunch(options, plan?.reference ?? '', tenantProject);
    expect(direct?.version.id).toBe(v1Id);
    await t.platform.db.updateTable('publisher_keys').set({ retired_at: null }).execute();
  });

  it('launches a release approved while the platform listened elsewhere, from where it is now', async () => {
    const row = await t.platform.db
      .selectFrom('app_versions')
      .selectAll()
      .where('id', '=', v1Id)
      .executeTakeFirstOrThrow();
    const current = row.release_reference ?? '';
    // As stored by a platform that ran on another port before this start.
    const stored = current.replace(host, '127.0.0.1:1');
    await t.platform.db
      .updateTable('app_versions')
      .set({ release_reference: stored })
      .where('id', '=', v1Id)
      .execute();
    try {
      const plan = await planManagedLaunch(options, stored, tenantProject);
      expect(plan?.version.id).toBe(v1Id);
      expect(plan?.reference).toBe(current);
      const connection = { credentials: staticCredentials({ username: 'x', password: tenant }) };
      const verdict = await verifyArtifact(
        plan?.reference ?? '',
        { policy: policyOf(plan?.trustPolicy ?? '') },
        { connection },
      );
      expect(verdict.allowed, verdict.reasons.join('; ')).toBe(true);
      // Another registry's `release/` repository is not ours because of its name.
      expect(
        await planManagedLaunch(options, `127.0.0.1:2/release/acme/echo@${v1.digest}`, tenantProject),
      ).toBe(undefined);
    } finally {
      await t.platform.db
        .updateTable('app_versions')
        .set({ release_reference: current })
        .where('id', '=', v1Id)
        .execute();
    }
  });

  it('refuses a project outside the approval scope, and its members cannot pull the release', async () => {
    expect(await refusal(planManagedLaunch(options, `${host}/acme/echo@${v1.digest}`, strangerProject))).toBe(
      'APP_VERSION_NOT_APPROVED',
    );
    const pulled = await v2(`/release/acme/echo/manifests/${v1.digest}`, stranger);
    expect(pulled.status).toBe(404);
    expect((await v2(`/release/acme/echo/manifests/${v1.digest}`, tenant)).status).toBe(200);
    expect((await v2(`/release/acme/echo/manifests/${v1.digest}`, operator)).status).toBe(200);
  });

  it('refuses an unapproved version, whose artifact the issued policy refuses too', async () => {
    const v2Artifact = await publishSigned({
      host,
      token: publisher,
      repository: 'acme/echo',
      tag: '2.0.0',
      key,
      salt: 'two',
    });
    const id = await insertVersion(t.platform.db, {
      projectId: publisherProject,
      registry: host,
      repository: 'acme/echo',
      tag: '2.0.0',
      digest: v2Artifact.digest,
      version: '2.0.0',
      signerKeyId: key.keyId,
    });
    expect(await refusal(planManagedLaunch(options, `${host}/acme/echo:2.0.0`, tenantProject))).toBe(
      'APP_VERSION_NOT_APPROVED',
    );
    // An unregistered push into the embedded registry is refused the same way.
    const stray = await publishSigned({
      host,
      token: publisher,
      repository: 'acme/stray',
      tag: '1.0.0',
      key,
      salt: 'stray',
    });
    expect(await refusal(planManagedLaunch(options, stray.reference, tenantProject))).toBe(
      'APP_VERSION_NOT_APPROVED',
    );
    // The policy shape, aimed at the unapproved artifact: the publisher signed it, the platform did not.
    const row = await t.platform.db
      .selectFrom('app_versions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const policy = policyOf(
      await issueTrustPolicy(options, { ...row, release_reference: `${host}/acme/echo:2.0.0@${row.digest}` }),
    );
    const connection = { credentials: staticCredentials({ username: 'x', password: publisher }) };
    const verdict = await verifyArtifact(`${host}/acme/echo@${row.digest}`, { policy }, { connection });
    expect(verdict.allowed).toBe(false);
    expect(verdict.code).toBe('ATTESTATION_MISSING');
  });

  it('admits every project of the approving organisation, and only those', async () => {
    const artifact = await publishSigned({
      host,
      token: publisher,
      repository: 'acme/org-wide',
      tag: '1.0.0',
      key,
      salt: 'org',
    });
    const id = await insertVersion(t.platform.db, {
      projectId: publisherProject,
      registry: host,
      repository: 'acme/org-wide',
      tag: '1.0.0',
      digest: artifact.digest,
      version: '1.0.0',
      signerKeyId: key.keyId,
    });
    await t.platform.apps.review.approve(
      id,
      { scope: 'organization', scopeId: tenantProject.organizationId },
      reviewer,
    );
    const plan = await planManagedLaunch(options, artifact.reference, tenantProject);
    expect(plan?.version.id).toBe(id);
    expect(await refusal(planManagedLaunch(options, artifact.reference, strangerProject))).toBe(
      'APP_VERSION_NOT_APPROVED',
    );
    expect((await v2(`/release/acme/org-wide/manifests/${artifact.digest}`, tenant)).status).toBe(200);
    expect((await v2(`/release/acme/org-wide/manifests/${artifact.digest}`, stranger)).status).toBe(404);
  });

  it('refuses a tag moved after approval, and still launches the approved digest', async () => {
    await publishSigned({
      host,
      token: publisher,
      repository: 'acme/echo',
      tag: '1.0.0',
      key,
      salt: 'moved',
    });
    expect(await refusal(planManagedLaunch(options, `${host}/acme/echo:1.0.0`, tenantProject))).toBe(
      'APP_VERSION_NOT_APPROVED',
    );
    const pinned = await planManagedLaunch(options, `${host}/acme/echo@${v1.digest}`, tenantProject);
    expect(pinned?.version.id).toBe(v1Id);
  });

  it('warns about a deprecated version and refuses a revoked one at once', async () => {
    await t.platform.apps.review.publish(v1Id, reviewer);
    await t.platform.apps.review.deprecate(v1Id, 'use 2.x', reviewer);
    const deprecated = await planManagedLaunch(options, `${host}/acme/echo@${v1.digest}`, tenantProject);
    expect(deprecated?.warnings).toEqual(['deprecated']);
    await t.platform.apps.review.revoke(v1Id, { reason: 'key leaked' }, reviewer);
    expect(await refusal(planManagedLaunch(options, `${host}/acme/echo@${v1.digest}`, tenantProject))).toBe(
      'APP_VERSION_REVOKED',
    );
    // The digest stays revoked under any other registration of it.
    const copy = await insertVersion(t.platform.db, {
      projectId: publisherProject,
      registry: 'registry.example.com',
      repository: 'acme/echo-copy',
      tag: null,
      digest: v1.digest,
      version: '1.0.0',
      signerKeyId: key.keyId,
      state: 'approved',
    });
    await t.platform.db
      .updateTable('app_versions')
      .set({
        approval_scope: 'platform',
        release_reference: `${host}/release/acme/echo-copy:1.0.0@${v1.digest}`,
      })
      .where('id', '=', copy)
      .execute();
    expect(
      await refusal(
        planManagedLaunch(options, `registry.example.com/acme/echo-copy@${v1.digest}`, tenantProject),
      ),
    ).toBe('APP_VERSION_REVOKED');
    // Nothing launchable is left in the release repository: the tenant's pull right went with it.
    expect((await v2(`/release/acme/echo/manifests/${v1.digest}`, tenant)).status).toBe(404);
  });

  it('leaves references it does not manage to the operator policy', async () => {
    expect(
      await planManagedLaunch(options, 'registry.example.com/other/app:1.0.0', tenantProject),
    ).toBeUndefined();
    expect(await refusal(planManagedLaunch(options, 'not a reference', tenantProject))).toBe(
      'APP_REFERENCE_INVALID',
    );
  });

  it('reserves the release namespace: no project claims or pushes it, operators only read it', async () => {
    const releaseProject = await projectOf(publisher, 'release');
    expect(releaseProject.id).toBeTruthy();
    const blob = Buffer.from('{}');
    const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
    const push = (token: string) =>
      v2(`/release/mine/blobs/uploads/?digest=${digest}`, token, { method: 'POST', body: blob });
    const byPublisher = await push(publisher);
    expect(byPublisher.status).toBe(404);
    const byOperator = await push(operator);
    expect(byOperator.status).toBe(403);
    expect(await t.platform.apps.embedded.client().hasBlob('release/mine', digest)).toBe(false);
    // The project named `release` did not become the namespace's owner.
    const tags = await v2('/release/acme/echo/tags/list', publisher);
    expect(tags.status).toBe(404);
  });
});
