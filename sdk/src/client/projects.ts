/**
 * Projects by id or name, as people name them: a name is looked up among every project the
 * caller sees and must be unique there (NAME_AMBIGUOUS lists the candidates, never a guess).
 */
import { ApiError } from './api-error.js';
import { collectAll } from './client.js';
import type { PlatformClient } from './client.js';
import { SdkError } from '../errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * Accepts a project id or name; a name is looked up among every project the caller sees (all of
 * them for an operator, across organisations). A name that several carry is NAME_AMBIGUOUS with
 * the candidates listed, never a guess.
 */
export async function resolveProjectId(client: PlatformClient, ref: string): Promise<string> {
  return (await resolveProject(client, ref)).id;
}

/** Like resolveProjectId, with the project's name. */
export async function resolveProject(
  client: PlatformClient,
  ref: string,
): Promise<{ id: string; name: string }> {
  if (isUuid(ref)) return { id: ref, name: ref };
  const matches = (
    await collectAll((cursor) =>
      client.api.GET('/v1/projects', {
        params: { query: cursor === undefined ? { limit: 100 } : { limit: 100, cursor } },
      }),
    )
  ).filter((p) => p.name === ref);
  const [only] = matches;
  if (only !== undefined && matches.length === 1) return { id: only.id, name: only.name };
  if (matches.length > 1) {
    const candidates = matches.map((p) => ({
      id: p.id,
      name: p.name,
      organization_id: p.organization_id,
      role: p.role,
    }));
    throw new SdkError(
      'NAME_AMBIGUOUS',
      `${matches.length} projects you can see are named "${ref}": ${candidates
        .map(
          (p) => `${p.id} (organisation ${p.organization_id}${p.role === null ? '' : `, you are ${p.role}`})`,
        )
        .join('; ')}`,
      { details: { candidates, hint: 'give the project by id' } },
    );
  }
  throw new ApiError({
    code: 'NOT_FOUND',
    status: 404,
    title: 'Not found',
    detail: `no project named "${ref}" is visible to you`,
    request: 'GET /v1/projects',
  });
}
