/**
 * Registration from an external registry (the Distribution registry, as production may use):
 * no namespace binding there, only the publisher's registered keys decide — key-based signatures
 * and keyless (Fulcio) identities under a Sigstore trusted root (@sigstore/mock's, over HTTP).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTools, startRegistry, testDialects } from '@gpuaas/test-support';
import type { TestRegistry } from '@gpuaas/test-support';
import {
  MOCK_ISSUER,
  MOCK_SUBJECT,
  mockIdentityToken,
  startMockSigstore,
} from '@gpuaas/test-support/sigstore';
import type { MockSigstore } from '@gpuaas/test-support/sigstore';
import { createKeylessSigner, generateSigningKeyPair, loadSigningKey, publishApp } from '@gpuaas/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { PlatformError } from '../errors.js';
import { InternalRegistryCaller, RegistryAccess } from '../registry/access.js';
import { Registry } from '../registry/registry.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { ArtifactReader } from './artifact-reader.js';
import { PublisherKeys, keylessKeyId } from './keys.js';
import { AppRegistration } from './registration.js';
import { EmbeddedRegistry } from './release.js';

const dialects = await testDialects('app registration from an external registry');
const tools = requireTools('app registration from an external registry', 'docker-registry');

const MANIFEST = `apiVersion: gpuaas.dev/v1alpha1
name: NAME
version: 1.0.0
publisher: acme
run:
  entrypoint: [node, app.mjs]
resources:
  minimum:
    gpus: { count: 0 }
`;

describe.skipIf(!tools).each(dialects)('registration from an external registry on %s', (dialect) => {
  let t: TestPlatform;
  let registry: TestRegistry;
  let sigstore: MockSigstore;
  let dir: string;
  let projectId: string;
  let owner: Principal;
  let keys: PublisherKeys;

  const registration = (keylessTrustedRoot?: unknown) => {
    const embeddedStore = new Registry(join(dir, 'embedded'));
    const internal = new InternalRegistryCaller();
    return new AppRegistration({
      db: t.platform.db,
      keys,
      reader: new ArtifactReader({
        // The platform's own registry is elsewhere: every reference here is external.
        embedded: new EmbeddedRegistry({
          publicUrl: () => 'http://platform.invalid:8080',
          localUrl: () => undefined,
          internal,
        }),
        registry: embeddedStore,
        access: new RegistryAccess({ db: t.platform.db, registry: embeddedStore, internal }),
        connection: { retry: { maxRetries: 0 } },
      }),
      ...(keylessTrustedRoot === undefined ? {} : { keylessTrustedRoot }),
    });
  };

  async function app(name: string): Promise<string> {
    const folder = join(dir, name);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'gpuaas-app.yaml'), MANIFEST.replace('NAME', name));
    await writeFile(join(folder, 'app.mjs'), `console.log('${name}');\n`);
    return folder;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-registration-'));
    [t, registry, sigstore] = await Promise.all([
      startTestPlatform(dialect),
      startRegistry(),
      startMockSigstore(),
    ]);
    const { user, token } = await t.login('publisher@example.com');
    owner = { type: 'user', id: user.id, operator: false, scopes: undefined };
    const res = await t.request('/v1/projects', { method: 'POST', token, json: { name: 'acme' } });
    projectId = ((await res.json()) as { id: string }).id;
    keys = new PublisherKeys(t.platform.db);
  });
  afterAll(async () => {
    await Promise.all([t?.close(), registry?.stop(), sigstore?.close()]);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('verifies a key-signed artifact of any namespace against the project’s keys', async () => {
    const pair = await generateSigningKeyPair();
    await keys.add(owner, { projectId, publicKey: pair.publicKeyPem });
    const keyFile = join(dir, 'publisher.key');
    await writeFile(keyFile, pair.privateKeyPem);
    const published = await publishApp(await app('keyed'), {
      to: `${registry.host}/anyone/keyed:1.0.0`,
      signingKey: await loadSigningKey(keyFile),
    });
    const { version, created } = await registration().register(owner, {
      projectId,
      reference: `${registry.host}/anyone/keyed:1.0.0`,
    });
    expect(created).toBe(true);
    expect(version).toMatchObject({
      registry: registry.host,
      repository: 'anyone/keyed',
      digest: published.digest,
      state: 'verified',
      signer_key_id: pair.keyId,
    });
  });

  it('verifies a keyless signature by a registered identity, and refuses it without a trusted root', async () => {
    const signer = createKeylessSigner({
      fulcioURL: sigstore.baseURL,
      rekorURL: sigstore.baseURL,
      identityToken: () => Promise.resolve(mockIdentityToken()),
      retries: 0,
    });
    await publishApp(await app('keyless'), { to: `${registry.host}/acme/keyless:1.0.0`, signingKey: signer });
    await publishApp(await app('keyless-two'), {
      to: `${registry.host}/acme/keyless-two:1.0.0`,
      signingKey: signer,
    });
    await keys.add(owner, { projectId, issuer: MOCK_ISSUER, subject: MOCK_SUBJECT });

    const trusted = await registration(sigstore.trustedRoot).register(owner, {
      projectId,
      reference: `${registry.host}/acme/keyless:1.0.0`,
    });
    expect(trusted.version).toMatchObject({
      state: 'verified',
      signer_key_id: keylessKeyId(MOCK_ISSUER, MOCK_SUBJECT),
    });

    const untrusted = await registration().register(owner, {
      projectId,
      reference: `${registry.host}/acme/keyless-two:1.0.0`,
    });
    expect(untrusted.version.state).toBe('rejected');
    expect(JSON.parse(untrusted.version.errors ?? '[]')).toMatchObject([{ code: 'APP_SIGNER_UNKNOWN' }]);
  });

  it('refuses a registration for a project the caller is not a member of', async () => {
    const stranger: Principal = {
      type: 'user',
      id: (await t.login('x@example.com')).user.id,
      operator: false,
      scopes: undefined,
    };
    const refused = await registration()
      .register(stranger, { projectId, reference: `${registry.host}/anyone/keyed:1.0.0` })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PlatformError);
    expect((refused as PlatformError).code).toBe('NOT_FOUND');
  });
});
