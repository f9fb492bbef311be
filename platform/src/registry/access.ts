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
 * Entitled tenants (the app catalog) come in through `RegistryAccessOptions.entitled`.
 *
 * The namespace `release` is the platform's (names.ts RELEASE_NAMESPACE): approved apps are
 * promoted there. No project claims it, whatever its name, and no tenant pushes there; only the
 * platform's own caller does (`InternalRegistryCaller`, a credential that exists only in this
 * process). It is pulled by operators, by that caller, and by principals `entitled` to it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { hasScope, roleAtLeast } from '../auth/principal.js';
import type { Principal } from '../auth/principal.js';
import type { ProjectRole, Tables } from '../db/schema.js';
import { RegistryError } from './errors.js';
import { isReservedNamespace, namespaceOf } from './names.js';
import type { Registry } from './registry.js';

export type RegistryAction = 'pull' | 'push';

export const REGISTRY_SCOPES: Readonly<Record<RegistryAction, string>> = {
  pull: 'registry:pull',
  push: 'registry:push',
};

const MINIMUM_ROLE: Readonly<Record<RegistryAction, ProjectRole>> = { pull: 'viewer', push: 'member' };

/**
 * The platform itself as a registry caller: it pushes approved apps into the release namespace
 * and pulls what it promotes. Its credential is a random secret made at start that no token,
 * file or answer ever carries, so it works only for requests this process sends to itself; the
 * principal is recognised by identity (the one object `principal`), never by its id, so no token
 * can stand for it.
 */
export class InternalRegistryCaller {
  readonly principal: Principal = Object.freeze({
    type: 'user' as const,
    id: 'platform',
    operator: false,
    scopes: Object.freeze([REGISTRY_SCOPES.pull, REGISTRY_SCOPES.push]),
  });
  readonly #secret = randomBytes(32).toString('base64url');

  /** The secret, for the HTTP Basic password of requests this process sends to its own /v2/. */
  get password(): string {
    return this.#secret;
  }

  /** The platform's principal when `credential` is its secret, else undefined. */
  principalFor(credential: string): Principal | undefined {
    const given = Buffer.from(credential);
    const secret = Buffer.from(this.#secret);
    return given.length === secret.length && timingSafeEqual(given, secret) ? this.principal : undefined;
  }

  is(principal: Principal): boolean {
    return principal === this.principal;
  }
}

export interface RegistryAccessOptions {
  db: Kysely<Tables>;
  registry: Registry;
  /**
   * The seam for entitlement pulls: whether `principal` may pull `repository` because it is
   * entitled to the app (the app catalog answers; until it exists nobody is).
   */
  entitled?: (principal: Principal, repository: string) => Promise<boolean>;
  /** The platform's own caller (pushes to the release namespace, pulls everything). */
  internal?: InternalRegistryCaller;
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
    if (this.#options.internal?.is(principal) === true) return new Set(wanted);
    const namespace = namespaceOf(repository);
    if (isReservedNamespace(namespace)) return this.#reserved(principal, repository, wanted);
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

  /** The release namespace: nobody but the platform pushes; operators and entitled principals pull. */
  async #reserved(
    principal: Principal,
    repository: string,
    wanted: readonly RegistryAction[],
  ): Promise<Set<RegistryAction>> {
    const granted = new Set<RegistryAction>();
    if (!wanted.includes('pull') || !hasScope(principal, REGISTRY_SCOPES.pull)) return granted;
    if (principal.type === 'user' && principal.operator) granted.add('pull');
    else if ((await this.#options.entitled?.(principal, repository)) === true) granted.add('pull');
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
