/**
 * Who may pull and push where. A repository's namespace (its first path segment) belongs to the
 * project of that name that first pushed there (Registry.claimNamespace): project names are unique
 * only inside an organisation, so the binding, not the name, decides. Then:
 *
 * - members of that project pull (role viewer and up) and push or delete (member and up);
 * - its service accounts do the same with `registry:pull` / `registry:push` in their scopes,
 *   within their creator's current role (`actsAs`);
 * - scope-limited user tokens need the same scopes; operators pull everything;
 * - anyone else sees nothing: NAME_UNKNOWN, exactly as for a namespace that does not exist, so
 *   existence never leaks across tenants. A caller who may pull but not push gets DENIED.
 *
 * Entitled tenants (the app catalog, later) come in through `RegistryAccessOptions.entitled`.
 */
import type { Kysely } from 'kysely';
import { hasScope, roleAtLeast } from '../auth/principal.js';
import type { Principal } from '../auth/principal.js';
import type { ProjectRole, Tables } from '../db/schema.js';
import { RegistryError } from './errors.js';
import { namespaceOf } from './names.js';
import type { Registry } from './registry.js';

export type RegistryAction = 'pull' | 'push';

export const REGISTRY_SCOPES: Readonly<Record<RegistryAction, string>> = {
  pull: 'registry:pull',
  push: 'registry:push',
};

const MINIMUM_ROLE: Readonly<Record<RegistryAction, ProjectRole>> = { pull: 'viewer', push: 'member' };

export interface RegistryAccessOptions {
  db: Kysely<Tables>;
  registry: Registry;
  /**
   * The seam for entitlement pulls: whether `principal` may pull `repository` because it is
   * entitled to the app (the app catalog answers; until it exists nobody is).
   */
  entitled?: (principal: Principal, repository: string) => Promise<boolean>;
}

export class RegistryAccess {
  readonly #options: RegistryAccessOptions;

  constructor(options: RegistryAccessOptions) {
    this.#options = options;
  }

  /** The actions `principal` may take on `repository`; claims the namespace on a first push. */
  async allowed(
    principal: Principal,
    repository: string,
    wanted: readonly RegistryAction[],
  ): Promise<Set<RegistryAction>> {
    const namespace = namespaceOf(repository);
    let owner = await this.#options.registry.namespaceOwner(namespace);
    if (owner === undefined && wanted.includes('push')) {
      const candidate = await this.#claimable(principal, namespace);
      if (candidate !== undefined) owner = await this.#options.registry.claimNamespace(namespace, candidate);
    }
    const granted = new Set<RegistryAction>();
    const role = owner === undefined ? null : await this.#role(principal, owner);
    for (const action of wanted) {
      if (!hasScope(principal, REGISTRY_SCOPES[action])) continue;
      if (role !== null && roleAtLeast(role, MINIMUM_ROLE[action])) granted.add(action);
      else if (action === 'pull' && principal.type === 'user' && principal.operator) granted.add(action);
    }
    if (
      !granted.has('pull') &&
      wanted.includes('pull') &&
      (await this.#options.entitled?.(principal, repository)) === true
    ) {
      granted.add('pull');
    }
    return granted;
  }

  /** Refuses unless `action` is allowed: NAME_UNKNOWN for a caller who may not even pull, else DENIED. */
  async require(principal: Principal, repository: string, action: RegistryAction): Promise<void> {
    const granted = await this.allowed(
      principal,
      repository,
      action === 'push' ? ['pull', 'push'] : ['pull'],
    );
    if (granted.has(action)) return;
    if (!granted.has('pull')) {
      throw new RegistryError('NAME_UNKNOWN', `repository ${repository} is not known to this registry`, {
        detail: { name: repository },
      });
    }
    throw new RegistryError(
      'DENIED',
      `pushing to ${repository} needs a write role in its project and the registry:push scope`,
    );
  }

  /** The caller's role in project `projectId` (a service account: its creator's, in its own project only). */
  async #role(principal: Principal, projectId: string): Promise<ProjectRole | null> {
    if (principal.type === 'service_account') {
      return principal.projectId === projectId ? (principal.actsAs ?? null) : null;
    }
    const row = await this.#options.db
      .selectFrom('memberships')
      .select('role')
      .where('project_id', '=', projectId)
      .where('user_id', '=', principal.id)
      .executeTakeFirst();
    return row?.role ?? null;
  }

  /** The one project named `namespace` in which the caller may push, if exactly one. */
  async #claimable(principal: Principal, namespace: string): Promise<string | undefined> {
    const projects = await this.#options.db
      .selectFrom('projects')
      .select('id')
      .where('name', '=', namespace)
      .execute();
    const writable: string[] = [];
    for (const { id } of projects) {
      const role = await this.#role(principal, id);
      if (role !== null && roleAtLeast(role, 'member')) writable.push(id);
    }
    return writable.length === 1 ? writable[0] : undefined;
  }
}
