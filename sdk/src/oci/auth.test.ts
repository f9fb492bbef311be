import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate, type AuthChallenge } from './auth.js';

describe('parseWwwAuthenticate', () => {
  it.each<[string, string, AuthChallenge[]]>([
    [
      'docker hub',
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/ubuntu:pull',
          },
          scopes: ['repository:library/ubuntu:pull'],
        },
      ],
    ],
    [
      'several scopes in one parameter, and an error',
      'Bearer realm="https://r/t",service="s",scope="repository:a:pull,push repository:b:pull",error="insufficient_scope"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://r/t',
            service: 's',
            scope: 'repository:a:pull,push repository:b:pull',
            error: 'insufficient_scope',
          },
          scopes: ['repository:a:pull,push', 'repository:b:pull'],
        },
      ],
    ],
    [
      'repeated scope parameters, spaces and case',
      'bearer  Realm = "https://r/t" , scope="repository:a:pull", scope="repository:b:push"',
      [
        {
          scheme: 'bearer',
          params: { realm: 'https://r/t', scope: 'repository:b:push' },
          scopes: ['repository:a:pull', 'repository:b:push'],
        },
      ],
    ],
    [
      'basic',
      'Basic realm="Registry Realm"',
      [{ scheme: 'basic', params: { realm: 'Registry Realm' }, scopes: [] }],
    ],
    [
      'two challenges',
      'Basic realm="x", Bearer realm="https://r/t",service=reg',
      [
        { scheme: 'basic', params: { realm: 'x' }, scopes: [] },
        { scheme: 'bearer', params: { realm: 'https://r/t', service: 'reg' }, scopes: [] },
      ],
    ],
    [
      'escaped quote',
      'Basic realm="a \\"b\\" c"',
      [{ scheme: 'basic', params: { realm: 'a "b" c' }, scopes: [] }],
    ],
    ['empty', '', []],
  ])('%s', (_name, header, want) => {
    expect(parseWwwAuthenticate(header)).toEqual(want);
  });

  const value = fc.stringMatching(/^[A-Za-z0-9:/._,\- ]{0,30}$/);
  const key = fc.constantFrom('realm', 'service', 'scope', 'error');
  it('recovers every parameter of generated challenges', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('Bearer', 'Basic'),
            fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, maxLength: 4 }),
          ),
          {
            minLength: 1,
            maxLength: 3,
          },
        ),
        (challenges) => {
          const header = challenges
            .map(([scheme, params]) =>
              [scheme, params.map(([k, v]) => `${k}="${v}"`).join(', ')].filter((p) => p !== '').join(' '),
            )
            .join(', ');
          const parsed = parseWwwAuthenticate(header);
          expect(parsed.map((c) => c.scheme)).toEqual(challenges.map(([s]) => s.toLowerCase()));
          challenges.forEach(([, params], i) => {
            expect(parsed[i]?.params).toEqual(Object.fromEntries(params));
            const scope = params.find(([k]) => k === 'scope')?.[1] ?? '';
            expect(parsed[i]?.scopes).toEqual(scope.split(' ').filter((s) => s !== ''));
          });
        },
      ),
    );
  });
});
