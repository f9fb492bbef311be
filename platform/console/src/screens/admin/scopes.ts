/**
 * The scopes a service account can be given, with what each allows, and presets matching the
 * project roles (the most a service account made by someone with that role may carry). The
 * platform decides: it refuses a scope the creator's role lacks (SCOPE_NOT_GRANTABLE); this list
 * only offers the choices. scopes.test.ts keeps it within the contract's scopes.
 */

export interface ScopeChoice {
  scope: string;
  allows: string;
}

/** Read-only scopes: what a viewer may do. */
const VIEWER: readonly ScopeChoice[] = [
  { scope: 'projects:read', allows: 'Read organisations and projects.' },
  { scope: 'members:read', allows: 'List the members and service accounts of a project.' },
  { scope: 'allocations:read', allows: 'Read allocations, their apps, logs, usage and quotas.' },
  { scope: 'catalog:read', allows: 'Read the GPU catalog and its live availability.' },
  { scope: 'events:read', allows: 'Follow the event stream.' },
  { scope: 'billing:read', allows: "Read a project's balance and charges." },
  { scope: 'registry:pull', allows: "Pull from the project's namespace of the embedded OCI registry." },
  { scope: 'apps:read', allows: "Read a project's publisher keys and app versions." },
  { scope: 'storage:read', allows: 'Read volumes and snapshots.' },
];

/** What a member may do besides reading. */
const MEMBER: readonly ScopeChoice[] = [
  {
    scope: 'allocations:write',
    allows: 'Create and release allocations, launch and stop apps, reach their endpoints.',
  },
  { scope: 'terminal:open', allows: 'Mint terminal tokens for an allocation.' },
  { scope: 'registry:push', allows: "Push to and delete from the project's registry namespace." },
  { scope: 'apps:write', allows: 'Register publisher keys and app versions, retire keys.' },
  { scope: 'storage:write', allows: 'Create, resize and delete volumes and snapshots.' },
];

/** What only an owner may do. */
const OWNER: readonly ScopeChoice[] = [
  { scope: 'projects:write', allows: 'Change the project.' },
  { scope: 'members:write', allows: 'Change members (service accounts cannot manage service accounts).' },
  { scope: 'audit:read', allows: "Read and export the project's audit events." },
];

export const SCOPE_CHOICES: readonly ScopeChoice[] = [...VIEWER, ...MEMBER, ...OWNER];

export type ScopePreset = 'viewer' | 'member' | 'owner';

/** The scopes of each role, as a preset for the form. */
export function presetScopes(preset: ScopePreset): string[] {
  const choices = preset === 'viewer' ? VIEWER : preset === 'member' ? [...VIEWER, ...MEMBER] : SCOPE_CHOICES;
  return choices.map((c) => c.scope);
}

/** `scopes` in the order the form lists them, without duplicates or unknown ones. */
export function orderedScopes(scopes: readonly string[]): string[] {
  const wanted = new Set(scopes);
  return SCOPE_CHOICES.filter((c) => wanted.has(c.scope)).map((c) => c.scope);
}

/** The preset `scopes` is exactly, if any (to show which one is chosen). */
export function presetOf(scopes: readonly string[]): ScopePreset | undefined {
  const known = orderedScopes(scopes);
  // An unknown scope (kept from a URL or an older list) matches no preset.
  if (known.length !== new Set(scopes).size) return undefined;
  const key = known.join(' ');
  return (['viewer', 'member', 'owner'] as const).find((preset) => presetScopes(preset).join(' ') === key);
}
