/**
 * The embedded registry over HTTP: every endpoint of the distribution spec we serve, its error
 * bodies, and the auth matrix (no token, another tenant, viewer, member, operator, service accounts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { testDialects } from '@gpuaas/test-support';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { discoverServiceAccount } from '../testing/oidc.js';

const dialects = await testDialects('embedded registry');
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const digestOf = (bytes: Buffer | string): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const basic = (token: string): string => `Basic ${Buffer.from(`ci:${token}`).toString('base64')}`;

interface ErrorBody {
  errors: { code: string; message: string }[];
}

describe.each(dialects)('embedded registry on %s', (dialect) => {
  let t: TestPlatform;
  let owner: string;
  let viewer: string;
  let member: string;
  let stranger: string;
  let operator: string;
  let pushAccount: string;
  let readOnlyAccount: string;

  const v2 = (path: string, token: string | undefined, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (token !== undefined) headers.set('authorization', basic(token));
    return fetch(`${t.url}/v2${path}`, { ...init, headers });
  };
  const codeOf = async (res: Response): Promise<string | undefined> =>
    ((await res.json()) as ErrorBody).errors[0]?.code;

  const putBlob = async (name: string, bytes: Buffer, token = member): Promise<string> => {
    const digest = digestOf(bytes);
    const res = await v2(`/${name}/blobs/uploads/?digest=${digest}`, token, { method: 'POST', body: bytes });
    expect(res.status).toBe(201);
    return digest;
  };
  const manifestFor = (config: string, layers: string[], extra: Record<string, unknown> = {}): Buffer =>
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: 'application/vnd.gpuaas.app.config.v1+json', digest: config, size: 2 },
        layers: layers.map((digest) => ({
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest,
          size: 1,
        })),
        ...extra,
      }),
    );
  const putManifest = (name: string, reference: string, bytes: Buffer, token = member, type = OCI_MANIFEST) =>
    v2(`/${name}/manifests/${reference}`, token, {
      method: 'PUT',
      body: bytes,
      headers: { 'content-type': type },
    });

  const addMember = async (projectId: string, email: string, role: string): Promise<string> => {
    const res = await t.request(`/v1/projects/${projectId}/members`, {
      method: 'POST',
      token: owner,
      json: { email, role },
      headers: { 'idempotency-key': `add-member-${email}` },
    });
    expect(res.status).toBe(201);
    return (await t.login(email)).token;
  };
  const serviceAccount = async (projectId: string, name: string, scopes: string[]): Promise<string> => {
    const res = await t.request(`/v1/projects/${projectId}/service-accounts`, {
      method: 'POST',
      token: owner,
      json: { name, scopes },
      headers: { 'idempotency-key': `service-account-${name}` },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const sa = (await res.json()) as { client_id: string; client_secret: string };
    const config = await discoverServiceAccount(t.url, sa.client_id, sa.client_secret);
    return (await client.clientCredentialsGrant(config, { scope: scopes.join(' ') })).access_token;
  };

  beforeAll(async () => {
    t = await startTestPlatform(dialect, { rateLimit: { enabled: false } });
    owner = (await t.login('reg-owner@example.com')).token;
    const project = await t.request('/v1/projects', { method: 'POST', token: owner, json: { name: 'acme' } });
    const projectId = ((await project.json()) as { id: string }).id;
    viewer = await addMember(projectId, 'reg-viewer@example.com', 'viewer');
    member = await addMember(projectId, 'reg-member@example.com', 'member');
    operator = (await t.login('reg-operator@example.com', { operator: true })).token;
    stranger = (await t.login('reg-stranger@example.com')).token;
    // The stranger owns a project of the same name in another organisation: names are not owners.
    const twin = await t.request('/v1/projects', { method: 'POST', token: stranger, json: { name: 'acme' } });
    expect(twin.status).toBe(201);
    const own = await t.request('/v1/projects', {
      method: 'POST',
      token: stranger,
      json: { name: 'tenant-b' },
    });
    expect(own.status).toBe(201);
    pushAccount = await serviceAccount(projectId, 'ci', ['registry:pull', 'registry:push']);
    readOnlyAccount = await serviceAccount(projectId, 'reader', ['registry:pull']);
  });
  afterAll(() => t?.close());

  it('answers the version check, and 401 with a Basic challenge without credentials or with a bad token', async () => {
    const anonymous = await v2('/', undefined);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm="/);
    expect(anonymous.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(await codeOf(anonymous)).toBe('UNAUTHORIZED');
    const bad = await v2('/acme/app/tags/list', 'not-a-token');
    expect(bad.status).toBe(401);
    expect(await codeOf(bad)).toBe('UNAUTHORIZED');
    expect((await v2('/', member)).status).toBe(200);
    const bearer = await fetch(`${t.url}/v2/`, { headers: { authorization: `Bearer ${member}` } });
    expect(bearer.status).toBe(200);
  });

  it('pushes monolithically and in ordered chunks, checks digests, and serves blobs with ranges', async () => {
    const bytes = randomBytes(10_000);
    const digest = digestOf(bytes);
    const wrong = await v2(`/acme/app/blobs/uploads/?digest=${digestOf('other')}`, member, {
      method: 'POST',
      body: bytes,
    });
    expect(wrong.status).toBe(400);
    expect(await codeOf(wrong)).toBe('DIGEST_INVALID');

    const start = await v2('/acme/app/blobs/uploads/', member, { method: 'POST' });
    expect(start.status).toBe(202);
    const location = start.headers.get('location') ?? '';
    expect(location).toMatch(/^\/v2\/acme\/app\/blobs\/uploads\/[0-9a-f-]{36}$/);
    const patch = (from: number, to: number) =>
      fetch(`${t.url}${location}`, {
        method: 'PATCH',
        body: bytes.subarray(from, to + 1),
        headers: {
          authorization: basic(member),
          'content-range': `${from}-${to}`,
          'content-type': 'application/octet-stream',
        },
      });
    const first = await patch(0, 3999);
    expect(first.status).toBe(202);
    expect(first.headers.get('range')).toBe('0-3999');
    const skipped = await patch(6000, 9999);
    expect(skipped.status).toBe(416);
    expect(skipped.headers.get('range')).toBe('0-3999');
    const status = await fetch(`${t.url}${location}`, { headers: { authorization: basic(member) } });
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe('0-3999');
    expect((await patch(4000, 9999)).status).toBe(202);
    const done = await fetch(`${t.url}${location}?digest=${digest}`, {
      method: 'PUT',
      headers: { authorization: basic(member) },
    });
    expect(done.status).toBe(201);
    expect(done.headers.get('docker-content-digest')).toBe(digest);
    expect(done.headers.get('location')).toBe(`/v2/acme/app/blobs/${digest}`);

    const head = await v2(`/acme/app/blobs/${digest}`, viewer, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('10000');
    const got = await v2(`/acme/app/blobs/${digest}`, viewer);
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    const part = await v2(`/acme/app/blobs/${digest}`, viewer, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/10000');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
    const missing = await v2(`/acme/app/blobs/${digestOf('absent')}`, viewer);
    expect(missing.status).toBe(404);
    expect(await codeOf(missing)).toBe('BLOB_UNKNOWN');

    const cancelled = await v2('/acme/app/blobs/uploads/', member, { method: 'POST' });
    const cancelUrl = `${t.url}${cancelled.headers.get('location') ?? ''}`;
    expect(
      (await fetch(cancelUrl, { method: 'DELETE', headers: { authorization: basic(member) } })).status,
    ).toBe(204);
    const gone = await fetch(cancelUrl, { headers: { authorization: basic(member) } });
    expect(gone.status).toBe(404);
    expect(await codeOf(gone)).toBe('BLOB_UPLOAD_UNKNOWN');
  });

  it('mounts across repositories only from one the caller may pull', async () => {
    const digest = await putBlob('acme/source', randomBytes(500));
    const mounted = await v2(`/acme/release/blobs/uploads/?mount=${digest}&from=acme/source`, member, {
      method: 'POST',
    });
    expect(mounted.status).toBe(201);
    expect(mounted.headers.get('docker-content-digest')).toBe(digest);
    expect((await v2(`/acme/release/blobs/${digest}`, member, { method: 'HEAD' })).status).toBe(200);
    // Another tenant may not mount from a repository it cannot pull: it gets a plain upload instead.
    const refused = await v2(`/tenant-b/app/blobs/uploads/?mount=${digest}&from=acme/source`, stranger, {
      method: 'POST',
    });
    expect(refused.status).toBe(202);
    const notThere = await v2(`/tenant-b/app/blobs/${digest}`, stranger, { method: 'HEAD' });
    expect(notThere.status).toBe(404);
  });

  it('stores manifests by tag and digest, lists referrers with artifactType filters, pages tags, deletes', async () => {
    const config = await putBlob('acme/app', Buffer.from('{}'));
    const layer = await putBlob('acme/app', randomBytes(300));
    const unknown = await putManifest('acme/app', 'v1', manifestFor(config, [digestOf('never pushed')]));
    expect(unknown.status).toBe(400);
    expect(await codeOf(unknown)).toBe('MANIFEST_BLOB_UNKNOWN');

    const bytes = manifestFor(config, [layer]);
    const put = await putManifest('acme/app', 'v1', bytes);
    expect(put.status).toBe(201);
    const digest = digestOf(bytes);
    expect(put.headers.get('docker-content-digest')).toBe(digest);
    expect(put.headers.get('oci-subject')).toBeNull();
    const byTag = await v2('/acme/app/manifests/v1', viewer, { headers: { accept: OCI_MANIFEST } });
    expect(byTag.headers.get('content-type')).toBe(OCI_MANIFEST);
    expect(Buffer.from(await byTag.arrayBuffer()).equals(bytes)).toBe(true);
    const head = await v2(`/acme/app/manifests/${digest}`, viewer, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('docker-content-digest')).toBe(digest);

    const subject = { mediaType: OCI_MANIFEST, digest, size: bytes.length };
    const signature = manifestFor(config, [layer], {
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      subject,
    });
    const signed = await putManifest('acme/app', digestOf(signature), signature);
    expect(signed.status).toBe(201);
    expect(signed.headers.get('oci-subject')).toBe(digest);
    const sbom = manifestFor(config, [layer], { artifactType: 'application/spdx+json', subject });
    expect((await putManifest('acme/app', digestOf(sbom), sbom)).status).toBe(201);

    const all = await v2(`/acme/app/referrers/${digest}`, viewer);
    expect(all.headers.get('content-type')).toBe(OCI_INDEX);
    expect(all.headers.get('oci-filters-applied')).toBeNull();
    const index = (await all.json()) as { manifests: { digest: string; artifactType: string }[] };
    expect(index.manifests.map((m) => m.digest).sort()).toEqual([digestOf(signature), digestOf(sbom)].sort());
    const filtered = await v2(`/acme/app/referrers/${digest}?artifactType=application/spdx%2Bjson`, viewer);
    expect(filtered.headers.get('oci-filters-applied')).toBe('artifactType');
    expect(((await filtered.json()) as typeof index).manifests.map((m) => m.digest)).toEqual([
      digestOf(sbom),
    ]);
    const none = await v2(`/acme/app/referrers/${digestOf('nothing')}`, viewer);
    expect(none.status).toBe(200);
    expect(((await none.json()) as typeof index).manifests).toEqual([]);

    for (const tag of ['v2', 'v3', 'latest'])
      expect((await putManifest('acme/app', tag, bytes)).status).toBe(201);
    const page1 = await v2('/acme/app/tags/list?n=2', viewer);
    expect(await page1.json()).toEqual({ name: 'acme/app', tags: ['latest', 'v1'] });
    expect(page1.headers.get('link')).toBe('</v2/acme/app/tags/list?n=2&last=v1>; rel="next"');
    const page2 = await v2('/acme/app/tags/list?n=2&last=v1', viewer);
    expect(await page2.json()).toEqual({ name: 'acme/app', tags: ['v2', 'v3'] });
    expect(page2.headers.get('link')).toBeNull();
    const unknownRepo = await v2('/acme/nothing/tags/list', viewer);
    expect(await codeOf(unknownRepo)).toBe('NAME_UNKNOWN');

    expect((await v2('/acme/app/manifests/latest', member, { method: 'DELETE' })).status).toBe(202);
    expect(
      (await v2(`/acme/app/manifests/${digestOf(signature)}`, member, { method: 'DELETE' })).status,
    ).toBe(202);
    const after = (await (await v2(`/acme/app/referrers/${digest}`, viewer)).json()) as typeof index;
    expect(after.manifests.map((m) => m.digest)).toEqual([digestOf(sbom)]);
    const deletedTag = await v2('/acme/app/manifests/latest', viewer);
    expect(deletedTag.status).toBe(404);
    expect(await codeOf(deletedTag)).toBe('MANIFEST_UNKNOWN');
    expect((await v2(`/acme/app/blobs/${layer}`, member, { method: 'DELETE' })).status).toBe(202);
    expect((await v2(`/acme/app/blobs/${layer}`, member, { method: 'HEAD' })).status).toBe(404);
  });

  it('applies the auth matrix: members and push accounts push, viewers and read accounts pull, operators pull, others see nothing', async () => {
    const bytes = randomBytes(64);
    const digest = await putBlob('acme/matrix', bytes, member);
    const pull = (token: string) => v2(`/acme/matrix/blobs/${digest}`, token, { method: 'GET' });
    const push = (token: string) =>
      v2(`/acme/matrix/blobs/uploads/?digest=${digestOf(bytes)}`, token, { method: 'POST', body: bytes });
    for (const [who, token] of [
      ['owner', () => owner],
      ['viewer', () => viewer],
      ['operator', () => operator],
      ['push account', () => pushAccount],
      ['read account', () => readOnlyAccount],
    ] as const) {
      expect((await pull(token())).status, who).toBe(200);
    }
    expect((await push(pushAccount)).status).toBe(201);
    expect((await push(owner)).status).toBe(201);
    for (const [who, token] of [
      ['viewer', viewer],
      ['read account', readOnlyAccount],
      ['operator', operator],
    ] as const) {
      const res = await push(token);
      expect(res.status, who).toBe(403);
      expect(await codeOf(res), who).toBe('DENIED');
    }
    // Another tenant (even one owning a project called "acme" elsewhere) sees nothing at all.
    for (const res of [
      await pull(stranger),
      await push(stranger),
      await v2('/acme/matrix/tags/list', stranger),
    ]) {
      expect(res.status).toBe(404);
      expect(await codeOf(res)).toBe('NAME_UNKNOWN');
    }
    // An upload in progress is the pusher's business: its status needs push rights, like the upload.
    const upload = await v2('/acme/matrix/blobs/uploads/', member, { method: 'POST' });
    const status = await fetch(`${t.url}${upload.headers.get('location') ?? ''}`, {
      headers: { authorization: basic(viewer) },
    });
    expect(status.status).toBe(403);
    expect(await codeOf(status)).toBe('DENIED');
    const absent = await v2('/acme/absent/tags/list', stranger);
    expect(await codeOf(absent)).toBe('NAME_UNKNOWN');
    // Pushing into a namespace no project of the caller's is named after: nothing is created.
    const elsewhere = await v2(`/nobody/app/blobs/uploads/?digest=${digest}`, member, {
      method: 'POST',
      body: bytes,
    });
    expect(await codeOf(elsewhere)).toBe('NAME_UNKNOWN');
  });

  it('exchanges credentials for a short-lived registry token (Docker token flow)', async () => {
    const res = await v2('/token?service=gpuaas&scope=repository:acme/app:pull,push', member);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; access_token: string; expires_in: number };
    expect(body.token).toBe(body.access_token);
    expect(body.expires_in).toBe(300);
    const headers = { authorization: `Bearer ${body.token}` };
    expect((await fetch(`${t.url}/v2/acme/app/tags/list`, { headers })).status).toBe(200);
    // The token is limited to the registry: the REST API refuses it.
    expect((await t.request('/v1/projects', { token: body.token })).status).toBe(403);
    const pullOnly = (await (await v2('/token?scope=repository:acme/app:pull', member)).json()) as {
      token: string;
    };
    const denied = await fetch(`${t.url}/v2/acme/app/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${pullOnly.token}` },
    });
    expect(denied.status).toBe(403);
    const account = (await (await v2('/token?scope=repository:acme/app:pull', pushAccount)).json()) as {
      token: string;
    };
    expect(
      (
        await fetch(`${t.url}/v2/acme/app/tags/list`, {
          headers: { authorization: `Bearer ${account.token}` },
        })
      ).status,
    ).toBe(200);
    expect((await v2('/token?scope=repository:acme/app:pull', undefined)).status).toBe(401);
  });

  it('audits manifest pushes, deletes, refusals and the namespace claim, and publishes manifest events to the project only', async () => {
    const created = await t.request('/v1/projects', { method: 'POST', token: owner, json: { name: 'beta' } });
    expect(created.status).toBe(201);
    const betaId = ((await created.json()) as { id: string }).id;
    const ownerId = (await t.login('reg-owner@example.com')).user.id;
    const correlation = 'registry-audit-0001';
    const config = await putBlob('beta/app', Buffer.from('{}'), owner);
    const layer = await putBlob('beta/app', randomBytes(100), owner);
    const bytes = manifestFor(config, [layer]);
    const digest = digestOf(bytes);
    const pushed = await v2('/beta/app/manifests/v1', owner, {
      method: 'PUT',
      body: bytes,
      headers: { 'content-type': OCI_MANIFEST, 'x-correlation-id': correlation },
    });
    expect(pushed.status).toBe(201);
    expect((await v2('/beta/app/manifests/v1', owner, { method: 'DELETE' })).status).toBe(202);
    expect((await putManifest('beta/app', digest, bytes, owner)).status).toBe(201);
    expect((await v2(`/beta/app/manifests/${digest}`, owner, { method: 'DELETE' })).status).toBe(202);
    expect((await v2(`/beta/app/blobs/${layer}`, owner, { method: 'DELETE' })).status).toBe(202);
    // Refused: another tenant, and a viewer-less stranger, never learn the namespace exists.
    const refused = await putManifest('beta/app', 'v2', bytes, stranger);
    expect(await codeOf(refused)).toBe('NAME_UNKNOWN');

    const rows = await t.platform.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', 'like', 'registry.%')
      .where('project_id', '=', betaId)
      .orderBy('occurred_at')
      .orderBy('id')
      .execute();
    const summary = rows.map((r) => [r.action, r.target_id, r.result, r.status, r.actor_id]);
    expect(summary).toEqual([
      ['registry.namespace.claim', 'beta', 'success', 201, ownerId],
      ['registry.manifest.push', `beta/app@${digest}`, 'success', 201, ownerId],
      ['registry.manifest.delete', `beta/app@${digest}`, 'success', 202, ownerId],
      ['registry.manifest.push', `beta/app@${digest}`, 'success', 201, ownerId],
      ['registry.manifest.delete', `beta/app@${digest}`, 'success', 202, ownerId],
      ['registry.blob.delete', `beta/app@${layer}`, 'success', 202, ownerId],
      ['registry.manifest.push', 'beta/app@v2', 'failure', 404, expect.any(String)],
    ]);
    expect(rows[1]).toMatchObject({ correlation_id: correlation, target_type: 'registry_manifest' });
    expect(JSON.parse(rows[1]?.details ?? '{}')).toMatchObject({ tags: ['v1'], media_type: OCI_MANIFEST });
    expect(JSON.parse(rows[6]?.details ?? '{}')).toMatchObject({ code: 'NAME_UNKNOWN' });
    // One claim per namespace, however many pushes followed.
    const claims = await t.platform.db
      .selectFrom('audit_events')
      .select('target_id')
      .where('action', '=', 'registry.namespace.claim')
      .execute();
    const claimed = claims.map((c) => c.target_id);
    expect(claimed).toContain('beta');
    expect(new Set(claimed).size).toBe(claimed.length);

    // The event stream (replayed from the start): the project's owner sees the four manifest
    // events; the stranger sees its own push, and nothing of beta before it.
    type Seen = { type: string; project_id: string; data: Record<string, unknown> };
    const seen = async (token: string, enough: (events: Seen[]) => boolean): Promise<Seen[]> => {
      const res = await fetch(`${t.url}/v1/events?types=registry.manifest_pushed,registry.manifest_deleted`, {
        headers: { authorization: `Bearer ${token}`, 'last-event-id': '0' },
      });
      expect(res.status).toBe(200);
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      const parse = () => [...text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1] ?? '{}') as Seen);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && !enough(parse())) {
        const next = await reader.read();
        if (next.done) break;
        text += next.value;
      }
      await reader.cancel();
      return parse();
    };
    const ofBeta = (events: Seen[]) => events.filter((e) => e.project_id === betaId);
    const ownerEvents = ofBeta(await seen(owner, (events) => ofBeta(events).length >= 4));
    expect(ownerEvents.map((e) => e.type)).toEqual([
      'registry.manifest_pushed',
      'registry.manifest_deleted',
      'registry.manifest_pushed',
      'registry.manifest_deleted',
    ]);
    expect(ownerEvents[0]).toMatchObject({
      correlation_id: correlation,
      subject: `repository/beta/app@${digest}`,
      data: { repository: 'beta/app', digest, tags: ['v1'], actor: `user:${ownerId}` },
    });
    expect(ownerEvents[1]?.data).toMatchObject({ digest, tags: ['v1'] });
    const own = manifestFor(await putBlob('tenant-b/app', Buffer.from('{}'), stranger), [
      await putBlob('tenant-b/app', randomBytes(10), stranger),
    ]);
    expect((await putManifest('tenant-b/app', 'mine', own, stranger)).status).toBe(201);
    const strangerEvents = await seen(stranger, (events) =>
      events.some((e) => e.data.repository === 'tenant-b/app'),
    );
    expect(strangerEvents.map((e) => e.data.repository)).toContain('tenant-b/app');
    expect(ofBeta(strangerEvents)).toEqual([]);
  });

  it('answers the spec error body for malformed names and unsupported endpoints', async () => {
    const res = await v2('/ACME/app/tags/list', member);
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe('NAME_INVALID');
    const catalog = await v2('/_catalog', member);
    expect(catalog.status).toBe(404);
    expect(await codeOf(catalog)).toBe('UNSUPPORTED');
  });
});

describe('embedded registry rate limits', () => {
  let t: TestPlatform;
  let member: string;

  beforeAll(async () => {
    // Hour-long windows: the test never straddles a window boundary in practice.
    t = await startTestPlatform(dialects[0] ?? 'sqlite', {
      rateLimit: {
        authenticated: { limit: 5, windowSeconds: 3600 },
        anonymous: { limit: 2, windowSeconds: 3600 },
      },
    });
    member = (await t.login('rl-member@example.com')).token;
    const project = await t.request('/v1/projects', { method: 'POST', token: member, json: { name: 'rl' } });
    expect(project.status).toBe(201);
  });
  afterAll(() => t?.close());

  const v2 = (path: string, token: string | undefined, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (token !== undefined) headers.set('authorization', basic(token));
    return fetch(`${t.url}/v2${path}`, { ...init, headers });
  };

  it('counts requests, not bytes, per principal in a budget apart from the API, and answers 429 TOOMANYREQUESTS with Retry-After', async () => {
    const bytes = randomBytes(8 * 1024 * 1024);
    const start = await v2('/rl/app/blobs/uploads/', member, { method: 'POST' });
    expect(start.status).toBe(202);
    expect(start.headers.get('ratelimit-policy')).toBe('"credential";q=5;w=3600');
    expect(start.headers.get('ratelimit')).toMatch(/^"credential";r=4;t=\d+$/);
    const location = `${t.url}${start.headers.get('location') ?? ''}`;
    const auth = { authorization: basic(member) };
    // An 8 MiB chunk is one request, like any other.
    const patch = await fetch(location, { method: 'PATCH', body: bytes, headers: auth });
    expect(patch.status).toBe(202);
    expect(patch.headers.get('ratelimit')).toMatch(/^"credential";r=3;/);
    const done = await fetch(`${location}?digest=${digestOf(bytes)}`, { method: 'PUT', headers: auth });
    expect(done.status).toBe(201);
    expect((await v2(`/rl/app/blobs/${digestOf(bytes)}`, member, { method: 'HEAD' })).status).toBe(200);
    expect((await v2('/', member)).status).toBe(200);
    const limited = await v2('/rl/app/blobs/uploads/', member, { method: 'POST', body: bytes });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit')).toMatch(/^"credential";r=0;/);
    const body = (await limited.json()) as ErrorBody;
    expect(body.errors[0]?.code).toBe('TOOMANYREQUESTS');
    // The REST API's budget of the same credential is untouched.
    expect((await t.request('/v1/projects', { token: member })).status).toBe(200);
  });

  it('counts requests without a valid credential against the client address', async () => {
    expect((await v2('/', undefined)).status).toBe(401);
    expect((await v2('/', 'not-a-token')).status).toBe(401);
    const limited = await v2('/', undefined);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('ratelimit-policy')).toBe('"ip";q=2;w=3600');
    expect(((await limited.json()) as ErrorBody).errors[0]?.code).toBe('TOOMANYREQUESTS');
  });
});
