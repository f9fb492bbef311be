import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  flipByte,
  freePort,
  makeApp,
  requireTools,
  startRegistry,
  type TestRegistry,
} from '@gpuaas/test-support';
import {
  RegistryClient,
  OciLayout,
  ANNOTATIONS,
  publishApp,
  loadSigningKey,
  APPROVAL_PREDICATE_TYPE,
} from '@gpuaas/sdk';
import type { ImageManifest } from '@gpuaas/sdk';
import { binIsBuilt, makeKeys, runBin, runCli, type TestKeys } from '../run.test.util.js';

const available = requireTools('gpuaas-app registry commands', 'docker-registry');

interface PublishJson {
  reference: string;
  digest: string;
  size: number;
  layers: { digest: string; size: number }[];
  signature: { digest: string; keyId: string } | null;
  bytesUploaded: number;
}

describe.skipIf(!available)('gpuaas-app publish, push, pull, sign, verify, promote (in-process)', () => {
  let registry: TestRegistry;
  let dir: string;
  let publisher: TestKeys;
  let platform: TestKeys;

  beforeAll(async () => {
    registry = await startRegistry();
    dir = await mkdtemp(path.join(tmpdir(), 'gpuaas-publish-cli-'));
    publisher = await makeKeys(path.join(dir, 'publisher'));
    platform = await makeKeys(path.join(dir, 'platform'));
  });
  afterAll(async () => {
    await registry?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: dir, env });

  it('publish --dry-run packs and reports, but pushes nothing', async () => {
    await makeApp(path.join(dir, 'dry'), { 'unique.txt': 'dry' });
    const ref = `${registry.host}/acme/dry:0.1.0`;
    const result = await cli(['publish', 'dry', '--to', ref, '--dry-run', '--json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as PublishJson;
    expect(json).toMatchObject({ signature: null, bytesUploaded: 0, reference: `${ref}@${json.digest}` });
    expect(json.layers.length).toBeGreaterThan(0);
    const client = new RegistryClient({ registry: registry.host });
    expect(await client.headManifest('acme/dry', '0.1.0')).toBeUndefined();
    expect(await client.headManifest('acme/dry', json.digest)).toBeUndefined();
  });

  it('publish takes --to and the key from the environment and prints nothing but JSON', async () => {
    await makeApp(path.join(dir, 'env'), { 'unique.txt': 'env' });
    const env = {
      GPUAAS_PUBLISH_TO: `${registry.host}/acme/env`,
      GPUAAS_SIGNING_KEY: await readFile(publisher.keyPath, 'utf8'),
    };
    const result = await cli(['publish', 'env', '--json'], env);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as PublishJson;
    // Without a tag in --to, the app version is the tag.
    expect(json.reference).toBe(`${registry.host}/acme/env:0.1.0@${json.digest}`);
    expect(json.signature?.keyId).toBe(publisher.keyId);
    expect(json.bytesUploaded).toBeGreaterThan(0);
    const verified = await cli(['verify', `${registry.host}/acme/env:0.1.0`, '--key', publisher.pubPath]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^verified /);
  });

  it('draws progress bars on a TTY and plain lines when CI is set', async () => {
    await makeApp(path.join(dir, 'tty'), { 'unique.txt': 'tty' });
    const args = ['publish', 'tty', '--to', `${registry.host}/acme/tty:1`, '--key', publisher.keyPath];
    const onTty = await runCli(args, { cwd: dir, tty: true });
    expect(onTty.code).toBe(0);
    expect(onTty.stderr).toMatch(/\rpush [^\n]*\[#+-*\]/);
    const inCi = await runCli(args, { cwd: dir, tty: true, env: { CI: 'true' } });
    expect(inCi.code).toBe(0);
    expect(inCi.stderr).not.toContain('\r');
    expect(inCi.stderr).toMatch(/^pack: done$/m);
    expect(inCi.stdout).toMatch(/^published /);
  });

  it('publish without a destination or a key is a usage error (exit 2)', async () => {
    await makeApp(path.join(dir, 'usage'));
    const noTo = await cli(['publish', 'usage', '--key', publisher.keyPath]);
    expect(noTo.code).toBe(2);
    expect(noTo.stderr).toMatch(/error\[USAGE\].*GPUAAS_PUBLISH_TO/);
    const noKey = await cli(['publish', 'usage', '--to', `${registry.host}/acme/usage:1`]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/error\[USAGE\].*--key/);
  });

  it('pack, push, sign, verify and pull as separate steps', async () => {
    await makeApp(path.join(dir, 'steps'), { 'unique.txt': 'steps' });
    const ref = `${registry.host}/acme/steps:0.1.0`;
    expect((await cli(['pack', 'steps', '--output', 'steps-oci'])).code).toBe(0);
    const pushed = await cli(['push', 'steps-oci', '--to', ref, '--json']);
    expect(pushed.code).toBe(0);
    const { digest } = JSON.parse(pushed.stdout) as { digest: string };

    const unsigned = await cli(['verify', ref, '--key', publisher.pubPath]);
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toContain(`error[SIGNATURE_NOT_FOUND]: no signature found for ${ref}`);

    const signed = await cli(['sign', ref, '--key', publisher.keyPath, '--json']);
    expect(signed.code).toBe(0);
    expect(JSON.parse(signed.stdout)).toMatchObject({ subject: digest, keyId: publisher.keyId });

    expect((await cli(['verify', ref, '--key', publisher.pubPath])).code).toBe(0);
    const wrongKey = await cli(['verify', ref, '--key', platform.pubPath, '--json']);
    expect(wrongKey.code).toBe(1);
    expect(JSON.parse(wrongKey.stdout)).toMatchObject({ allowed: false, code: 'SIGNATURE_INVALID', digest });
    expect(wrongKey.stderr).toMatch(/error\[SIGNATURE_INVALID\]/);

    const pulled = await cli([
      'pull',
      `${registry.host}/acme/steps@${digest}`,
      '--output',
      'steps-pulled',
      '--json',
    ]);
    expect(pulled.code).toBe(0);
    const pulledJson = JSON.parse(pulled.stdout) as { digest: string; tag?: string };
    expect(pulledJson.digest).toBe(digest);
    // Pulled by digest: the layout lists the manifest untagged.
    expect(pulledJson.tag).toBeUndefined();
    const layout = await OciLayout.open(path.join(dir, 'steps-pulled'));
    expect((await layout.readIndex()).manifests.map((m) => [m.digest, m.annotations])).toEqual([
      [digest, undefined],
    ]);
  });

  it('verify needs exactly one of --key and --policy (exit 2)', async () => {
    const ref = `${registry.host}/acme/steps:0.1.0`;
    const neither = await cli(['verify', ref]);
    expect(neither.code).toBe(2);
    const both = await cli(['verify', ref, '--key', publisher.pubPath, '--policy', 'p.yaml']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/error\[USAGE\]/);
  });

  it('promote adds the approval a policy requires, and refuses to move a release tag (exit 1)', async () => {
    await makeApp(path.join(dir, 'rel-a'), { 'unique.txt': 'rel-a' });
    await makeApp(path.join(dir, 'rel-b'), { 'unique.txt': 'rel-b' });
    const a = JSON.parse(
      (
        await cli([
          'publish',
          'rel-a',
          '--to',
          `${registry.host}/staging/rel-a:1`,
          '--key',
          publisher.keyPath,
          '--json',
        ])
      ).stdout,
    ) as PublishJson;
    const b = JSON.parse(
      (
        await cli([
          'publish',
          'rel-b',
          '--to',
          `${registry.host}/staging/rel-b:1`,
          '--key',
          publisher.keyPath,
          '--json',
        ])
      ).stdout,
    ) as PublishJson;
    await writeFile(
      path.join(dir, 'policy.yaml'),
      `version: 1\nkeys:\n  acme: { publicKey: ./publisher.pub }\n  platform: { publicKey: ./platform.pub }\n` +
        `policies:\n  - name: released\n    scopes: ['**']\n    signatures: { authorities: [acme] }\n` +
        `    attestations:\n      - { predicateType: ${APPROVAL_PREDICATE_TYPE}, authorities: [platform] }\n`,
    );
    const before = await cli(['verify', a.reference, '--policy', 'policy.yaml']);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/required attestation .*approval\/v1/);
    expect(before.stderr).toMatch(/error\[ATTESTATION_MISSING\]/);

    const release = `${registry.host}/release/app:1.0.0`;
    const promoted = await cli([
      'promote',
      a.reference,
      '--to',
      release,
      '--attest-key',
      platform.keyPath,
      '--json',
    ]);
    expect(promoted.code).toBe(0);
    expect(JSON.parse(promoted.stdout)).toMatchObject({
      digest: a.digest,
      bytesCopied: 0,
      referrersCopied: 1,
    });
    expect((await cli(['verify', release, '--policy', 'policy.yaml'])).code).toBe(0);

    const conflict = await cli(['promote', b.reference, '--to', release], {
      GPUAAS_ATTEST_KEY: platform.keyPath,
    });
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toMatch(/error\[TAG_CONFLICT\]/);
    const client = new RegistryClient({ registry: registry.host });
    expect((await client.resolve('release/app', '1.0.0')).digest).toBe(a.digest);
  });

  it('pull of a tampered layer exits 1 with DIGEST_MISMATCH', async () => {
    await makeApp(path.join(dir, 'bad'), { 'unique.txt': 'bad' });
    const ref = `${registry.host}/acme/bad:0.1.0`;
    const json = JSON.parse(
      (await cli(['publish', 'bad', '--to', ref, '--key', publisher.keyPath, '--json'])).stdout,
    ) as PublishJson;
    await flipByte(registry.blobPath(json.layers[0]!.digest));
    const pulled = await cli(['pull', ref, '--output', 'bad-pulled']);
    expect(pulled.code).toBe(1);
    expect(pulled.stderr).toMatch(/error\[DIGEST_MISMATCH\]/);
    expect(existsSync(path.join(dir, 'bad-pulled'))).toBe(false);
  });

  it('an unreachable registry exits 2 with REGISTRY_UNREACHABLE after the retries set in the environment', async () => {
    const ref = `127.0.0.1:${await freePort()}/acme/none:1`;
    const result = await cli(['pull', ref, '--output', 'none'], {
      GPUAAS_REGISTRY_RETRIES: '2',
      GPUAAS_REGISTRY_RETRY_DELAY_MS: '1',
    });
    expect(result.code).toBe(2);
    expect(result.stderr.match(/^retrying /gm)).toHaveLength(2);
    expect(result.stderr).toMatch(/error\[REGISTRY_UNREACHABLE\].*after 2 retries/);
  });
});

const withAuth = requireTools('gpuaas-app against an authenticating registry', 'docker-registry', 'perl');

describe.skipIf(!withAuth)('gpuaas-app with registry credentials', () => {
  let registry: TestRegistry;
  let dir: string;

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'htpasswd' });
    dir = await mkdtemp(path.join(tmpdir(), 'gpuaas-publish-cli-auth-'));
    await makeApp(path.join(dir, 'app'));
  });
  afterAll(async () => {
    await registry?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('exits 2 with REGISTRY_UNAUTHORIZED for wrong credentials and publishes with the right ones', async () => {
    const keys = await makeKeys(path.join(dir, 'k'));
    const args = ['publish', 'app', '--to', `${registry.host}/acme/app:1`, '--key', keys.keyPath];
    const env = (password: string) => ({
      GPUAAS_REGISTRY_USERNAME: registry.username,
      GPUAAS_REGISTRY_PASSWORD: password,
    });
    const refused = await runCli(args, { cwd: dir, env: env('wrong') });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/error\[REGISTRY_UNAUTHORIZED\]/);
    expect((await runCli(args, { cwd: dir, env: env(registry.password) })).code).toBe(0);
  });
});

const built = binIsBuilt('gpuaas-app publish bin test');

describe.skipIf(!available || !built)('gpuaas-app end to end (built bin, child processes)', () => {
  let registry: TestRegistry;
  let dir: string;

  beforeAll(async () => {
    registry = await startRegistry();
    dir = await mkdtemp(path.join(tmpdir(), 'gpuaas-publish-e2e-'));
  });
  afterAll(async () => {
    await registry?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('init → keygen → publish → verify → pull gives the published digest; re-publishing uploads 0 bytes', async () => {
    const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      runBin(args, { cwd: dir, env: { CI: 'true', ...env } });
    const init = await run([
      'init',
      'demo',
      '-t',
      'typescript-service',
      '-n',
      'demo',
      '-p',
      'acme',
      '-y',
      '--json',
    ]);
    expect(init.code).toBe(0);
    expect((await run(['keygen', '--out', 'acme'])).code).toBe(0);

    const ref = `${registry.host}/acme/demo:0.1.0`;
    const published = await run(['publish', 'demo', '--to', ref, '--key', 'acme.key', '--json']);
    expect(published.code).toBe(0);
    const json = JSON.parse(published.stdout) as PublishJson;
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining(['reference', 'digest', 'size', 'layers', 'signature']),
    );
    expect(json.reference).toBe(`${ref}@${json.digest}`);

    const verified = await run(['verify', ref, '--key', 'acme.pub']);
    expect(verified.code).toBe(0);

    const pulled = await run(['pull', ref, '--output', 'pulled']);
    expect(pulled.code).toBe(0);
    const index = JSON.parse(await readFile(path.join(dir, 'pulled', 'index.json'), 'utf8')) as {
      manifests: { digest: string; annotations?: Record<string, string> }[];
    };
    expect(index.manifests).toHaveLength(1);
    expect(index.manifests[0]?.digest).toBe(json.digest);
    expect(index.manifests[0]?.annotations?.[ANNOTATIONS.refName]).toBe('0.1.0');
    const layout = await OciLayout.open(path.join(dir, 'pulled'));
    const manifest = JSON.parse((await layout.readBlob(json.digest)).toString()) as ImageManifest;
    expect(manifest.layers.map((l) => l.digest)).toEqual(json.layers.map((l) => l.digest));

    // The same sources again: every blob is already there, and the signature is reused.
    const again = await publishApp(path.join(dir, 'demo'), {
      to: ref,
      signingKey: await loadSigningKey(path.join(dir, 'acme.key')),
    });
    expect(again.digest).toBe(json.digest);
    expect(again.bytesUploaded).toBe(0);
    expect(again.signature).toMatchObject({ digest: json.signature?.digest, created: false });
  });
});
