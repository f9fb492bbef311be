/**
 * `gpuaas-app sign --keyless` against a real registry and @sigstore/mock's Fulcio and Rekor:
 * the bundle lands as a referrer and `verify --policy` accepts it for the trusted identity only.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeApp, requireTools, startRegistry, type TestRegistry } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../run.test.util.js';
import {
  MOCK_ISSUER,
  MOCK_SUBJECT,
  mockIdentityToken,
  startMockSigstore,
  type MockSigstore,
} from '@gpuaas/test-support/sigstore';

const available = requireTools('gpuaas-app sign --keyless', 'docker-registry');

describe.skipIf(!available)('gpuaas-app sign --keyless (mock Fulcio and Rekor, Distribution 2.8)', () => {
  let dir: string;
  let registry: TestRegistry;
  let sigstore: MockSigstore;
  let ref: string;

  const policy = async (name: string, subject: string): Promise<string> => {
    const file = path.join(dir, `${name}.yaml`);
    await writeFile(
      file,
      [
        'version: 1',
        'keys:',
        '  ci:',
        '    keyless:',
        '      trustedRoot: ./trusted-root.json',
        `      identities: [{ issuer: "${MOCK_ISSUER}", subject: "${subject}" }]`,
        'policies:',
        `  - { name: apps, scopes: ["${registry.host}/**"], signatures: { authorities: [ci] } }`,
        '',
      ].join('\n'),
    );
    return file;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gpuaas-sign-keyless-'));
    [registry, sigstore] = await Promise.all([startRegistry(), startMockSigstore()]);
    await writeFile(path.join(dir, 'trusted-root.json'), JSON.stringify(sigstore.trustedRoot));
    const app = await makeApp(path.join(dir, 'app'));
    ref = `${registry.host}/acme/echo:1.0.0`;
    const pack = await runCli(['pack', app, '--output', path.join(dir, 'layout')], { cwd: dir });
    expect(pack.code, pack.stderr).toBe(0);
    const push = await runCli(['push', path.join(dir, 'layout'), '--to', ref], { cwd: dir });
    expect(push.code, push.stderr).toBe(0);
  });

  afterAll(async () => {
    await Promise.all([registry?.stop(), sigstore?.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('signs with a Fulcio certificate, and verify accepts the trusted identity only', async () => {
    const env = { SIGSTORE_ID_TOKEN: mockIdentityToken() };
    const flags = ['--keyless', '--fulcio-url', sigstore.baseURL, '--rekor-url', sigstore.baseURL];
    const signed = await runCli(['sign', ref, ...flags, '--json'], { cwd: dir, env });
    expect(signed.code, signed.stderr).toBe(0);
    const result = JSON.parse(signed.stdout) as { digest: string; keyId?: string };
    expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result.keyId).toBeUndefined();

    const trusted = await runCli(['verify', ref, '--policy', await policy('trusted', MOCK_SUBJECT)], {
      cwd: dir,
    });
    expect(trusted.code, trusted.stderr).toBe(0);

    const other = await policy(
      'other',
      'https://github.com/mallory/app/.github/workflows/x.yml@refs/heads/main',
    );
    const refused = await runCli(['verify', ref, '--policy', other], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toContain('SIGNATURE_INVALID');
  });

  it.each([
    ['--key and --keyless together', ['--keyless', '--key', 'x.key'], { SIGSTORE_ID_TOKEN: 't' }, /not both/],
    ['no identity token', ['--keyless'], {}, /SIGSTORE_ID_TOKEN/],
  ])('refuses %s as a usage error', async (_name, args, env, message) => {
    const run = await runCli(['sign', ref, ...args], { cwd: dir, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('error[USAGE]');
  });
});
