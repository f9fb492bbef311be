import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SdkError } from '../errors.js';
import {
  formatReference,
  isLoopbackHost,
  parseReference,
  validateReference,
  type ImageReference,
} from './reference.js';

const D = `sha256:${'ab'.repeat(32)}`;

describe('parseReference', () => {
  it.each<[string, string, ImageReference]>([
    ['official image', 'ubuntu', { registry: 'docker.io', repository: 'library/ubuntu' }],
    [
      'official image with tag',
      'ubuntu:24.04',
      { registry: 'docker.io', repository: 'library/ubuntu', tag: '24.04' },
    ],
    ['hub user repo', 'team/app:1', { registry: 'docker.io', repository: 'team/app', tag: '1' }],
    ['index.docker.io', 'index.docker.io/team/app', { registry: 'docker.io', repository: 'team/app' }],
    [
      'explicit docker.io single name',
      'docker.io/busybox',
      { registry: 'docker.io', repository: 'library/busybox' },
    ],
    [
      'host:port',
      '127.0.0.1:5000/ns/repo:tag',
      { registry: '127.0.0.1:5000', repository: 'ns/repo', tag: 'tag' },
    ],
    ['localhost', 'localhost/app', { registry: 'localhost', repository: 'app' }],
    ['digest', `reg.example/app@${D}`, { registry: 'reg.example', repository: 'app', digest: D }],
    [
      'tag and digest',
      `reg.example:443/a/b/c:v1.2@${D}`,
      { registry: 'reg.example:443', repository: 'a/b/c', tag: 'v1.2', digest: D },
    ],
    ['ipv6', '[::1]:5000/app:x', { registry: '[::1]:5000', repository: 'app', tag: 'x' }],
    [
      'separators',
      'reg.example/a.b_c__d-e--f/g:T_1.x-y',
      { registry: 'reg.example', repository: 'a.b_c__d-e--f/g', tag: 'T_1.x-y' },
    ],
  ])('%s', (_name, input, want) => {
    expect(parseReference(input)).toEqual(want);
  });

  it.each([
    ['empty', '', 'reference'],
    ['uppercase repository', 'reg.example/Team/app', 'repository'],
    ['bad separator', 'reg.example/team/-app', 'repository'],
    ['empty repository', 'reg.example/', 'repository'],
    ['bad tag', 'reg.example/app:-x', 'tag'],
    ['tag too long', `reg.example/app:${'x'.repeat(129)}`, 'tag'],
    ['bad digest', 'reg.example/app@sha256:123', 'digest'],
    ['unknown digest algorithm', `reg.example/app@md5:${'a'.repeat(32)}`, 'digest'],
    ['bad port', 'reg.example:99999/app', 'registry'],
    ['bad host', 'reg_bad.example:80/app', 'registry'],
    ['space', ' app', 'reference'],
  ])('rejects %s, naming the %s', (_name, input, part) => {
    const result = validateReference(input);
    expect(result.value).toBeUndefined();
    expect(result.errors[0]?.part).toBe(part);
    try {
      parseReference(input);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SdkError);
      expect(error).toMatchObject({ code: 'REFERENCE_INVALID', details: { part } });
    }
  });

  it('warns when neither tag nor digest is given', () => {
    expect(validateReference('reg.example/app').warnings).toEqual([expect.objectContaining({ part: 'tag' })]);
    expect(validateReference('reg.example/app:1').warnings).toEqual([]);
  });

  it('knows loopback hosts', () => {
    expect(
      ['localhost', 'localhost:5000', '127.0.0.1:80', '127.9.9.9', '[::1]:5000', '[::1]'].map(isLoopbackHost),
    ).toEqual(Array(6).fill(true));
    expect(['reg.example', '10.0.0.1:5000', '128.0.0.1', 'localhost.example'].map(isLoopbackHost)).toEqual(
      Array(4).fill(false),
    );
  });
});

const alnum = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const component = fc
  .tuple(alnum, fc.array(fc.tuple(fc.constantFrom('.', '_', '__', '-', '--'), alnum), { maxLength: 2 }))
  .map(([head, rest]) => head + rest.map(([sep, part]) => sep + part).join(''));
const host = fc.oneof(
  fc
    .tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,6}[a-z0-9]$/), fc.constantFrom('.example', '.io', '.local'))
    .map(([a, b]) => a + b),
  fc
    .tuple(
      fc.constantFrom('localhost', '127.0.0.1', '[::1]', 'reg.example'),
      fc.integer({ min: 1, max: 65535 }),
    )
    .map(([h, p]) => `${h}:${p}`),
);
const reference = fc.record(
  {
    registry: host,
    repository: fc.array(component, { minLength: 1, maxLength: 3 }).map((c) => c.join('/')),
    tag: fc.stringMatching(/^\w[\w.-]{0,20}$/),
    digest: fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`),
  },
  { requiredKeys: ['registry', 'repository'] },
);

describe('parseReference properties', () => {
  it('round-trips every valid reference through formatReference', () => {
    fc.assert(
      fc.property(reference, (ref) => {
        expect(parseReference(formatReference(ref))).toEqual(ref);
      }),
    );
  });

  it('never throws anything but REFERENCE_INVALID, and validate agrees with parse', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (input) => {
        const result = validateReference(input);
        let parsed: ImageReference | undefined;
        try {
          parsed = parseReference(input);
        } catch (error) {
          expect(error).toMatchObject({ code: 'REFERENCE_INVALID' });
        }
        expect(parsed).toEqual(result.value);
        expect(result.value === undefined).toBe(result.errors.length > 0);
      }),
    );
  });
});
