/**
 * What a reviewer compares: a version against the previous approved one of the same repository
 * (the newest approved, published or deprecated version registered before or after it, other than
 * itself). The diff highlights what widens a tenant's exposure: permissions and meters added or
 * removed, every price that changed, and the GPU profile.
 */
import type { Kysely } from 'kysely';
import type { components } from '@gpuaas/platform-contract';
import type { Tables } from '../db/schema.js';
import { LAUNCHABLE_STATES } from './release.js';
import type { AppVersionRow } from './versions.js';
import { appVersionView, requestedPermissions, storedManifest } from './versions.js';

export type AppVersionDiff = components['schemas']['AppVersionDiff'];
export type AppVersionDetail = components['schemas']['AppVersionDetail'];
type Change = components['schemas']['AppVersionChange'];
type Manifest = Record<string, unknown> | null;

/** The newest launchable version of the same registry and repository, other than `row`. */
export async function previousApproved(
  db: Kysely<Tables>,
  row: Pick<AppVersionRow, 'id' | 'registry' | 'repository'>,
): Promise<AppVersionRow | undefined> {
  return db
    .selectFrom('app_versions')
    .selectAll()
    .where('registry', '=', row.registry)
    .where('repository', '=', row.repository)
    .where('state', 'in', [...LAUNCHABLE_STATES])
    .where('id', '!=', row.id)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** A version with its manifest, the previous approved version and the diff against it. */
export async function appVersionDetail(db: Kysely<Tables>, row: AppVersionRow): Promise<AppVersionDetail> {
  const previous = await previousApproved(db, row);
  const manifest = storedManifest(row);
  return {
    ...appVersionView(row),
    manifest,
    previous_approved:
      previous === undefined ? null : { id: previous.id, version: previous.version, digest: previous.digest },
    diff: previous === undefined ? null : diffManifests(storedManifest(previous), manifest),
  };
}

/** How `after` differs from `before` in permissions, meters, prices and GPU profile. */
export function diffManifests(before: Manifest, after: Manifest): AppVersionDiff {
  return {
    permissions: setDiff(requestedPermissions(before), requestedPermissions(after)),
    meters: setDiff(meterNames(before), meterNames(after)),
    prices: changes(prices(before), prices(after)),
    gpu: changes(gpuProfile(before), gpuProfile(after)),
  };
}

function setDiff(
  before: readonly string[],
  after: readonly string[],
): { added: string[]; removed: string[] } {
  return {
    added: after.filter((x) => !before.includes(x)).sort(),
    removed: before.filter((x) => !after.includes(x)).sort(),
  };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function meterNames(manifest: Manifest): string[] {
  const meters = manifest?.meters;
  if (!Array.isArray(meters)) return [];
  return meters.flatMap((m) => {
    const name = record(m)?.name;
    return typeof name === 'string' ? [name] : [];
  });
}

/** Flat price fields: `currency`, `hourlyPrice`, `metered.<meter>`. */
function prices(manifest: Manifest): Map<string, unknown> {
  const billing = record(manifest?.billing);
  const out = new Map<string, unknown>();
  if (billing === undefined) return out;
  if (billing.currency !== undefined) out.set('currency', billing.currency);
  if (billing.hourlyPrice !== undefined) out.set('hourlyPrice', billing.hourlyPrice);
  const metered = billing.metered;
  if (Array.isArray(metered)) {
    for (const entry of metered) {
      const price = record(entry);
      if (typeof price?.meter === 'string') out.set(`metered.${price.meter}`, price.pricePerUnit ?? null);
    }
  }
  return out;
}

const GPU_FIELDS = ['count', 'models', 'minMemoryGiB', 'interconnect', 'sameNode'] as const;

/** Flat GPU fields of each profile: `minimum.gpus.count`, `recommended.gpus.models`, … */
function gpuProfile(manifest: Manifest): Map<string, unknown> {
  const resources = record(manifest?.resources);
  const out = new Map<string, unknown>();
  for (const profile of ['minimum', 'recommended'] as const) {
    const gpus = record(record(resources?.[profile])?.gpus);
    if (gpus === undefined) continue;
    for (const field of GPU_FIELDS) {
      if (gpus[field] !== undefined) out.set(`${profile}.gpus.${field}`, gpus[field]);
    }
  }
  return out;
}

/** Each field whose value differs, in a stable order (null for a side without it). */
function changes(before: Map<string, unknown>, after: Map<string, unknown>): Change[] {
  const fields = [...new Set([...before.keys(), ...after.keys()])].sort();
  return fields.flatMap((field) => {
    const was = before.get(field) ?? null;
    const is = after.get(field) ?? null;
    return JSON.stringify(was) === JSON.stringify(is) ? [] : [{ field, before: was, after: is }];
  });
}
