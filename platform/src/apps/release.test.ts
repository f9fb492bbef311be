import { describe, expect, it } from 'vitest';
import { InternalRegistryCaller } from '../registry/access.js';
import { EmbeddedRegistry, releaseRepositoryIn, releaseRepositoryOf, scopeCovers } from './release.js';

describe('release names', () => {
  it.each([
    ['acme', 'acme/llm', 'release/acme/llm'],
    ['acme', 'acme/team/llm', 'release/acme/team/llm'],
    ['acme', 'acme', 'release/acme/acme'],
  ])('project %s, repository %s → %s', (project, repository, release) => {
    expect(releaseRepositoryOf(project, repository)).toBe(release);
  });

  it.each([
    ['h:5000/release/acme/llm:1.0.0@sha256:abc', 'release/acme/llm'],
    ['h:5000/release/acme/llm@sha256:abc', 'release/acme/llm'],
    ['h:5000/release/acme/llm:1.0.0', 'release/acme/llm'],
  ])('the repository of %s is %s', (reference, repository) => {
    expect(releaseRepositoryIn(reference)).toBe(repository);
  });
});

describe('approval scopes', () => {
  const project = { id: 'p1', organizationId: 'o1' };
  it.each([
    [{ scope: 'platform' as const, scopeId: null }, true],
    [{ scope: 'organization' as const, scopeId: 'o1' }, true],
    [{ scope: 'organization' as const, scopeId: 'o2' }, false],
    [{ scope: 'project' as const, scopeId: 'p1' }, true],
    [{ scope: 'project' as const, scopeId: 'p2' }, false],
    [{ scope: null, scopeId: null }, false],
  ])('%o covers p1 in o1: %s', (approval, covers) => {
    expect(scopeCovers(approval, project)).toBe(covers);
  });
});

describe('the embedded registry', () => {
  const embedded = (publicUrl: string) =>
    new EmbeddedRegistry({
      publicUrl: () => publicUrl,
      localUrl: () => 'http://127.0.0.1:8080',
      internal: new InternalRegistryCaller(),
    });
  it.each([
    ['https://gpuaas.example.com', false],
    ['http://gpuaas.test:8080', true],
    ['http://127.0.0.1:8080', true],
  ])('behind %s is reached over plain http: %s', (publicUrl, plain) => {
    expect(embedded(publicUrl).plainHttp).toBe(plain);
    expect(embedded(publicUrl).host).toBe(new URL(publicUrl).host);
  });
});

describe('the internal registry caller', () => {
  it('is recognised by its secret and by identity only', () => {
    const caller = new InternalRegistryCaller();
    expect(caller.principalFor(caller.password)).toBe(caller.principal);
    expect(caller.principalFor(`${caller.password}x`)).toBeUndefined();
    expect(caller.principalFor('')).toBeUndefined();
    // Another process's (or a forged) principal with the same fields is not the platform.
    expect(caller.is({ ...caller.principal })).toBe(false);
    expect(new InternalRegistryCaller().principalFor(caller.password)).toBeUndefined();
  });
});
