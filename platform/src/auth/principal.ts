/**
 * Who is calling. Users are authorised by their role in each project (looked up per request, so a
 * role change applies at once on every instance) and the operator flag (read from the database,
 * never from the token); service accounts act only inside their project, within their scopes and
 * never above the current role of whoever created them.
 */
import { SCOPES } from '@gpuaas/platform-contract';
import type { Scope } from '@gpuaas/platform-contract';
import type { ProjectRole } from '../db/schema.js';

export interface UserPrincipal {
  type: 'user';
  id: string;
  /** The user's operator flag as the database has it (auth/standing.ts), not the token's claim. */
  operator: boolean;
  /** Scopes the token was limited to; undefined when it is not limited (roles decide). */
  scopes: readonly string[] | undefined;
  /**
   * Set when a node agent authenticated with a node credential (auth/node-credentials.ts): it
   * acts only for the node of that name.
   */
  node?: { name: string; credentialId: string };
}

export interface ServiceAccountPrincipal {
  type: 'service_account';
  id: string;
  projectId: string;
  scopes: readonly string[];
  /** `iat` of the token (seconds): tokens issued before the last secret rotation are refused. */
  issuedAt?: number;
  /**
   * The role the account acts with: its creator's current role in the project (`owner` for an
   * operator; a launch by a service account inherits that account's). Null when the creator has
   * none any more; undefined until resolved (auth/standing.ts), which grants nothing either.
   */
  actsAs?: ProjectRole | null;
}

export type Principal = UserPrincipal | ServiceAccountPrincipal;

// Every scope an operation may require: the contract's (openapi.yaml, securitySchemes.bearer).
export { SCOPES };
export type { Scope };

const VIEWER_SCOPES = [
  'projects:read',
  'members:read',
  'allocations:read',
  'catalog:read',
  'events:read',
  'billing:read',
  'registry:pull',
  'apps:read',
  'storage:read',
] as const satisfies readonly Scope[];
const MEMBER_SCOPES = [
  ...VIEWER_SCOPES,
  'allocations:write',
  'terminal:open',
  'registry:push',
  'apps:write',
  'storage:write',
] as const;

/**
 * What each project role may do, as scopes: the most a service account or a launch created by
 * someone with that role may carry. The other scopes are never granted to a service account:
 * `usage:write` belongs to a launch's runtime (the platform adds it), node, operator and user
 * scopes are for people and node agents.
 */
export const ROLE_SCOPES: Readonly<Record<ProjectRole, readonly Scope[]>> = {
  viewer: VIEWER_SCOPES,
  member: MEMBER_SCOPES,
  owner: [...MEMBER_SCOPES, 'projects:write', 'members:write', 'audit:read'],
};

const RANK: Record<ProjectRole, number> = { viewer: 1, member: 2, owner: 3 };

/** True when `role` is at least `minimum`. */
export function roleAtLeast(role: ProjectRole, minimum: ProjectRole): boolean {
  return RANK[role] >= RANK[minimum];
}

/**
 * The scopes `principal` may hand on in a project where it holds `role`: its role's rights (an
 * operator's are an owner's), and for a service account no more than its own scopes.
 */
export function grantableScopes(principal: Principal, role: ProjectRole | null): Set<string> {
  const effective: ProjectRole | null =
    principal.type === 'user' ? (principal.operator ? 'owner' : role) : (principal.actsAs ?? null);
  const rights = effective === null ? [] : ROLE_SCOPES[effective];
  return new Set(rights.filter((scope) => hasScope(principal, scope)));
}

/** Whether the principal's token allows `scope` (tokens without a scope limit allow all). */
export function hasScope(principal: Principal, scope: string): boolean {
  return principal.scopes === undefined || principal.scopes.includes(scope);
}

/** Stable key for per-caller state (rate limits, idempotency keys). */
export function principalKey(principal: Principal): string {
  if (principal.type === 'user' && principal.node !== undefined)
    return `node-credential:${principal.node.credentialId}`;
  return principal.type === 'user' ? `user:${principal.id}` : `sa:${principal.id}`;
}
