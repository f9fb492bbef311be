import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, chmod, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrustPolicy, publishApp, type PublishAppResult, type TrustPolicy } from '@gpuaas/sdk';
import { keyTrustPolicy, requireTools, startRegistry, type TestRegistry } from '@gpuaas/test-support';
import { cacheLayout, removeTree } from './cache.js';
import { fetchArtifact, type FetchArtifactOptions } from './fetch.js';
import { makeKeys, recordingFetch, writeApp, type TestKeys } from './fixtures.test.util.js';

const available = requireTools('fetching artifacts from a registry', 'docker-registry');
const logger = pino({ level: 'silent' });

function inlinePolicy(authority: string, publicKeyPem: string, scope: string): TrustPolicy {
  const parsed = parseTrustPolicy(keyTrustPolicy({ authority, publicKeyPem, scopes: [scope] }), {
    baseDir: '/nonexistent',
  });
  if (parsed.value === undefined) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

describe.skipIf(!available)('a warm launch verifies from the cache', () => {
  let registry: TestRegistry;
  let work: string;
  let publisher: TestKeys;
  let policy: TrustPolicy;
  let counter = 0;

  /** A fresh app (own digest) pushed signed, and launched once cold into its own cache. */
  const launchedOnce = async (): Promise<{ published: PublishAppResult; options: FetchArtifactOptions }> => {
    const unique = `warm-${++counter}`;
    const published = await publishApp(await writeApp(join(work, unique), unique), {
      to: `${registry.host}/acme/${unique}:1.0.0`,
      signingKey: publisher.key,
    });
    const options: FetchArtifactOptions = {
      reference: `${registry.host}/acme/${unique}@${published.digest}`,
      cacheDir: join(work, `cache-${unique}`),
      trustPolicy: policy,
      logger,
    };
    const cold = await fetchArtifact(options);
    expect(cold).toMatchObject({ fromCache: false, offline: false });
    return { published, options };
  };

  beforeAll(async () => {
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'rt-warm-'));
    publisher = await makeKeys(join(work, 'publisher'));
    policy = inlinePolicy('acme', await readFile(publisher.pubPath, 'utf8'), `${registry.host}/acme/**`);
  });
  afterAll(async () => {
    await registry?.stop();
    if (work !== undefined) await removeTree(work);
  });

  it('makes no registry request: signature, manifest and tree are checked from what the cache kept', async () => {
    const { options } = await launchedOnce();
    const recorder = recordingFetch();
    const warm = await fetchArtifact({ ...options, registry: { fetch: recorder.fetch } });
    expect(recorder.requests).toEqual([]);
    expect(warm).toMatchObject({
      fromCache: true,
      offline: true,
      manifest: { name: 'fetch-test' },
      verified: { signer: { keyId: publisher.key.keyId, authority: 'acme' }, policies: ['acme'] },
      stats: { bytesDownloaded: 0, filesUnpacked: 0 },
    });
    expect(await readFile(join(warm.appDir, 'unique.txt'), 'utf8')).toBe(`warm-${counter}`);
  });

  it('judges the kept signatures by this launch’s policy: a key trusted no more is refused', async () => {
    const { options } = await launchedOnce();
    const other = await makeKeys(join(work, 'other'));
    const strict = inlinePolicy('other', await readFile(other.pubPath, 'utf8'), `${registry.host}/acme/**`);
    // Offline the kept bundle fails; the registry is asked (it may hold newer bundles), and fails too.
    const recorder = recordingFetch();
    await expect(
      fetchArtifact({ ...options, trustPolicy: strict, registry: { fetch: recorder.fetch } }),
    ).rejects.toMatchObject({ code: 'ARTIFACT_UNTRUSTED', details: { policyCode: 'SIGNATURE_INVALID' } });
    expect(recorder.requests.some((r) => r.includes('/referrers/') || r.includes('sha256-'))).toBe(true);
  });

  it('does not trust kept signatures that were altered: it verifies with the registry instead', async () => {
    const { options, published } = await launchedOnce();
    const evidence = cacheLayout(options.cacheDir).evidence(published.digest);
    const kept = JSON.parse(await readFile(evidence, 'utf8')) as { bundles: { bundle: unknown }[] };
    const text = JSON.stringify(kept).replace(
      /"sig":"(.)/,
      (_m, c: string) => `"sig":"${c === 'A' ? 'B' : 'A'}`,
    );
    expect(text).not.toBe(JSON.stringify(kept));
    await chmod(evidence, 0o644);
    await writeFile(evidence, text);
    const recorder = recordingFetch();
    const fetched = await fetchArtifact({ ...options, registry: { fetch: recorder.fetch } });
    expect(fetched).toMatchObject({ fromCache: true, offline: false });
    expect(recorder.requests.length).toBeGreaterThan(0);
    // The registry's bundles verified, so they are kept again and the next launch is offline.
    expect((await fetchArtifact(options)).offline).toBe(true);
  });

  const tamperings: [
    string,
    (tree: string, blob: (digest: string) => string, config: string) => Promise<void>,
    RegExp,
  ][] = [
    [
      'a file rewritten in place',
      async (tree) => {
        await chmod(join(tree, 'unique.txt'), 0o644);
        await writeFile(join(tree, 'unique.txt'), 'evil');
      },
      /"unique\.txt": its (mode|size|mtime)/,
    ],
    [
      'a file rewritten with its mode, size and mtime put back (to the nanosecond)',
      async (tree) => {
        const path = join(tree, 'unique.txt');
        const before = await stat(path, { bigint: true });
        const same = (await readFile(path, 'utf8')).replace(/./, 'X');
        await chmod(path, 0o644);
        await writeFile(path, same);
        await chmod(path, Number(before.mode & 0o777n));
        // utimes() takes seconds as a double; touch sets the exact nanoseconds.
        const ns = before.mtimeNs;
        const at = `@${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`;
        execFileSync('touch', ['-m', '-d', at, path]);
        expect((await stat(path, { bigint: true })).mtimeNs).toBe(ns);
      },
      /"unique\.txt": its ctime/,
    ],
    [
      'a file added to a folder',
      async (tree) => {
        await chmod(join(tree, 'bin'), 0o755);
        await writeFile(join(tree, 'bin', 'extra.sh'), 'echo evil\n');
      },
      /"bin": its (mode|mtime)/,
    ],
    [
      'the cached config blob changed',
      async (_tree, blob, config) => {
        await chmod(blob(config), 0o644);
        await appendFile(blob(config), ' ');
      },
      /cached blob sha256:[0-9a-f]{64} of .* no longer matches its digest/,
    ],
  ];
  it.each(tamperings)(
    'refuses %s with ARTIFACT_CACHE_TAMPERED, drops the copy, and downloads it again next time',
    async (_name, tamper, message) => {
      const { options, published } = await launchedOnce();
      const cache = cacheLayout(options.cacheDir);
      const manifest = JSON.parse(await readFile(cache.blob(published.digest), 'utf8')) as {
        config: { digest: string };
      };
      await tamper(cache.tree(published.digest), cache.blob, manifest.config.digest);

      const recorder = recordingFetch();
      await expect(fetchArtifact({ ...options, registry: { fetch: recorder.fetch } })).rejects.toMatchObject({
        code: 'ARTIFACT_CACHE_TAMPERED',
        message: expect.stringMatching(message),
        details: { digest: published.digest },
      });
      expect(recorder.requests).toEqual([]);
      expect(existsSync(cache.tree(published.digest))).toBe(false);
      expect(existsSync(cache.record(published.digest))).toBe(false);

      const again = await fetchArtifact(options);
      expect(again).toMatchObject({ fromCache: false, offline: false });
      expect(await readFile(join(again.appDir, 'unique.txt'), 'utf8')).toBe(`warm-${counter}`);
      expect(existsSync(join(again.appDir, 'bin', 'extra.sh'))).toBe(false);
    },
  );

  // Last: it stops the registry.
  it('launches from the cache while the registry is down', async () => {
    const { options } = await launchedOnce();
    await registry.stop();
    // A tag needs the registry (tags move); a digest does not.
    const tag = `${options.reference.split('@')[0]}:1.0.0`;
    const once = { retry: { maxRetries: 0 } };
    await expect(fetchArtifact({ ...options, reference: tag, registry: once })).rejects.toMatchObject({
      code: 'ARTIFACT_PULL_FAILED',
    });
    const warm = await fetchArtifact(options);
    expect(warm).toMatchObject({ fromCache: true, offline: true });
  });
});
