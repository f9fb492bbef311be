import { SCOPES, SCOPE_DESCRIPTIONS } from '@gpuaas/platform-contract';
import { describe, expect, it } from 'vitest';
import { SCOPE_CHOICES, orderedScopes, presetOf, presetScopes } from './scopes.js';

describe('service account scopes', () => {
  it('offers only scopes of the contract, each once', () => {
    const offered = SCOPE_CHOICES.map((c) => c.scope);
    expect(new Set(offered).size).toBe(offered.length);
    for (const scope of offered) expect(SCOPES).toContain(scope);
  });

  it('never offers the scopes that are for people, node agents, runtimes or operators', () => {
    const offered = SCOPE_CHOICES.map((c) => c.scope);
    for (const scope of [
      'usage:write',
      'nodes:agent',
      'nodes:write',
      'billing:admin',
      'apps:review',
      'users:read',
    ])
      expect(offered).not.toContain(scope);
  });

  it('describes each scope (the contract has a description for it too)', () => {
    for (const { scope, allows } of SCOPE_CHOICES) {
      expect(allows).not.toBe('');
      expect(SCOPE_DESCRIPTIONS[scope as keyof typeof SCOPE_DESCRIPTIONS]).toBeTruthy();
    }
  });

  it.each([
    ['viewer', 9],
    ['member', 14],
    ['owner', 17],
  ] as const)('the %s preset has %i scopes, each wider preset containing the narrower', (preset, count) => {
    expect(presetScopes(preset)).toHaveLength(count);
    expect(presetScopes('owner')).toEqual(expect.arrayContaining(presetScopes(preset)));
    expect(presetOf(presetScopes(preset))).toBe(preset);
  });

  it.each([
    ['reordered viewer', [...presetScopes('viewer')].reverse(), 'viewer'],
    ['one scope', ['projects:read'], undefined],
    ['with an unknown scope', [...presetScopes('viewer'), 'nodes:agent'], undefined],
    ['nothing', [], undefined],
  ])('presetOf %s', (_name, scopes, want) => {
    expect(presetOf(scopes)).toBe(want);
  });

  it('orders scopes as the form lists them and drops unknown ones', () => {
    expect(orderedScopes(['audit:read', 'x:y', 'projects:read', 'audit:read'])).toEqual([
      'projects:read',
      'audit:read',
    ]);
  });
});
