/** GPU nodes by id or name, as operators name them. */
import type { components } from '@gpuaas/platform-contract';
import { ApiError } from './api-error.js';
import { collectAll } from './client.js';
import type { PlatformClient } from './client.js';
import { isUuid } from './projects.js';

type Node = components['schemas']['Node'];

/** A node id, or a node name (names are unique); an unknown name is a NOT_FOUND ApiError. */
export async function resolveNodeId(client: PlatformClient, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  const nodes: Node[] = await collectAll((cursor) =>
    client.api.GET('/v1/nodes', {
      params: { query: cursor === undefined ? { limit: 100 } : { limit: 100, cursor } },
    }),
  );
  const found = nodes.find((n) => n.name === ref);
  if (found === undefined) {
    throw new ApiError({
      code: 'NOT_FOUND',
      status: 404,
      title: 'Not found',
      detail: `no node named "${ref}"`,
      request: 'GET /v1/nodes',
    });
  }
  return found.id;
}
