import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools, startRegistry, type TestRegistry } from '@gpuaas/test-support';
import { bufferBlobSource } from './blob-source.js';
import { RegistryClient } from './client.js';
import { staticCredentials } from './credentials.js';
import { computeDigest } from './digest.js';

const htpasswdAvailable = requireTools('oci auth: htpasswd registry', 'docker-registry', 'perl');
const tokenAvailable = requireTools('oci auth: token registry', 'docker-registry', 'openssl');

describe.skipIf(!htpasswdAvailable)('basic auth against Distribution 2.8 (htpasswd)', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ auth: 'htpasswd' });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('pushes and pulls with the right password and refuses others with REGISTRY_UNAUTHORIZED', async () => {
    const client = new RegistryClient({
      registry: registry.host,
      credentials: staticCredentials({ username: registry.username, password: registry.password }),
    });
    const bytes = randomBytes(1000);
    const { descriptor } = await client.pushBlob('auth/basic', bufferBlobSource(bytes, computeDigest(bytes)));
    expect(await client.fetchBlob('auth/basic', descriptor)).toEqual(bytes);

    const anonymous = new RegistryClient({ registry: registry.host });
    await expect(anonymous.hasBlob('auth/basic', descriptor.digest)).rejects.toMatchObject({
      code: 'REGISTRY_UNAUTHORIZED',
    });
    const wrong = new RegistryClient({
      registry: registry.host,
      credentials: staticCredentials({ username: registry.username, password: 'not-the-password' }),
    });
    const error = await wrong.hasBlob('auth/basic', descriptor.digest).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REGISTRY_UNAUTHORIZED' });
    expect(
      JSON.stringify({ m: (error as Error).message, d: (error as { details: unknown }).details }),
    ).not.toContain('not-the-password');
  });
});

describe.skipIf(!tokenAvailable)('bearer token auth against Distribution 2.8 (token server)', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ auth: 'token' });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('gets tokens per scope, reuses them, and mounts with a two-repository token', async () => {
    const client = new RegistryClient({
      registry: registry.host,
      credentials: staticCredentials({ username: registry.username, password: registry.password }),
    });
    const bytes = randomBytes(2048);
    const digest = computeDigest(bytes);
    await client.pushBlob('auth/token-a', bufferBlobSource(bytes, digest));
    await client.pushBlob('auth/token-a', bufferBlobSource(bytes, digest));
    expect(registry.tokenRequests).toEqual([
      ['repository:auth/token-a:pull'],
      ['repository:auth/token-a:pull,push'],
    ]);

    expect(await client.mountBlob('auth/token-b', digest, 'auth/token-a')).toBe(true);
    expect(registry.tokenRequests.at(-1)?.sort()).toEqual([
      'repository:auth/token-a:pull',
      'repository:auth/token-b:pull,push',
    ]);
    expect(await client.fetchBlob('auth/token-b', { digest, size: bytes.length })).toEqual(bytes);

    // anonymous callers get pull-only tokens: reads work, a push is refused
    const anonymous = new RegistryClient({ registry: registry.host });
    expect(await anonymous.hasBlob('auth/token-a', digest)).toBe(true);
    await expect(anonymous.pushBlob('auth/token-a', bufferBlobSource(randomBytes(10)))).rejects.toMatchObject(
      {
        code: 'REGISTRY_UNAUTHORIZED',
      },
    );
    const wrong = new RegistryClient({
      registry: registry.host,
      credentials: staticCredentials({ username: registry.username, password: 'wrong' }),
    });
    await expect(wrong.hasBlob('auth/token-a', digest)).rejects.toMatchObject({
      code: 'REGISTRY_UNAUTHORIZED',
    });
  });
});
