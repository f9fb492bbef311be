/**
 * Persistent project volumes and their snapshots (docs/storage.md), for library users and the CLI
 * alike. Volumes and snapshots are named uniquely in their project; every function that takes a
 * `ref` accepts the id or the name.
 *
 * @example
 * const v = await createVolume(client, { projectId, name: 'models', sizeGib: 100 });
 * await resizeVolume(client, v.id, 200);
 * const s = await createSnapshot(client, { volumeId: v.id, name: 'models-1' });
 * await restoreSnapshot(client, s.id, 'models-copy');
 */
import { randomUUID } from 'node:crypto';
import type { components } from '@gpuaas/platform-contract';
import { SdkError } from '../errors.js';
import { collectAll } from './client.js';
import type { PlatformClient } from './client.js';
import { isUuid } from './projects.js';

export type StorageVolume = components['schemas']['StorageVolume'];
export type StorageSnapshot = components['schemas']['StorageSnapshot'];
export type StorageVolumePlacement = components['schemas']['StorageVolumePlacement'];
export type VolumeMount = components['schemas']['VolumeMount'];

const key = (idempotencyKey?: string) => ({ header: { 'Idempotency-Key': idempotencyKey ?? randomUUID() } });

export async function createVolume(
  client: PlatformClient,
  input: { projectId: string; name: string; sizeGib: number; site?: string; idempotencyKey?: string },
): Promise<StorageVolume> {
  const { data } = await client.api.POST('/v1/storage/volumes', {
    params: key(input.idempotencyKey),
    body: {
      project_id: input.projectId,
      name: input.name,
      size_gib: input.sizeGib,
      ...(input.site === undefined ? {} : { site: input.site }),
    },
  });
  return data!;
}

export async function listVolumes(client: PlatformClient, projectId: string): Promise<StorageVolume[]> {
  return collectAll((cursor) =>
    client.api.GET('/v1/storage/volumes', {
      params: { query: { project_id: projectId, limit: 100, ...(cursor === undefined ? {} : { cursor }) } },
    }),
  );
}

/** A volume by id, or by name in the project. */
export async function findVolume(
  client: PlatformClient,
  projectId: string,
  ref: string,
): Promise<StorageVolume> {
  return byIdOrName(
    ref,
    'volume',
    async (id) =>
      (await client.api.GET('/v1/storage/volumes/{volume_id}', { params: { path: { volume_id: id } } }))
        .data!,
    () => listVolumes(client, projectId),
  );
}

export async function resizeVolume(
  client: PlatformClient,
  id: string,
  sizeGib: number,
): Promise<StorageVolume> {
  const { data } = await client.api.PATCH('/v1/storage/volumes/{volume_id}', {
    params: { path: { volume_id: id } },
    body: { size_gib: sizeGib },
  });
  return data!;
}

export async function deleteVolume(client: PlatformClient, id: string): Promise<void> {
  await client.api.DELETE('/v1/storage/volumes/{volume_id}', { params: { path: { volume_id: id } } });
}

export async function volumePlacement(client: PlatformClient, id: string): Promise<StorageVolumePlacement> {
  const { data } = await client.api.GET('/v1/storage/volumes/{volume_id}/placement', {
    params: { path: { volume_id: id } },
  });
  return data!;
}

export async function createSnapshot(
  client: PlatformClient,
  input: { volumeId: string; name: string; idempotencyKey?: string },
): Promise<StorageSnapshot> {
  const { data } = await client.api.POST('/v1/storage/snapshots', {
    params: key(input.idempotencyKey),
    body: { volume_id: input.volumeId, name: input.name },
  });
  return data!;
}

export async function listSnapshots(
  client: PlatformClient,
  projectId: string,
  volumeId?: string,
): Promise<StorageSnapshot[]> {
  return collectAll((cursor) =>
    client.api.GET('/v1/storage/snapshots', {
      params: {
        query: {
          project_id: projectId,
          limit: 100,
          ...(volumeId === undefined ? {} : { volume_id: volumeId }),
          ...(cursor === undefined ? {} : { cursor }),
        },
      },
    }),
  );
}

/** A snapshot by id, or by name in the project. */
export async function findSnapshot(
  client: PlatformClient,
  projectId: string,
  ref: string,
): Promise<StorageSnapshot> {
  return byIdOrName(
    ref,
    'snapshot',
    async (id) =>
      (await client.api.GET('/v1/storage/snapshots/{snapshot_id}', { params: { path: { snapshot_id: id } } }))
        .data!,
    () => listSnapshots(client, projectId),
  );
}

/** A new volume named `name` with the snapshot's contents. */
export async function restoreSnapshot(
  client: PlatformClient,
  id: string,
  name: string,
  idempotencyKey?: string,
): Promise<StorageVolume> {
  const { data } = await client.api.POST('/v1/storage/snapshots/{snapshot_id}/restore', {
    params: { path: { snapshot_id: id }, ...key(idempotencyKey) },
    body: { name },
  });
  return data!;
}

export async function deleteSnapshot(client: PlatformClient, id: string): Promise<void> {
  await client.api.DELETE('/v1/storage/snapshots/{snapshot_id}', { params: { path: { snapshot_id: id } } });
}

/**
 * `NAME:/mnt/PATH[:ro]` (the CLI's `--volume`) as the API's volume mount. Throws SdkError USAGE
 * when it is not of that shape.
 */
export function parseVolumeMount(text: string): VolumeMount {
  const match = /^([a-z0-9][a-z0-9-]{0,62}):(\/mnt\/[^:]+?)(?::(ro|rw))?$/.exec(text);
  if (match === null) {
    throw new SdkError(
      'USAGE',
      `--volume takes NAME:/mnt/PATH[:ro], e.g. models:/mnt/models:ro (got "${text}")`,
    );
  }
  const [, name = '', mountPath = '', mode] = match;
  return { name, mount_path: mountPath, ...(mode === 'ro' ? { read_only: true } : {}) };
}

/** An id is fetched as it is; a name is looked up among the project's `what`s (names are unique there). */
async function byIdOrName<T extends { name: string }>(
  ref: string,
  what: string,
  byId: (id: string) => Promise<T>,
  all: () => Promise<T[]>,
): Promise<T> {
  if (isUuid(ref)) return byId(ref);
  const found = (await all()).find((item) => item.name === ref);
  if (found === undefined) throw new SdkError('NOT_FOUND', `no ${what} named ${ref} in the project`);
  return found;
}
