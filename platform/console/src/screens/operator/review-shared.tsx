/**
 * What the review screens share: the publishers behind a set of versions (the project's name and
 * its registered signing keys, read with the operator's token), a version's state badge, and
 * refusals shown with their code and what to do about them.
 */
import { collectAll, isApiError } from '@gpuaas/sdk/browser';
import { dataOf } from '../../api/client.js';
import type { PlatformClient } from '../../api/client.js';
import { useAsync } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import { ErrorMessage } from '../../ui/feedback.js';
import { reviewHint } from './review-labels.js';
import type { AppVersionState, PublisherKey } from './review-labels.js';
import './review.css';

export interface Publisher {
  /** The publisher project's name (undefined when it could not be read). */
  name: string | undefined;
  keys: PublisherKey[] | undefined;
}

async function loadPublisher(client: PlatformClient, id: string, signal: AbortSignal): Promise<Publisher> {
  const [project, keys] = await Promise.allSettled([
    client.api.GET('/v1/projects/{project_id}', { params: { path: { project_id: id } }, signal }),
    collectAll((cursor) =>
      client.api.GET('/v1/apps/keys', {
        params: { query: { project_id: id, limit: 100, ...(cursor === undefined ? {} : { cursor }) } },
        signal,
      }),
    ),
  ]);
  return {
    name: project.status === 'fulfilled' ? dataOf(project.value).name : undefined,
    keys: keys.status === 'fulfilled' ? keys.value : undefined,
  };
}

/** The publisher of each project id, read once per distinct id; a missing one stays undefined. */
export function usePublishers(projectIds: readonly string[]): ReadonlyMap<string, Publisher> {
  const { client } = useConsole();
  const key = [...new Set(projectIds)].sort().join(',');
  const publishers = useAsync(
    async (signal) => {
      const ids = key === '' ? [] : key.split(',');
      const loaded = await Promise.all(ids.map((id) => loadPublisher(client, id, signal)));
      return new Map(ids.map((id, i) => [id, loaded[i] as Publisher]));
    },
    [client, key],
  );
  return publishers.data ?? new Map<string, Publisher>();
}

export function VersionState({ state }: { state: AppVersionState }) {
  return (
    <span className={`state review-state-${state}`} data-testid="version-state">
      {state}
    </span>
  );
}

/** A refusal with its code, detail and correlation id, and a hint for the codes a review meets. */
export function ReviewError({ error, what }: { error: unknown; what: string }) {
  if (error === undefined || error === null) return null;
  const hint = isApiError(error) ? reviewHint(error.code) : undefined;
  return (
    <>
      <ErrorMessage error={error} what={what} />
      {hint !== undefined && (
        <p className="review-hint" data-testid="review-hint">
          {hint}
        </p>
      )}
    </>
  );
}
