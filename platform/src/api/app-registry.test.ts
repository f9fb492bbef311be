/**
 * The app registry through the API, against the platform's real embedded registry: publishers
 * register keys, push signed artifacts with the SDK (as `gpuaas-app publish` does) and register
 * them; what is verified, what is rejected and why, idempotency, tenants kept apart, key rotation,
 * and the diff a reviewer sees. On SQLite and PostgreSQL.
 */
import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { testDialects } from '@gpuaas/test-support';
import type { components } from '@gpuaas/platform-contract';
import {
  RegistryClient,
  generateSigningKeyPair,
  packApp,
  publishApp,
  pushLayout,
  signArtifact,
  staticCredentials,
  toPublicKey,
} from '@gpuaas/sdk';
import type { ImageManifest, SigningKey } from '@gpuaas/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

type AppVersion = components['schemas']['AppVersion'];
type AppVersionDetail = components['schemas']['AppVersionDetail'];
type PublisherKey = components['schemas']['PublisherKey'];

const dialects = await testDialects('app registry API');

interface AppSpec {
  name: string;
  version: string;
  scopes?: string[];
  meters?: string[];
  hourly?: string;
  gpus?: number;
}

function manifestYaml(app: AppSpec): string {
  const meters = app.meters ?? ['requests'];
  return [
    'apiVersion: gpuaas.dev/v1alpha1',
    `name: ${app.name}`,
    `version: ${app.version}`,
    'publisher: acme',
    'run:',
    '  entrypoint: [node, app.mjs]',
    'resources:',
    '  minimum:',
    `    gpus: { count: ${app.gpus ?? 1} }`,
    'meters:',
    ...meters.map((m) => `  - { name: ${m}, unit: request, aggregation: sum }`),
    'billing:',
    '  currency: USD',
    `  hourlyPrice: '${app.hourly ?? '1.00'}'`,
    '  metered:',
    ...meters.map((m) => `    - { meter: ${m}, pricePerUnit: '0.001' }`),
    'permissions:',
    `  scopes: [${(app.scopes ?? ['projects:read']).join(', ')}]`,
    '',
  ].join('\n');
}

function signingKey(pair: { privateKeyPem: string; publicKeyPem: string; keyId: string }): SigningKey {
  const publicKey = toPublicKey(pair.publicKeyPem);
  return { keyId: pair.keyId, privateKey: createPrivateKey(pair.privateKeyPem), publicKey, source: 'test' };
}

describe.each(dialects)('app registry on %s', (dialect) => {
  let t: TestPlatform;
  let dir: string;
  let host: string;
  let owner: string;
  let projectId: string;
  let secondProjectId: string;
  let otherTenant: string;
  let otherProjectId: string;
  let operator: string;
  let keyA: Awaited<ReturnType<typeof generateSigningKeyPair>>;
  let keyB: Awaited<ReturnType<typeof generateSigningKeyPair>>;
  let seq = 0;

  const json = async <T>(res: Response, status: number): Promise<T> => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return JSON.parse(text) as T;
  };
  const problem = async (res: Response, status: number, code: string) => {
    const body = await json<{ code: string; detail?: string }>(res, status);
    expect(body.code, body.detail).toBe(code);
    return body;
  };
  const post = (path: string, token: string, body?: unknown) =>
    t.request(path, { method: 'POST', token, ...(body === undefined ? {} : { json: body }) });
  const register = (token: string, project: string, reference: string) =>
    post('/v1/apps/versions', token, { project_id: project, reference });
  const connection = () => ({ credentials: staticCredentials({ username: 'x', password: owner }) });

  /** Writes an app folder; `extra` makes the content (and the digest) unique. */
  async function appFolder(app: AppSpec): Promise<string> {
    const folder = join(dir, `app-${++seq}`);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'gpuaas-app.yaml'), manifestYaml(app));
    await writeFile(join(folder, 'app.mjs'), `console.log(${seq});\n`);
    return folder;
  }

  /** Publishes (push + sign) into acme's namespace, as `gpuaas-app publish` does. */
  async function publish(app: AppSpec, key: typeof keyA, tag = app.version) {
    return publishApp(await appFolder(app), {
      to: `${host}/acme/${app.name}:${tag}`,
      signingKey: signingKey(key),
      connection: connection(),
    });
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-app-registry-'));
    t = await startTestPlatform(dialect, { rateLimit: { enabled: false } });
    host = new URL(t.url).host;
    owner = (await t.login('publisher@example.com')).token;
    projectId = (await json<{ id: string }>(await post('/v1/projects', owner, { name: 'acme' }), 201)).id;
    secondProjectId = (
      await json<{ id: string }>(await post('/v1/projects', owner, { name: 'acme-two' }), 201)
    ).id;
    otherTenant = (await t.login('other@example.com')).token;
    otherProjectId = (
      await json<{ id: string }>(await post('/v1/projects', otherTenant, { name: 'other' }), 201)
    ).id;
    operator = (await t.login('ops@example.com', { operator: true })).token;
    keyA = await generateSigningKeyPair();
    keyB = await generateSigningKeyPair();
  });
  afterAll(async () => {
    await t?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  describe('publisher keys', () => {
    it('adds a P-256 key once (the same key again is the same key) and lists it', async () => {
      const created = await json<PublisherKey>(
        await post('/v1/apps/keys', owner, {
          project_id: projectId,
          public_key: keyA.publicKeyPem,
          name: 'ci',
        }),
        201,
      );
      expect(created).toMatchObject({ key_id: keyA.keyId, kind: 'key', name: 'ci', retired_at: null });
      const again = await json<PublisherKey>(
        await post('/v1/apps/keys', owner, { project_id: projectId, public_key: keyA.publicKeyPem }),
        200,
      );
      expect(again.id).toBe(created.id);
      const list = await json<{ items: PublisherKey[] }>(
        await t.request(`/v1/apps/keys?project_id=${projectId}`, { token: owner }),
        200,
      );
      expect(list.items.map((k) => k.key_id)).toEqual([keyA.keyId]);
    });

    it('adds a keyless identity, its id derived from issuer and subject', async () => {
      const identity = {
        issuer: 'https://token.actions.githubusercontent.com',
        subject: 'repo:acme/app:ref:main',
      };
      const key = await json<PublisherKey>(
        await post('/v1/apps/keys', owner, { project_id: projectId, ...identity }),
        201,
      );
      expect(key).toMatchObject({ kind: 'keyless', public_key: null, ...identity });
      expect(key.key_id).toBe(
        createHash('sha256').update(`${identity.issuer}\n${identity.subject}`).digest('hex'),
      );
    });

    it.each([
      ['text that is no key', { public_key: 'not a key' }],
      [
        'a private key',
        {
          public_key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
            type: 'pkcs8',
            format: 'pem',
          }),
        },
      ],
      [
        'a P-384 key',
        {
          public_key: generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({
            type: 'spki',
            format: 'pem',
          }),
        },
      ],
      ['a key and an identity', { public_key: 'x', issuer: 'https://issuer.example', subject: 's' }],
      ['an issuer without a subject', { issuer: 'https://issuer.example' }],
      ['nothing', {}],
    ])('refuses %s with PUBLISHER_KEY_INVALID and stores nothing', async (_name, body) => {
      await problem(
        await post('/v1/apps/keys', owner, { project_id: projectId, ...body }),
        422,
        'PUBLISHER_KEY_INVALID',
      );
      const count = await t.platform.db
        .selectFrom('publisher_keys')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('project_id', '=', projectId)
        .where('kind', '=', 'key')
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(1);
    });

    it('hides a project’s keys from another tenant', async () => {
      await problem(
        await t.request(`/v1/apps/keys?project_id=${projectId}`, { token: otherTenant }),
        404,
        'NOT_FOUND',
      );
      await problem(
        await post('/v1/apps/keys', otherTenant, { project_id: projectId, public_key: keyB.publicKeyPem }),
        404,
        'NOT_FOUND',
      );
    });
  });

  describe('registration', () => {
    let verified: AppVersion;

    it('verifies a version signed by a registered key, resolving the tag once', async () => {
      const published = await publish({ name: 'llm', version: '1.0.0' }, keyA);
      verified = await json<AppVersion>(await register(owner, projectId, `${host}/acme/llm:1.0.0`), 201);
      expect(verified).toMatchObject({
        project_id: projectId,
        registry: host,
        repository: 'acme/llm',
        tag: '1.0.0',
        digest: published.digest,
        reference: `${host}/acme/llm@${published.digest}`,
        app: 'llm',
        version: '1.0.0',
        state: 'verified',
        signer_key_id: keyA.keyId,
        errors: null,
        permissions: ['projects:read'],
        approval: null,
      });
    });

    it('returns the existing version when the same digest is registered again (200), by tag or digest', async () => {
      const byDigest = await json<AppVersion>(await register(owner, projectId, verified.reference), 200);
      expect(byDigest.id).toBe(verified.id);
      const byTag = await json<AppVersion>(await register(owner, projectId, `${host}/acme/llm:1.0.0`), 200);
      expect(byTag.id).toBe(verified.id);
    });

    it('rejects a version signed by a key the project has not registered (APP_SIGNER_UNKNOWN)', async () => {
      await publish({ name: 'stranger', version: '1.0.0' }, keyB);
      const version = await json<AppVersion>(
        await register(owner, projectId, `${host}/acme/stranger:1.0.0`),
        201,
      );
      expect(version.state).toBe('rejected');
      expect(version.signer_key_id).toBeNull();
      expect(version.errors?.map((e) => e.code)).toEqual(['APP_SIGNER_UNKNOWN']);
      expect(version.errors?.[0]?.message).toContain(keyB.keyId);
    });

    it('rejects an unsigned version (SIGNATURE_NOT_FOUND)', async () => {
      const folder = await appFolder({ name: 'unsigned', version: '1.0.0' });
      const packed = await packApp(folder, { output: join(folder, 'oci') });
      await pushLayout(packed.layout, `${host}/acme/unsigned:1.0.0`, { connection: connection() });
      const version = await json<AppVersion>(
        await register(owner, projectId, `${host}/acme/unsigned:1.0.0`),
        201,
      );
      expect(version).toMatchObject({ state: 'rejected', signer_key_id: null });
      expect(version.errors?.map((e) => e.code)).toEqual(['SIGNATURE_NOT_FOUND']);
    });

    it('rejects a signed version whose manifest fails validation, with the validator’s codes and pointers', async () => {
      const published = await publish({ name: 'broken', version: '1.0.0' }, keyA);
      // The same layers with a config the validator refuses (no run section, a version that is not semver).
      const client = new RegistryClient({
        registry: host,
        credentials: staticCredentials({ username: 'x', password: owner }),
      });
      const image = (await client.getManifest('acme/broken', published.digest)).manifest as ImageManifest;
      const config = JSON.parse(
        (await client.fetchBlob('acme/broken', image.config)).toString('utf8'),
      ) as Record<string, unknown>;
      delete config.run;
      config.version = 'one';
      const bytes = Buffer.from(JSON.stringify(config));
      const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      await client.pushBlob('acme/broken', {
        open: () => Readable.from([bytes]),
        size: bytes.length,
        digest,
      });
      const manifest = Buffer.from(
        JSON.stringify({ ...image, config: { ...image.config, digest, size: bytes.length } }),
      );
      await client.putManifest('acme/broken', 'bad', manifest, 'application/vnd.oci.image.manifest.v1+json');
      await signArtifact(`${host}/acme/broken:bad`, signingKey(keyA), {
        connection: connection(),
        app: 'broken',
        version: 'one',
        publisher: 'acme',
      });
      const version = await json<AppVersion>(
        await register(owner, projectId, `${host}/acme/broken:bad`),
        201,
      );
      expect(version.state).toBe('rejected');
      expect(version.signer_key_id).toBeNull();
      const pointers = (version.errors ?? []).map((e) => e.pointer);
      expect(pointers).toEqual(expect.arrayContaining(['/version']));
      expect((version.errors ?? []).every((e) => typeof e.code === 'string' && e.code !== '')).toBe(true);
      expect(version.app).toBe('broken');
    });

    it('refuses a reference that does not parse or names nothing (APP_REFERENCE_INVALID), storing nothing', async () => {
      await problem(await register(owner, projectId, 'Not A Reference'), 422, 'APP_REFERENCE_INVALID');
      await problem(await register(owner, projectId, `${host}/acme/llm:9.9.9`), 422, 'APP_REFERENCE_INVALID');
      await problem(await register(owner, projectId, `${host}/acme/llm`), 422, 'APP_REFERENCE_INVALID');
    });

    it('answers 502 REGISTRY_UNREACHABLE for an external registry that does not answer', async () => {
      await problem(
        await register(owner, projectId, '127.0.0.1:1/acme/llm:1.0.0'),
        502,
        'REGISTRY_UNREACHABLE',
      );
    });

    it('keeps tenants apart: another tenant can neither register nor see a publisher’s artifact', async () => {
      // Into its own project: it may not pull acme's repository, which it is not told exists.
      await problem(await register(otherTenant, otherProjectId, `${host}/acme/llm:1.0.0`), 404, 'NOT_FOUND');
      // Into acme's project: not a member.
      await problem(await register(otherTenant, projectId, `${host}/acme/llm:1.0.0`), 404, 'NOT_FOUND');
      await problem(
        await t.request(`/v1/apps/versions/${verified.id}`, { token: otherTenant }),
        404,
        'NOT_FOUND',
      );
      await problem(
        await t.request(`/v1/apps/versions?project_id=${projectId}`, { token: otherTenant }),
        404,
        'NOT_FOUND',
      );
      await problem(await t.request('/v1/apps/versions', { token: otherTenant }), 403, 'FORBIDDEN');
    });

    it('refuses to register a namespace’s artifact for another project, even to someone who may pull it', async () => {
      await problem(await register(owner, secondProjectId, `${host}/acme/llm:1.0.0`), 403, 'FORBIDDEN');
      await problem(await register(operator, secondProjectId, `${host}/acme/llm:1.0.0`), 403, 'FORBIDDEN');
    });

    it('lists versions newest first for the project, filtered by state; operators see every project', async () => {
      const all = await json<{ items: AppVersion[] }>(
        await t.request(`/v1/apps/versions?project_id=${projectId}`, { token: owner }),
        200,
      );
      const ids = all.items.map((v) => v.id);
      expect(ids).toEqual([...ids].sort().reverse());
      expect(ids).toContain(verified.id);
      const rejected = await json<{ items: AppVersion[] }>(
        await t.request(`/v1/apps/versions?project_id=${projectId}&state=rejected`, { token: owner }),
        200,
      );
      expect(rejected.items.length).toBeGreaterThanOrEqual(3);
      expect(rejected.items.every((v) => v.state === 'rejected')).toBe(true);
      const queue = await json<{ items: AppVersion[] }>(
        await t.request('/v1/apps/versions?state=verified', { token: operator }),
        200,
      );
      expect(queue.items.map((v) => v.id)).toContain(verified.id);
      const page = await json<{ items: AppVersion[]; next_cursor: string | null }>(
        await t.request(`/v1/apps/versions?project_id=${projectId}&limit=1`, { token: owner }),
        200,
      );
      expect(page.items).toHaveLength(1);
      const next = await json<{ items: AppVersion[] }>(
        await t.request(
          `/v1/apps/versions?project_id=${projectId}&limit=1&cursor=${encodeURIComponent(page.next_cursor ?? '')}`,
          { token: owner },
        ),
        200,
      );
      expect(next.items[0]?.id).toBe(ids[1]);
    });

    it('retiring a key refuses new versions it signed and leaves the ones it verified as they were', async () => {
      const retired = await json<PublisherKey>(
        await post(`/v1/apps/keys/${keyA.keyId}/retire?project_id=${projectId}`, owner),
        200,
      );
      expect(retired.retired_at).not.toBeNull();
      const again = await json<PublisherKey>(
        await post(`/v1/apps/keys/${keyA.keyId}/retire?project_id=${projectId}`, owner),
        200,
      );
      expect(again.retired_at).toBe(retired.retired_at);
      const old = await json<AppVersionDetail>(
        await t.request(`/v1/apps/versions/${verified.id}`, { token: owner }),
        200,
      );
      expect(old).toMatchObject({ state: 'verified', signer_key_id: keyA.keyId });
      await publish({ name: 'llm', version: '1.0.1' }, keyA);
      const refused = await json<AppVersion>(await register(owner, projectId, `${host}/acme/llm:1.0.1`), 201);
      expect(refused.state).toBe('rejected');
      expect(refused.errors?.[0]).toMatchObject({ code: 'APP_SIGNER_UNKNOWN' });
      expect(refused.errors?.[0]?.message).toContain('retired');
      // The rotated-in key verifies from now on.
      await json(
        await post('/v1/apps/keys', owner, { project_id: projectId, public_key: keyB.publicKeyPem }),
        201,
      );
      await publish({ name: 'llm', version: '1.0.2' }, keyB);
      const rotated = await json<AppVersion>(await register(owner, projectId, `${host}/acme/llm:1.0.2`), 201);
      expect(rotated).toMatchObject({ state: 'verified', signer_key_id: keyB.keyId });
      await problem(
        await post(`/v1/apps/keys/${'0'.repeat(64)}/retire?project_id=${projectId}`, owner),
        404,
        'NOT_FOUND',
      );
    });

    it('shows a second version with wider permissions against the previous approved one', async () => {
      const first = await json<AppVersionDetail>(
        await t.request(`/v1/apps/versions/${verified.id}`, { token: owner }),
        200,
      );
      expect(first).toMatchObject({ previous_approved: null, diff: null });
      expect(first.manifest).toMatchObject({ name: 'llm', version: '1.0.0' });
      // An operator's approval (review.ts, tested there) leaves the version in this state.
      await t.platform.db
        .updateTable('app_versions')
        .set({ state: 'approved', approval_scope: 'platform' })
        .where('id', '=', verified.id)
        .execute();
      await publish(
        {
          name: 'llm',
          version: '2.0.0',
          scopes: ['projects:read', 'billing:read', 'audit:read'],
          meters: ['requests', 'tokens'],
          hourly: '2.50',
          gpus: 2,
        },
        keyB,
      );
      const second = await json<AppVersion>(await register(owner, projectId, `${host}/acme/llm:2.0.0`), 201);
      expect(second.state).toBe('verified');
      expect(second.permissions).toEqual(['audit:read', 'billing:read', 'projects:read']);
      const detail = await json<AppVersionDetail>(
        await t.request(`/v1/apps/versions/${second.id}`, { token: owner }),
        200,
      );
      expect(detail.previous_approved).toEqual({
        id: verified.id,
        version: '1.0.0',
        digest: verified.digest,
      });
      expect(detail.diff).toEqual({
        permissions: { added: ['audit:read', 'billing:read'], removed: [] },
        meters: { added: ['tokens'], removed: [] },
        prices: [
          { field: 'hourlyPrice', before: '1.00', after: '2.50' },
          { field: 'metered.tokens', before: null, after: '0.001' },
        ],
        gpu: [{ field: 'minimum.gpus.count', before: 1, after: 2 }],
      });
      // Operators read any version; viewers of the publisher project too.
      await json(await t.request(`/v1/apps/versions/${second.id}`, { token: operator }), 200);
    });
  });

  it('publishes the approval key and the attestation type', async () => {
    const trust = await json<components['schemas']['AppTrust']>(
      await t.request('/v1/apps/trust', { token: otherTenant }),
      200,
    );
    expect(trust.predicate_type).toBe('https://gpuaas.dev/attestations/approval/v1');
    expect(toPublicKey(trust.approval_key.public_key).keyId).toBe(trust.approval_key.key_id);
  });
});
