import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SdkError } from '../errors.js';
import { generateSigningKeyPair, type GeneratedKeyPair } from './keys.js';
import {
  inlineTrustPolicyFile,
  loadTrustPolicy,
  parseTrustPolicy,
  readTrustPolicyFile,
} from './trust-policy.js';

let dir: string;
let acme: GeneratedKeyPair;
let platform: GeneratedKeyPair;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gpuaas-policy-'));
  acme = await generateSigningKeyPair();
  platform = await generateSigningKeyPair();
  await writeFile(path.join(dir, 'acme.pub'), acme.publicKeyPem);
  await writeFile(path.join(dir, 'private.key'), acme.privateKeyPem);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const indent = (pem: string): string => pem.trim().replace(/\n/g, '\n      ');

function validYaml(): string {
  return `version: 1
keys:
  acme: { publicKey: ./acme.pub }
  platform:
    publicKey: |
      ${indent(platform.publicKeyPem)}
policies:
  - name: acme-apps
    scopes: ["registry.example.com/acme/*", "127.0.0.1:5000/acme/**"]
    signatures: { authorities: [acme] }
    attestations:
      - { predicateType: https://gpuaas.dev/attestations/approval/v1, authorities: [platform] }
`;
}

describe('parseTrustPolicy', () => {
  it('parses the documented example, loading a key by relative path and one inline', () => {
    const { value, errors, warnings } = parseTrustPolicy(validYaml(), { baseDir: dir });
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(value?.authorities.get('acme')).toMatchObject({ kind: 'key', key: { keyId: acme.keyId } });
    expect(value?.authorities.get('platform')).toMatchObject({ kind: 'key', key: { keyId: platform.keyId } });
    expect(value?.policies).toEqual([
      {
        name: 'acme-apps',
        scopes: ['registry.example.com/acme/*', '127.0.0.1:5000/acme/**'],
        signatures: { authorities: ['acme'] },
        attestations: [
          { predicateType: 'https://gpuaas.dev/attestations/approval/v1', authorities: ['platform'] },
        ],
      },
    ]);
  });

  it('accepts the same policy as JSON', () => {
    const json = JSON.stringify({
      version: 1,
      keys: { acme: { publicKey: acme.publicKeyPem } },
      policies: [{ name: 'all', scopes: ['**'], signatures: { authorities: ['acme'] } }],
    });
    const { value, errors } = parseTrustPolicy(json, { baseDir: dir });
    expect(errors).toEqual([]);
    expect(value?.policies[0]?.scopes).toEqual(['**']);
  });

  const broken: Array<
    [
      string,
      { edit: (yaml: string) => string; path: string; message: RegExp; line?: number; column?: number },
    ]
  > = [
    [
      'unknown authority referenced',
      {
        edit: (y) => y.replace('authorities: [acme]', 'authorities: [acmee]'),
        path: '/policies/0/signatures/authorities/0',
        message: /unknown authority "acmee"; did you mean "acme"/,
        line: 13,
        column: 33,
      },
    ],
    [
      'bad scope glob',
      {
        edit: (y) => y.replace('"127.0.0.1:5000/acme/**"', '"127.0.0.1:5000/acme**"'),
        path: '/policies/0/scopes/1',
        message: /bad scope glob.*whole segment/,
        line: 12,
      },
    ],
    [
      'key file missing',
      {
        edit: (y) => y.replace('./acme.pub', './nope.pub'),
        path: '/keys/acme/publicKey',
        message: /nope\.pub does not exist/,
        line: 3,
      },
    ],
    [
      'private key given as public key',
      {
        edit: (y) => y.replace('./acme.pub', './private.key'),
        path: '/keys/acme/publicKey',
        message: /not a PEM public key/,
      },
    ],
    [
      'misspelled field',
      {
        edit: (y) => y.replace('    attestations:', '    attestation:'),
        path: '/policies/0/attestation',
        message: /unknown field "attestation"; did you mean "attestations"/,
      },
    ],
    [
      'wrong version',
      { edit: (y) => y.replace('version: 1', 'version: 2'), path: '/version', message: /must be 1/, line: 1 },
    ],
    [
      'no policies',
      {
        edit: (y) => y.slice(0, y.indexOf('policies:')) + 'policies: []\n',
        path: '/policies',
        message: /at least one/,
      },
    ],
    [
      'policy requiring nothing',
      {
        edit: (y) => y.slice(0, y.indexOf('    signatures:')),
        path: '/policies/0',
        message: /must require signatures or at least one attestation/,
      },
    ],
    [
      'predicateType not a URI',
      {
        edit: (y) => y.replace('https://gpuaas.dev/attestations/approval/v1', 'approval'),
        path: '/policies/0/attestations/0/predicateType',
        message: /must be a URI/,
      },
    ],
    [
      'authority with both kinds',
      {
        edit: (y) =>
          y.replace('acme: { publicKey: ./acme.pub }', 'acme: { publicKey: ./acme.pub, keyless: {} }'),
        path: '/keys/acme',
        message: /exactly one of publicKey and keyless/,
      },
    ],
    ['invalid YAML', { edit: (y) => y.replace('keys:', 'keys: ['), path: '', message: /not valid YAML/ }],
  ];
  it.each(broken)('reports %s at its path', (_name, { edit, path: at, message, line, column }) => {
    const { value, errors } = parseTrustPolicy(edit(validYaml()), { baseDir: dir });
    expect(value).toBeUndefined();
    const hit = errors.find((e) => e.path === at && message.test(e.message));
    expect(hit, JSON.stringify(errors, null, 2)).toBeDefined();
    if (line !== undefined) expect(hit?.line).toBe(line);
    if (column !== undefined) expect(hit?.column).toBe(column);
  });

  it('reports every error at once', () => {
    const yaml = validYaml()
      .replace('authorities: [acme]', 'authorities: [ghost]')
      .replace('"registry.example.com/acme/*"', '"bad//scope"')
      .replace('version: 1', 'version: "1"');
    const { errors } = parseTrustPolicy(yaml, { baseDir: dir });
    expect(errors.map((e) => e.path).sort()).toEqual(
      ['/policies/0/scopes/0', '/policies/0/signatures/authorities/0', '/version'].sort(),
    );
  });

  it('warns about an authority no policy uses', () => {
    const yaml = validYaml().replace('keys:\n', `keys:\n  spare: { publicKey: ./acme.pub }\n`);
    const { value, warnings } = parseTrustPolicy(yaml, { baseDir: dir });
    expect(value).toBeDefined();
    expect(warnings).toEqual([
      expect.objectContaining({ path: '/keys/spare', message: expect.stringMatching(/not used/) }),
    ]);
  });
});

describe('loadTrustPolicy', () => {
  it('resolves key paths against the policy file and throws POLICY_INVALID listing file:line', async () => {
    const good = path.join(dir, 'good.yaml');
    await writeFile(good, validYaml());
    expect((await readTrustPolicyFile(good)).errors).toEqual([]);
    expect((await loadTrustPolicy(good)).policies).toHaveLength(1);

    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, validYaml().replace('authorities: [acme]', 'authorities: [ghost]'));
    const error = await loadTrustPolicy(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SdkError);
    expect((error as SdkError).code).toBe('POLICY_INVALID');
    expect((error as SdkError).message).toContain(
      `${bad}:13:33 /policies/0/signatures/authorities/0: unknown authority "ghost"`,
    );

    const missing = await loadTrustPolicy(path.join(dir, 'absent.yaml')).catch((e: unknown) => e);
    expect((missing as SdkError).code).toBe('NOT_FOUND');
  });
});

describe('inlineTrustPolicyFile', () => {
  it('replaces key paths by their PEM, so the policy parses where the files do not exist', async () => {
    const file = path.join(dir, 'inline-me.yaml');
    await writeFile(file, validYaml());
    const text = await inlineTrustPolicyFile(file);
    expect(text).not.toContain('./acme.pub');
    expect(text).toContain(acme.publicKeyPem.trim().split('\n')[1]);
    const elsewhere = parseTrustPolicy(text, { baseDir: '/nonexistent' });
    expect(elsewhere.errors).toEqual([]);
    const [original, inlined] = [await loadTrustPolicy(file), elsewhere.value];
    expect([...(inlined?.authorities.keys() ?? [])]).toEqual([...original.authorities.keys()]);
    expect(inlined?.policies).toEqual(original.policies);
  });

  it('refuses an invalid policy with the loader’s errors', async () => {
    const bad = path.join(dir, 'inline-bad.yaml');
    await writeFile(bad, validYaml().replace('./acme.pub', './missing.pub'));
    const error = await inlineTrustPolicyFile(bad).catch((e: unknown) => e);
    expect((error as SdkError).code).toBe('POLICY_INVALID');
    expect((error as SdkError).message).toContain('/keys/acme/publicKey');
  });
});
