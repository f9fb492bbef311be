/**
 * The contract's AppInstance for a stored instance: its current version and launch period, the
 * relay URL of each endpoint, and its state — the runtime's own while it runs (when asked),
 * else the stored one (`pending`, `launching`, `running`, `failed` with its failure, `stopped`).
 */
import type { components } from '@gpuaas/platform-contract';
import type { TokenService } from '../auth/tokens.js';
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import { currentLaunch, failureOf } from './instance-store.js';
import type { InstanceRow } from './instance-store.js';
import { storedManifest } from './versions.js';

export type AppInstance = components['schemas']['AppInstance'];

interface ViewServices {
  db: Kysely<Tables>;
  tokens: Pick<TokenService, 'issuer'>;
}

/** The relay URL of each endpoint the version declares. */
function endpointsOf(s: ViewServices, allocationId: string, names: readonly string[]) {
  const base = s.tokens.issuer.replace(/\/+$/, '');
  return names.map((name) => ({
    name,
    url: `${base}/v1/allocations/${allocationId}/app/endpoints/${encodeURIComponent(name)}/`,
  }));
}

function endpointNames(manifest: Record<string, unknown> | null): string[] {
  const endpoints = manifest?.endpoints;
  return Array.isArray(endpoints)
    ? endpoints.flatMap((e: unknown) => {
        const name = (e as { name?: unknown } | null)?.name;
        return typeof name === 'string' ? [name] : [];
      })
    : [];
}

/** The instance as the API answers it; `runtimeState` (the runtime's) replaces `running`. */
export async function instanceView(
  s: ViewServices,
  row: InstanceRow,
  runtimeState?: string,
): Promise<AppInstance> {
  const version = await s.db
    .selectFrom('app_versions')
    .selectAll()
    .where('id', '=', row.version_id)
    .executeTakeFirst();
  const launch = await currentLaunch(s.db, row.id);
  const manifest = version === undefined ? null : storedManifest(version);
  return {
    id: row.id,
    state: row.state === 'running' && runtimeState !== undefined ? runtimeState : row.state,
    app: version?.app ?? null,
    version: version?.version ?? null,
    version_id: row.version_id,
    project_id: row.project_id,
    allocation_id: row.allocation_id,
    reference: launch?.reference ?? version?.release_reference ?? '',
    endpoints: endpointsOf(s, row.allocation_id, endpointNames(manifest)),
    launched_by: launch?.launched_by ?? row.created_by,
    launched_at: launch?.launched_at ?? row.created_at,
    ended_at: row.ended_at,
    failure: failureOf(row),
    channel: row.channel,
    upgrades: row.upgrades,
  };
}
