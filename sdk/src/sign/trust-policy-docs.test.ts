import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeyPair } from './keys.js';
import { matchScope } from './scope.js';
import { parseTrustPolicy } from './trust-policy.js';

// docs/trust-policy.md is what people copy from: every example in it must parse cleanly.
const doc = await readFile(new URL('../../../docs/trust-policy.md', import.meta.url), 'utf8');
const examples = [...doc.matchAll(/```(yaml|json)\n([\s\S]*?)```/g)]
  .map((m) => m[2] ?? '')
  .filter((text) => /"?version"?: 1/.test(text));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gpuaas-policy-docs-'));
  await mkdir(path.join(dir, 'keys'));
  await mkdir(path.join(dir, 'sigstore'));
  for (const name of ['acme', 'acme-ci', 'platform']) {
    await writeFile(path.join(dir, 'keys', `${name}.pub`), (await generateSigningKeyPair()).publicKeyPem);
  }
  const emptyRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [],
  };
  await writeFile(path.join(dir, 'sigstore', 'trusted_root.json'), JSON.stringify(emptyRoot));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('docs/trust-policy.md', () => {
  it('has policy examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  it.each(examples.map((text, i) => [i + 1, text]))('example %i parses without errors', (_i, text) => {
    const { value, errors } = parseTrustPolicy(String(text), { baseDir: dir });
    expect(errors).toEqual([]);
    expect(value?.policies.length).toBeGreaterThan(0);
  });

  it('scope table agrees with matchScope', () => {
    const table = doc.slice(doc.indexOf('| glob | matches |'));
    const rows = [...table.matchAll(/^\| `([^`]+)` \| (.+?) \| (.+?) \|$/gm)];
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const [, glob, yes, no] of rows) {
      for (const repo of [...(yes ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '')) {
        expect(matchScope(glob!, repo), `${glob} ~ ${repo}`).toBe(true);
      }
      for (const repo of [...(no ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '')) {
        expect(matchScope(glob!, repo), `${glob} !~ ${repo}`).toBe(false);
      }
    }
  });
});
