/**
 * The release namespace of the embedded registry, seen from the app registry: where an approved
 * version is promoted (`release/<publisher project>/<app>:<version>`), how the platform reaches
 * its own `/v2/` as its internal caller, and who may pull a release repository (principals whose
 * project lies in the scope of a launchable version promoted there).
 */
import type { Kysely } from 'kysely';
import { RegistryClient, staticCredentials } from '@gpuaas/sdk';
import type { Principal } from '../auth/principal.js';
import type { Tables } from '../db/schema.js';
import type { InternalRegistryCaller } from '../registry/access.js';
import { RELEASE_NAMESPACE, namespaceOf } from '../registry/names.js';

/** States in which a version may be launched (and its release pulled). */
export const LAUNCHABLE_STATES = ['approved', 'published', 'deprecated'] as const;

export type ApprovalScope = 'platform' | 'organization' | 'project';

/**
 * `release/<publisher project name>/<repository after its namespace>`: the publisher's namespace
 * is its project's name already, so the release path keeps the source's shape.
 */
export function releaseRepositoryOf(publisherProjectName: string, repository: string): string {
  const namespace = namespaceOf(repository);
  const rest = repository === namespace ? repository : repository.slice(namespace.length + 1);
  return `${RELEASE_NAMESPACE}/${publisherProjectName}/${rest}`;
}

/** `host:port` of a base URL (the registry name references use). */
export function registryHostOf(baseUrl: string): string {
  return new URL(baseUrl).host;
}

export interface EmbeddedRegistryOptions {
  /** The platform's public base URL (its host names the embedded registry in references). */
  publicUrl: () => string;
  /** Where this process listens (`http://127.0.0.1:PORT`); undefined until it does. */
  localUrl: () => string | undefined;
  internal: InternalRegistryCaller;
}

/**
 * The platform's own registry as an OCI client acting as the internal caller: requests go to this
 * process's listen address (whatever public name is in front of it), with the in-process secret.
 */
export class EmbeddedRegistry {
  readonly #options: EmbeddedRegistryOptions;

  constructor(options: EmbeddedRegistryOptions) {
    this.#options = options;
  }

  /** `host:port` of the embedded registry, as references name it. */
  get host(): string {
    return registryHostOf(this.#options.publicUrl());
  }

  /**
   * Whether runtimes reach the embedded registry over plain http: the platform's public URL is
   * http (runtimes assume https for any registry but a loopback one).
   */
  get plainHttp(): boolean {
    return new URL(this.#options.publicUrl()).protocol === 'http:';
  }

  /** True when `registry` (a reference's host) is this platform's embedded registry. */
  serves(registry: string): boolean {
    const local = this.#options.localUrl();
    return registry === this.host || (local !== undefined && registry === registryHostOf(local));
  }

  /**
   * A release reference stored at approval, naming this registry by its host now: the platform
   * may have moved since (another port, a new public URL), and the release namespace never
   * leaves the embedded registry.
   */
  rehostRelease(reference: string): string {
    return `${this.host}${reference.slice(reference.indexOf('/'))}`;
  }

  /** Every name the embedded registry goes by (public host, listen address), `registry` first. */
  names(registry: string = this.host): string[] {
    const local = this.#options.localUrl();
    return [...new Set([registry, this.host, ...(local === undefined ? [] : [registryHostOf(local)])])];
  }

  /** An OCI client of the embedded registry named `registry` (default: the public host). */
  client(registry: string = this.host): RegistryClient {
    const local = this.#options.localUrl();
    if (local === undefined) throw new Error('the platform is not listening yet: no embedded registry');
    const localBase = new URL(local);
    const named = new URL(`http://${registry}`);
    const password = this.#options.internal.password;
    const authorization = `Basic ${Buffer.from(`platform:${password}`).toString('base64')}`;
    const loopback: typeof globalThis.fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input);
      // Only requests to this registry carry the secret, and they never leave the process's host.
      if (url.host === named.host || url.host === localBase.host) {
        url.protocol = localBase.protocol;
        url.host = localBase.host;
        const headers = new Headers(init?.headers);
        headers.set('authorization', authorization);
        return globalThis.fetch(url, { ...init, headers });
      }
      return globalThis.fetch(input, init);
    };
    return new RegistryClient({
      registry,
      plainHttp: localBase.protocol === 'http:',
      credentials: staticCredentials({ username: 'platform', password }),
      fetch: loopback,
    });
  }
}

/**
 * Whether `principal` may pull the release repository `repository`: some launchable version was
 * promoted there and its approval scope covers a project of the principal (a service account's own
 * project, a user's memberships). The RegistryAccess `entitled` hook.
 */
export async function releaseEntitled(
  db: Kysely<Tables>,
  principal: Principal,
  repository: string,
): Promise<boolean> {
  if (namespaceOf(repository) !== RELEASE_NAMESPACE) return false;
  const projects =
    principal.type === 'service_account'
      ? [principal.projectId]
      : (
          await db
            .selectFrom('memberships')
            .select('project_id')
            .where('user_id', '=', principal.id)
            .execute()
        ).map((row) => row.project_id);
  if (projects.length === 0) return false;
  const versions = await db
    .selectFrom('app_versions')
    .select(['release_reference', 'approval_scope', 'approval_scope_id'])
    .where('state', 'in', [...LAUNCHABLE_STATES])
    .where('release_reference', 'like', `%/${repository}:%`)
    .execute();
  const scopes = versions.filter(
    (row) => row.release_reference !== null && releaseRepositoryIn(row.release_reference) === repository,
  );
  if (scopes.length === 0) return false;
  const owned = await db
    .selectFrom('projects')
    .select(['id', 'organization_id'])
    .where('id', 'in', projects)
    .execute();
  return scopes.some((scope) =>
    owned.some((project) =>
      scopeCovers(
        { scope: scope.approval_scope, scopeId: scope.approval_scope_id },
        { id: project.id, organizationId: project.organization_id },
      ),
    ),
  );
}

/** Whether an approval scope includes the project. */
export function scopeCovers(
  approval: { scope: ApprovalScope | null; scopeId: string | null },
  project: { id: string; organizationId: string },
): boolean {
  switch (approval.scope) {
    case 'platform':
      return true;
    case 'organization':
      return approval.scopeId === project.organizationId;
    case 'project':
      return approval.scopeId === project.id;
    default:
      return false;
  }
}

/** The repository of `host/repo:tag@digest`. */
export function releaseRepositoryIn(reference: string): string {
  const slash = reference.indexOf('/');
  const path = reference.slice(slash + 1);
  const at = path.indexOf('@');
  const withoutDigest = at === -1 ? path : path.slice(0, at);
  const colon = withoutDigest.lastIndexOf(':');
  return colon === -1 ? withoutDigest : withoutDigest.slice(0, colon);
}
