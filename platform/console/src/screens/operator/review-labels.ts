/**
 * The review queue's vocabulary, as pure functions (review-labels.test.ts): which states each tab
 * lists, which actions a state allows (the platform's state machine, so the screen offers only
 * what it would accept), who signed a version, and what to do about a refusal.
 */
import type { PlatformComponents } from '@gpuaas/sdk/browser';

export type AppVersion = PlatformComponents['schemas']['AppVersion'];
export type AppVersionState = AppVersion['state'];
export type PublisherKey = PlatformComponents['schemas']['PublisherKey'];

export interface ReviewTab {
  id: 'pending' | 'approved' | 'rejected' | 'revoked';
  label: string;
  states: readonly AppVersionState[];
}

/** Pending first: `submitted` is only a moment before verification, so it waits with `verified`. */
export const REVIEW_TABS: readonly ReviewTab[] = [
  { id: 'pending', label: 'Pending', states: ['verified', 'submitted'] },
  { id: 'approved', label: 'Approved', states: ['approved', 'published', 'deprecated'] },
  { id: 'rejected', label: 'Rejected', states: ['rejected'] },
  { id: 'revoked', label: 'Revoked', states: ['revoked'] },
];

/** The tab named by `?state=` (pending when none or unknown). */
export function reviewTab(id: string | null): ReviewTab {
  return REVIEW_TABS.find((t) => t.id === id) ?? (REVIEW_TABS[0] as ReviewTab);
}

/** Pending versions oldest first (a queue); decided ones newest first. */
export function orderVersions(tab: ReviewTab, versions: readonly AppVersion[]): AppVersion[] {
  const sorted = [...versions].sort((a, b) => a.submitted_at.localeCompare(b.submitted_at));
  return tab.id === 'pending' ? sorted : sorted.reverse();
}

export interface ReviewActions {
  approve: boolean;
  reject: boolean;
  revoke: boolean;
}

/** What an operator may do to a version in `state` (platform/src/apps/review.ts REVIEW_TRANSITIONS). */
export function reviewActions(state: AppVersionState): ReviewActions {
  return {
    approve: state === 'verified',
    reject: state === 'submitted' || state === 'verified',
    revoke: state === 'approved' || state === 'published' || state === 'deprecated',
  };
}

/** Who signed the version: the registered key's name, or the keyless identity, with the key id. */
export function signerLabel(signerKeyId: string | null, keys: readonly PublisherKey[] | undefined): string {
  if (signerKeyId === null) return 'No verified signature';
  const key = keys?.find((k) => k.key_id === signerKeyId);
  const short = signerKeyId.slice(0, 12);
  if (key === undefined) return `Key ${short}`;
  const retired = key.retired_at === null ? '' : ', retired';
  if (key.kind === 'keyless') return `${key.subject ?? '?'} via ${key.issuer ?? '?'} (${short}${retired})`;
  return `${key.name} (key ${short}${retired})`;
}

/**
 * `user:<id>` → "user" and the id's first characters (the full value goes in a title); anything
 * else (a reviewer is recorded by email) as it is.
 */
export function principalLabel(principal: string | null): string {
  if (principal === null) return '—';
  const m = /^(user|service_account):(.+)$/.exec(principal);
  if (m === null) return principal;
  return `${m[1] === 'user' ? 'user' : 'service account'} ${(m[2] ?? '').slice(0, 8)}`;
}

const HINTS: Record<string, string> = {
  APP_VERSION_STATE_CONFLICT:
    "The version's state changed since this page was loaded (another operator may have reviewed it), or its release tag is already taken: reload to see where it stands.",
  FORBIDDEN: 'Reviewing app versions is for platform operators.',
  NOT_FOUND: 'The version, or the project or organization named in the scope, does not exist.',
  VALIDATION_FAILED: 'Correct the fields named above and try again.',
  APP_REFERENCE_INVALID:
    'The artifact is no longer in its registry: the publisher must publish it again and register the new digest.',
  REGISTRY_UNREACHABLE: "The version's registry did not answer: try again later.",
  APP_TRUST_NOT_CONFIGURED: 'The platform has no approval key or trust policy configured for this registry.',
};

/** What an operator can do about a refused review call; undefined when the code speaks for itself. */
export function reviewHint(code: string): string | undefined {
  return HINTS[code];
}
