/**
 * Operator review over the API, on a real platform: every allowed and refused transition of the
 * state machine, approval as promotion by digest into the release namespace (0 bytes copied, the
 * attestation verifying with the published approval key), events and audit of each action.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  APPROVAL_PREDICATE_TYPE,
  generateSigningKeyPair,
  loadPublicKey,
  loadSigningKey,
  staticCredentials,
  verifyArtifact,
} from '@gpuaas/sdk';
import type { SigningKey } from '@gpuaas/sdk';
import { requireTools, startRegistry, testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppVersionState } from '../db/schema.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { insertPublisherKey, insertVersion, publishSigned } from './fixtures.test.util.js';
import { REVIEW_TRANSITIONS } from './review.js';
import type { ReviewAction } from './review.js';

const dialects = await testDialects('app review');
const distribution = requireTools('app review of an external registry', 'docker-registry');
const STATES: AppVersionState[] = [
  'submitted',
  'verified',
  'rejected',
  'approved',
  'published',
  'deprecated',
  'revoked',
];
const BODIES: Record<ReviewAction, unknown> = {
  approve: { scope: 'platform' },
  reject: { reason: 'not good enough' },
  publish: undefined,
  deprecate: { reason: 'superseded' },
  revoke: { reason: 'compromised key' },
};

describe.each(dialects)('app review on %s', (dialect) => {
  let t: TestPlatform;
  let host: string;
  let operator: string;
  let member: string;
  let projectId: string;
  let key: SigningKey;
  let published: { digest: string; reference: string };
  let seq = 0;

  const act = (id: string, action: ReviewAction, token = operator, body = BODIES[action]) =>
    t.request(`/v1/apps/versions/${id}/${action}`, {
      method: 'POST',
      token,
      ...(body === undefined ? {} : { json: body }),
      headers: { 'idempotency-key': `review-${action}-${id}-${seq++}` },
    });

  beforeAll(async () => {
    t = await startTestPlatform(dialect, { rateLimit: { enabled: false } });
    host = new URL(t.url).host;
    member = (await t.login('publisher@example.com')).token;
    operator = (await t.login('reviewer@example.com', { operator: true })).token;
    const project = await t.request('/v1/projects', {
      method: 'POST',
      token: member,
      json: { name: 'acme' },
    });
    projectId = ((await project.json()) as { id: string }).id;
    key = await loadSigningKey((await generateSigningKeyPair()).privateKeyPem);
    await insertPublisherKey(t.platform.db, projectId, key);
    published = await publishSigned({ host, token: member, repository: 'acme/echo', tag: '1.0.0', key });
  });
  afterAll(() => t?.close());

  it('approves by promoting the digest into the release namespace, with an approval the published key verifies', async () => {
    const id = await insertVersion(t.platform.db, {
      projectId,
      registry: host,
      repository: 'acme/echo',
      tag: '1.0.0',
      digest: published.digest,
      version: '1.0.0',
      signerKeyId: key.keyId,
    });
    const res = await act(id, 'approve', operator, { scope: 'project', scope_id: projectId });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const version = JSON.parse(text) as {
      state: string;
      approval: unknown;
      release_reference: string;
      reviewed_by: string;
    };
    expect(version.state).toBe('approved');
    expect(version.approval).toEqual({ scope: 'project', scope_id: projectId });
    expect(version.reviewed_by).toBe('reviewer@example.com');
    expect(version.release_reference).toBe(`${host}/release/acme/echo:1.0.0@${published.digest}`);

    // Within one registry every blob was mounted: nothing streamed.
    const promoted = t.logs.find((line) => line.msg === 'app version promoted into the release namespace');
    expect(promoted).toMatchObject({ version_id: id, bytes_copied: 0 });
    const row = await t.platform.db
      .selectFrom('app_versions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.approval_digest).toMatch(/^sha256:/);

    // The approval verifies with the key at <data-dir>/keys/approval.pub, outside the platform.
    const approvalKey = await loadPublicKey(
      await readFile(join(t.store.dataDir, 'keys', 'approval.pub'), 'utf8'),
    );
    expect(approvalKey.keyId).toBe(t.platform.apps.approvalKey.keyId);
    const connection = { credentials: staticCredentials({ username: 'ops', password: operator }) };
    const approval = await verifyArtifact(
      version.release_reference,
      { publicKeys: [approvalKey], predicateType: APPROVAL_PREDICATE_TYPE },
      { connection },
    );
    expect(approval.allowed, approval.reasons.join('; ')).toBe(true);
    expect(approval.digest).toBe(published.digest);
    // The publisher's signature came along (referrers carried).
    const signature = await verifyArtifact(
      version.release_reference,
      { publicKeys: [key.publicKey] },
      { connection },
    );
    expect(signature.allowed, signature.reasons.join('; ')).toBe(true);

    // The change is one event, committed with it.
    const events = await t.platform.db
      .selectFrom('platform_events')
      .selectAll()
      .where('type', '=', 'app_version.state_changed')
      .where('subject', '=', `app_version/${id}`)
      .execute();
    expect(events.map((e) => JSON.parse(e.data) as unknown)).toEqual([
      { id, project_id: projectId, digest: published.digest, from: 'verified', to: 'approved', reason: null },
    ]);
    const audit = await t.platform.db
      .selectFrom('audit_events')
      .selectAll()
      .where('target_id', '=', id)
      .execute();
    expect(audit.map((a) => a.action)).toContain('app.approve');
  });

  it.skipIf(!distribution)(
    'copies a version registered from an external registry into the release namespace',
    async () => {
      const external = await startRegistry();
      try {
        const remote = await publishSigned({
          host: external.host,
          token: 'anonymous-registry',
          repository: 'acme/remote',
          tag: '3.0.0',
          key,
        });
        const id = await insertVersion(t.platform.db, {
          projectId,
          registry: external.host,
          repository: 'acme/remote',
          tag: '3.0.0',
          digest: remote.digest,
          version: '3.0.0',
          signerKeyId: key.keyId,
        });
        const res = await act(id, 'approve');
        const text = await res.text();
        expect(res.status, text).toBe(200);
        const release = (JSON.parse(text) as { release_reference: string }).release_reference;
        expect(release).toBe(`${host}/release/acme/remote:3.0.0@${remote.digest}`);
        const promoted = t.logs.find(
          (line) => line.msg === 'app version promoted into the release namespace' && line.version_id === id,
        );
        expect(promoted?.bytes_copied).toBeGreaterThan(0);
        const connection = { credentials: staticCredentials({ username: 'ops', password: operator }) };
        const approvalKey = t.platform.apps.approvalKey.signingKey.publicKey;
        const verdict = await verifyArtifact(
          release,
          { publicKeys: [approvalKey], predicateType: APPROVAL_PREDICATE_TYPE },
          { connection },
        );
        expect(verdict.allowed, verdict.reasons.join('; ')).toBe(true);
        const signed = await verifyArtifact(release, { publicKeys: [key.publicKey] }, { connection });
        expect(signed.allowed, signed.reasons.join('; ')).toBe(true);
      } finally {
        await external.stop();
      }
    },
  );

  it('refuses to move a release tag: another digest for an approved version string is a conflict', async () => {
    const other = await publishSigned({
      host,
      token: member,
      repository: 'acme/echo',
      tag: '1.0.0-rebuilt',
      key,
      salt: 'rebuilt',
    });
    const id = await insertVersion(t.platform.db, {
      projectId,
      registry: host,
      repository: 'acme/echo',
      tag: '1.0.0-rebuilt',
      digest: other.digest,
      // Claims the version already approved under another digest.
      version: '1.0.0',
      signerKeyId: key.keyId,
    });
    const res = await act(id, 'approve');
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe('APP_VERSION_STATE_CONFLICT');
    const row = await t.platform.db
      .selectFrom('app_versions')
      .select('state')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('verified');
  });

  it('refuses to approve an artifact deleted from its registry since registration, and changes nothing', async () => {
    const gone = await publishSigned({
      host,
      token: member,
      repository: 'acme/echo',
      tag: '1.0.0-gone',
      key,
      salt: 'gone',
    });
    const id = await insertVersion(t.platform.db, {
      projectId,
      registry: host,
      repository: 'acme/echo',
      tag: '1.0.0-gone',
      digest: gone.digest,
      version: '1.0.1',
      signerKeyId: key.keyId,
    });
    const deleted = await fetch(`${t.url}/v2/acme/echo/manifests/${gone.digest}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${member}` },
    });
    expect(deleted.status).toBe(202);
    const res = await act(id, 'approve');
    expect(res.status).toBe(422);
    expect(((await res.json()) as { code: string }).code).toBe('APP_REFERENCE_INVALID');
    const row = await t.platform.db
      .selectFrom('app_versions')
      .select(['state', 'release_reference'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'verified', release_reference: null });
  });

  // Every (state, action) pair: allowed ones land in their target state, the rest are 409.
  // Approve from `verified` is the promotion above; here it runs against an artifact too.
  const cases = STATES.flatMap((state) =>
    (Object.keys(REVIEW_TRANSITIONS) as ReviewAction[]).map((action) => ({
      state,
      action,
      allowed: REVIEW_TRANSITIONS[action].from.includes(state),
    })),
  );
  it.each(cases)('$action from $state: allowed=$allowed', async ({ state, action, allowed }) => {
    const tag = `sm-${state}-${action}`;
    const artifact =
      action === 'approve' && allowed
        ? await publishSigned({
            host,
            token: member,
            repository: 'acme/machine',
            tag,
            version: '2.0.0-machine',
            key,
            salt: tag,
          })
        : { digest: `sha256:${createHash('sha256').update(tag).digest('hex')}` };
    const id = await insertVersion(t.platform.db, {
      projectId,
      registry: host,
      repository: 'acme/machine',
      tag,
      digest: artifact.digest,
      version: tag,
      signerKeyId: key.keyId,
      state,
    });
    const res = await act(id, action);
    const body = (await res.json()) as { state?: string; code?: string; reason?: string | null };
    const row = await t.platform.db
      .selectFrom('app_versions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    if (allowed) {
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body.state).toBe(REVIEW_TRANSITIONS[action].to);
      expect(row.state).toBe(REVIEW_TRANSITIONS[action].to);
      if (action === 'revoke') expect(row.revoked_at).not.toBeNull();
      if (action === 'reject' || action === 'revoke')
        expect(body.reason).toBe((BODIES[action] as { reason: string }).reason);
    } else {
      expect(res.status, JSON.stringify(body)).toBe(409);
      expect(body.code).toBe('APP_VERSION_STATE_CONFLICT');
      expect(row.state).toBe(state);
      const events = await t.platform.db
        .selectFrom('platform_events')
        .select('id')
        .where('subject', '=', `app_version/${id}`)
        .execute();
      expect(events).toEqual([]);
    }
  });

  it('lets only operators review, answers 404 for an unknown version, and needs a reason to reject', async () => {
    const id = await insertVersion(t.platform.db, {
      projectId,
      registry: host,
      repository: 'acme/echo',
      tag: null,
      digest: `sha256:${'e'.repeat(64)}`,
      version: '9.9.9',
      signerKeyId: key.keyId,
    });
    const forbidden = await act(id, 'reject', member);
    expect(forbidden.status).toBe(403);
    const unknown = await act('01900000-0000-7000-8000-000000000000', 'reject');
    expect(unknown.status).toBe(404);
    const noReason = await act(id, 'reject', operator, {});
    expect(noReason.status).toBe(400);
    const scopeless = await act(id, 'approve', operator, { scope: 'organization' });
    expect(scopeless.status).toBe(400);
    const row = await t.platform.db
      .selectFrom('app_versions')
      .select('state')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('verified');
  });
});
