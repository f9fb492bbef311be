/**
 * The tenant's app catalog: the published apps a project may see and launch, named
 * `publisher/app` (docs/apps.md). Publishing and review are app-registry.ts.
 */
import { randomUUID } from 'node:crypto';
import type { components } from '@gpuaas/platform-contract';
import { listAll } from './client.js';
import type { PlatformClient } from './client.js';

export type CatalogApp = components['schemas']['CatalogApp'];
export type CatalogVersion = components['schemas']['CatalogVersion'];

export interface CatalogFilter {
  /** The project whose catalog to read. */
  projectId: string;
  /** Text in the app's name, display name or description (case-insensitive). */
  q?: string;
  /** A manifest category (`inference`, `notebook`, …). */
  category?: string;
}

/** The project's catalog, by name, page after page. */
export function listCatalogApps(
  client: PlatformClient,
  filter: CatalogFilter,
): AsyncGenerator<CatalogApp, void, undefined> {
  return listAll((cursor) =>
    client.api.GET('/v1/apps', {
      params: {
        query: {
          project_id: filter.projectId,
          limit: 100,
          ...(filter.q === undefined ? {} : { q: filter.q }),
          ...(filter.category === undefined ? {} : { category: filter.category }),
          ...(cursor === undefined ? {} : { cursor }),
        },
      },
    }),
  );
}

/** One app of the project's catalog by `publisher/app`. */
export async function readCatalogApp(
  client: PlatformClient,
  projectId: string,
  name: string,
): Promise<CatalogApp> {
  const { data } = await client.api.GET('/v1/apps/{app}', {
    params: { path: { app: name }, query: { project_id: projectId } },
  });
  return data!;
}

export type AppEntitlement = components['schemas']['AppEntitlement'];

export interface GrantInput {
  /** `publisher/app`. */
  app: string;
  projectId: string;
  /** The grant ends here (ISO 8601); none: no end. */
  until?: string;
  idempotencyKey?: string;
}

/** Publishers and operators: lets a project launch a `grant` app (an active grant gets the new `until`). */
export async function grantAppEntitlement(
  client: PlatformClient,
  input: GrantInput,
): Promise<AppEntitlement> {
  const { data } = await client.api.POST('/v1/apps/entitlements', {
    params: { header: { 'Idempotency-Key': input.idempotencyKey ?? randomUUID() } },
    body: {
      app: input.app,
      project_id: input.projectId,
      ...(input.until === undefined ? {} : { until: input.until }),
    },
  });
  return data!;
}

/** Grants not revoked: a project's (`projectId`), an app's (`app`), or every one (operators). */
export function listAppEntitlements(
  client: PlatformClient,
  filter: { projectId?: string; app?: string } = {},
): AsyncGenerator<AppEntitlement, void, undefined> {
  return listAll((cursor) =>
    client.api.GET('/v1/apps/entitlements', {
      params: {
        query: {
          limit: 100,
          ...(filter.projectId === undefined ? {} : { project_id: filter.projectId }),
          ...(filter.app === undefined ? {} : { app: filter.app }),
          ...(cursor === undefined ? {} : { cursor }),
        },
      },
    }),
  );
}

/** Revokes a grant: launches are refused APP_NOT_ENTITLED from then on. */
export async function revokeAppEntitlement(client: PlatformClient, id: string): Promise<AppEntitlement> {
  const { data } = await client.api.DELETE('/v1/apps/entitlements/{entitlement_id}', {
    params: { path: { entitlement_id: id } },
  });
  return data!;
}

export type AppInstance = components['schemas']['AppInstance'];

export interface LaunchInstanceInput {
  projectId: string;
  /** `publisher/app`. */
  app: string;
  /** A version of the catalog (default: the newest published). */
  version?: string;
  /** Absent: the platform creates an allocation from the app's profile (or `gpus`); the instance starts `pending`. */
  allocationId?: string;
  /** Without `allocationId`: the GPUs to ask for instead of the app's profile (never below its minimum). */
  gpus?: components['schemas']['AllocationCreateGpus'];
  /** Without `allocationId`: the created allocation's time to live, e.g. `8h`. */
  ttl?: string;
  parameters?: Record<string, unknown>;
  /** Values of the parameters the manifest marks `secret: true`; sent once, never answered. */
  secrets?: Record<string, string>;
  /** The release channel to follow (default `stable`). */
  channel?: string;
  /** `automatic`: install new versions of the channel that need no fresh consent. */
  upgrades?: 'manual' | 'automatic';
  /** The permissions the caller consents to give the app's service account. */
  acceptedPermissions: string[];
  idempotencyKey?: string;
}

/**
 * Launches a catalog app: into the project's allocation `allocationId` (the instance answered
 * launching), or without one into an allocation created for it (the instance answered `pending`;
 * read it until `running`'s runtime state, or `failed` with its `failure`).
 */
export async function launchAppInstance(
  client: PlatformClient,
  input: LaunchInstanceInput,
): Promise<AppInstance> {
  const { data } = await client.api.POST('/v1/apps/instances', {
    params: { header: { 'Idempotency-Key': input.idempotencyKey ?? randomUUID() } },
    body: {
      project_id: input.projectId,
      app: input.app,
      accepted_permissions: input.acceptedPermissions,
      ...(input.allocationId === undefined ? {} : { allocation_id: input.allocationId }),
      ...(input.gpus === undefined ? {} : { gpus: input.gpus }),
      ...(input.ttl === undefined ? {} : { ttl: input.ttl }),
      ...(input.version === undefined ? {} : { version: input.version }),
      ...(input.parameters === undefined ? {} : { parameters: input.parameters }),
      ...(input.secrets === undefined ? {} : { secrets: input.secrets }),
      ...(input.channel === undefined ? {} : { channel: input.channel }),
      ...(input.upgrades === undefined ? {} : { upgrades: input.upgrades }),
    },
  });
  return data!;
}

/** The project's catalog app instances, newest first, page after page. */
export function listAppInstances(
  client: PlatformClient,
  projectId: string,
): AsyncGenerator<AppInstance, void, undefined> {
  return listAll((cursor) =>
    client.api.GET('/v1/apps/instances', {
      params: { query: { project_id: projectId, limit: 100, ...(cursor === undefined ? {} : { cursor }) } },
    }),
  );
}

/** One instance, its state from the runtime. */
export async function readAppInstance(client: PlatformClient, id: string): Promise<AppInstance> {
  const { data } = await client.api.GET('/v1/apps/instances/{instance_id}', {
    params: { path: { instance_id: id } },
  });
  return data!;
}

/** Stops an instance (its allocation stays). */
export async function stopAppInstance(client: PlatformClient, id: string): Promise<AppInstance> {
  const { data } = await client.api.POST('/v1/apps/instances/{instance_id}/stop', {
    params: { path: { instance_id: id } },
  });
  return data!;
}
