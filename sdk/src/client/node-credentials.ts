/**
 * Node agents' credentials (`/v1/node-credentials`, operators): issue one for a node by name,
 * list them (never a secret), rotate one (its successor, both valid during an overlap) and revoke
 * one. A secret is in the answer to an issue or a rotation only, once; the platform keeps a hash.
 */
import type { components } from '@gpuaas/platform-contract';
import { collectAll } from './client.js';
import type { PlatformClient } from './client.js';

export type NodeCredential = components['schemas']['NodeCredential'];
export type NodeCredentialWithSecret = components['schemas']['NodeCredentialWithSecret'];

/** Every credential, oldest first (expired and revoked ones included); `node` keeps one node's. */
export function listNodeCredentials(
  client: PlatformClient,
  filter: { node?: string } = {},
): Promise<NodeCredential[]> {
  return collectAll((cursor) =>
    client.api.GET('/v1/node-credentials', {
      params: {
        query: {
          limit: 100,
          ...(cursor === undefined ? {} : { cursor }),
          ...(filter.node === undefined ? {} : { node_name: filter.node }),
        },
      },
    }),
  );
}

/** Issues a credential for the node that registers as `node`; the answer carries its secret. */
export async function createNodeCredential(
  client: PlatformClient,
  node: string,
): Promise<NodeCredentialWithSecret> {
  const { data } = await client.api.POST('/v1/node-credentials', { body: { node_name: node } });
  return data!;
}

/**
 * Issues a successor to credential `id`; the old one stays valid `overlapSeconds` more (the
 * platform's default, an hour, when not given; 0 ends it at once).
 */
export async function rotateNodeCredential(
  client: PlatformClient,
  id: string,
  options: { overlapSeconds?: number } = {},
): Promise<NodeCredentialWithSecret> {
  const { data } = await client.api.POST('/v1/node-credentials/{credential_id}/rotate', {
    params: { path: { credential_id: id } },
    // No body: the platform's default overlap.
    ...(options.overlapSeconds === undefined ? {} : { body: { overlap_seconds: options.overlapSeconds } }),
  });
  return data!;
}

/** Refuses credential `id` from the agent's next request on (its record stays). */
export async function revokeNodeCredential(client: PlatformClient, id: string): Promise<void> {
  await client.api.DELETE('/v1/node-credentials/{credential_id}', {
    params: { path: { credential_id: id } },
  });
}
