import { describe, expect, it } from 'vitest';
import {
  REVIEW_TABS,
  orderVersions,
  principalLabel,
  reviewActions,
  reviewHint,
  reviewTab,
  signerLabel,
} from './review-labels.js';
import type { AppVersion, PublisherKey } from './review-labels.js';

const KEY_ID = 'ab'.repeat(32);

function key(overrides: Partial<PublisherKey>): PublisherKey {
  return {
    id: '0190a000-0000-7000-8000-000000000001',
    project_id: '0190a000-0000-7000-8000-000000000002',
    key_id: KEY_ID,
    kind: 'key',
    name: 'release-2025',
    public_key: '-----BEGIN PUBLIC KEY-----',
    issuer: null,
    subject: null,
    created_by: 'user:x',
    created_at: '2025-01-01T00:00:00.000Z',
    retired_at: null,
    ...overrides,
  };
}

describe('review tabs', () => {
  it('covers every state once', () => {
    const states = REVIEW_TABS.flatMap((t) => t.states);
    expect(new Set(states).size).toBe(states.length);
    expect([...states].sort()).toEqual(
      ['approved', 'deprecated', 'published', 'rejected', 'revoked', 'submitted', 'verified'].sort(),
    );
  });

  it.each([
    ['approved', 'approved'],
    [null, 'pending'],
    ['bogus', 'pending'],
  ])('?state=%s → %s', (given, want) => {
    expect(reviewTab(given).id).toBe(want);
  });

  it('orders pending oldest first and decided ones newest first', () => {
    const versions = [
      { id: 'b', submitted_at: '2025-01-02T00:00:00.000Z' },
      { id: 'a', submitted_at: '2025-01-01T00:00:00.000Z' },
      { id: 'c', submitted_at: '2025-01-03T00:00:00.000Z' },
    ] as AppVersion[];
    expect(orderVersions(reviewTab('pending'), versions).map((v) => v.id)).toEqual(['a', 'b', 'c']);
    expect(orderVersions(reviewTab('revoked'), versions).map((v) => v.id)).toEqual(['c', 'b', 'a']);
  });
});

describe('reviewActions', () => {
  it.each([
    ['submitted', { approve: false, reject: true, revoke: false }],
    ['verified', { approve: true, reject: true, revoke: false }],
    ['approved', { approve: false, reject: false, revoke: true }],
    ['published', { approve: false, reject: false, revoke: true }],
    ['deprecated', { approve: false, reject: false, revoke: true }],
    ['rejected', { approve: false, reject: false, revoke: false }],
    ['revoked', { approve: false, reject: false, revoke: false }],
  ] as const)('%s → %j', (state, want) => {
    expect(reviewActions(state)).toEqual(want);
  });
});

describe('signerLabel', () => {
  it.each([
    ['a registered key', KEY_ID, [key({})], 'release-2025 (key abababababab)'],
    [
      'a retired key',
      KEY_ID,
      [key({ retired_at: '2025-02-01T00:00:00.000Z' })],
      'release-2025 (key abababababab, retired)',
    ],
    [
      'a keyless identity',
      KEY_ID,
      [
        key({
          kind: 'keyless',
          public_key: null,
          issuer: 'https://issuer.example',
          subject: 'ci@acme.example',
        }),
      ],
      'ci@acme.example via https://issuer.example (abababababab)',
    ],
    ['a key no longer listed', KEY_ID, [], 'Key abababababab'],
    ['keys not loaded', KEY_ID, undefined, 'Key abababababab'],
    ['no signature', null, [key({})], 'No verified signature'],
  ] as const)('%s', (_name, signer, keys, want) => {
    expect(signerLabel(signer, keys)).toBe(want);
  });
});

describe('principalLabel and reviewHint', () => {
  it.each([
    ['user:0190a000-1111-7000-8000-000000000001', 'user 0190a000'],
    ['service_account:0190b000-1111-7000-8000-000000000001', 'service account 0190b000'],
    ['ops@example.com', 'ops@example.com'],
    [null, '—'],
  ])('%s → %s', (given, want) => {
    expect(principalLabel(given)).toBe(want);
  });

  it('has a hint for the refusals a review meets, none for others', () => {
    expect(reviewHint('APP_VERSION_STATE_CONFLICT')).toMatch(/reload/);
    expect(reviewHint('FORBIDDEN')).toMatch(/operators/);
    expect(reviewHint('SOMETHING_ELSE')).toBeUndefined();
  });
});
