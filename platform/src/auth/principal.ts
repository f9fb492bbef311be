/**
 * Who is calling. Users are authorised by their role in each project (looked up per request, so a
 * role change applies at once on every instance) and the operator flag; service accounts act only
 * inside their project and only within their scopes.
 */
import type { ProjectRole } from '../db/schema.js';

export interface UserPrincipal {
  type: 'user';
  id: string;
  operator: boolean;
  /** Scopes the token was limited to; undefined when it is not limited (roles decide). */
  scopes: readonly string[] | undefined;
}

export interface ServiceAccountPrincipal {
  type: 'service_account';
  id: string;
  projectId: string;
  scopes: readonly string[];
  /** `iat` of the token (seconds): tokens issued before the last secret rotation are refused. */
  issuedAt?: number;
}

export type Principal = UserPrincipal | ServiceAccountPrincipal;

/** Every scope an operation may require. */
export const SCOPES = [
  'projects:read',
  'projects:write',
  'members:read',
  'members:write',
  'audit:read',
  'catalog:read',
  'allocations:read',
  'allocations:write',
  'terminal:open',
  'events:read',
  'nodes:read',
  'nodes:write',
  'nodes:agent',
  'usage:write',
] as const;
export type Scope = (typeof SCOPES)[number];

const RANK: Record<ProjectRole, number> = { viewer: 1, member: 2, owner: 3 };

/** True when `role` is at least `minimum`. */
export function roleAtLeast(role: ProjectRole, minimum: ProjectRole): boolean {
  return RANK[role] >= RANK[minimum];
}

/** Whether the principal's token allows `scope` (tokens without a scope limit allow all). */
export function hasScope(principal: Principal, scope: string): boolean {
  return principal.scopes === undefined || principal.scopes.includes(scope);
}

/** Stable key for per-caller state (rate limits, idempotency keys). */
export function principalKey(principal: Principal): string {
  return principal.type === 'user' ? `user:${principal.id}` : `sa:${principal.id}`;
}
