/**
 * The tenant's app catalog: the apps a project may see and launch. An app is in the catalog once
 * an operator has PUBLISHED one of its versions (approval alone makes a version launchable by
 * reference, not discoverable); published and deprecated versions are listed (deprecated ones
 * still launch, with a warning), and only those whose approval scope covers the project.
 *
 * An app is named `publisher/app`: the publisher project's name and the repository after its
 * namespace, the same path its releases live under (`release/<publisher>/<app>`), so one name
 * means one release repository.
 */
import type { Kysely } from 'kysely';
import type { components } from '@gpuaas/platform-contract';
import type { Principal } from '../auth/principal.js';
import type { AppAccess, Tables } from '../db/schema.js';
import { formatMoney } from '../billing/money.js';
import { PlatformError } from '../errors.js';
import { projectAccess } from '../identity/access.js';
import { RELEASE_NAMESPACE } from '../registry/names.js';
import { releaseRepositoryOf } from './release.js';
import { requestedPermissions, storedManifest } from './versions.js';
import type { AppVersionRow } from './versions.js';

export type CatalogApp = components['schemas']['CatalogApp'];
export type CatalogVersion = components['schemas']['CatalogVersion'];

/** Version states the catalog shows. */
export const CATALOG_STATES = ['published', 'deprecated'] as const;

export interface CatalogQuery {
  projectId: string;
  /** Case-insensitive substring of the name, display name or description. */
  q?: string | undefined;
  category?: string | undefined;
  limit: number;
  /** The name of the last app already served (apps are ordered by name). */
  after?: string | undefined;
}

/** A catalog version row with its publisher project's name. */
export type CatalogRow = AppVersionRow & { publisher_name: string };

/** `publisher/app` of a version: the release repository without the `release/` namespace. */
export function catalogNameOf(row: Pick<CatalogRow, 'publisher_name' | 'repository'>): string {
  return releaseRepositoryOf(row.publisher_name, row.repository).slice(RELEASE_NAMESPACE.length + 1);
}

/**
 * The versions the project may see: in a catalog state, approved for a scope covering the project
 * (the platform, the project's organization or the project itself). The caller must be a viewer
 * of the project (operators see any project's catalog).
 */
export async function catalogRows(
  db: Kysely<Tables>,
  principal: Principal,
  projectId: string,
): Promise<CatalogRow[]> {
  const { project } = await projectAccess(db, principal, projectId, 'viewer');
  return db
    .selectFrom('app_versions')
    .innerJoin('projects', 'projects.id', 'app_versions.project_id')
    .selectAll('app_versions')
    .select('projects.name as publisher_name')
    .where('app_versions.state', 'in', [...CATALOG_STATES])
    .where('app_versions.release_reference', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('app_versions.approval_scope', '=', 'platform'),
        eb.and([
          eb('app_versions.approval_scope', '=', 'organization'),
          eb('app_versions.approval_scope_id', '=', project.organization_id),
        ]),
        eb.and([
          eb('app_versions.approval_scope', '=', 'project'),
          eb('app_versions.approval_scope_id', '=', project.id),
        ]),
      ]),
    )
    .orderBy('app_versions.id', 'desc')
    .execute();
}

/** One page of the catalog, `limit + 1` apps (the extra one says there is more), by name. */
export async function listCatalog(
  db: Kysely<Tables>,
  principal: Principal,
  query: CatalogQuery,
): Promise<CatalogApp[]> {
  const apps = groupApps(await catalogRows(db, principal, query.projectId));
  const needle = query.q?.toLowerCase();
  return apps
    .filter((app) => query.after === undefined || app.name > query.after)
    .filter((app) => query.category === undefined || app.categories.includes(query.category))
    .filter(
      (app) =>
        needle === undefined ||
        [app.name, app.display_name ?? '', app.description ?? ''].some((text) =>
          text.toLowerCase().includes(needle),
        ),
    )
    .slice(0, query.limit + 1);
}

/** One app of the project's catalog by `publisher/app`; 404 when the project cannot see it. */
export async function catalogApp(
  db: Kysely<Tables>,
  principal: Principal,
  projectId: string,
  name: string,
): Promise<CatalogApp> {
  const app = groupApps(await catalogRows(db, principal, projectId)).find((a) => a.name === name);
  if (app === undefined) {
    throw new PlatformError('NOT_FOUND', `app ${name} is not in the catalog of project ${projectId}`);
  }
  return app;
}

/** Groups rows (newest first) into apps ordered by name; an app's facts come from its newest version. */
export function groupApps(rows: readonly CatalogRow[]): CatalogApp[] {
  const byName = new Map<string, CatalogRow[]>();
  for (const row of rows) {
    const name = catalogNameOf(row);
    byName.set(name, [...(byName.get(name) ?? []), row]);
  }
  const apps: CatalogApp[] = [];
  for (const [name, versions] of byName) {
    // The newest published version speaks for the app; a deprecated-only app still shows (it launches).
    const head = versions.find((v) => v.state === 'published') ?? versions[0];
    if (head === undefined) continue;
    const manifest = storedManifest(head) ?? {};
    apps.push({
      name,
      publisher: { project_id: head.project_id, name: head.publisher_name },
      registry: head.registry,
      repository: head.repository,
      display_name: stringOf(manifest.displayName),
      description: stringOf(manifest.description),
      categories: stringsOf(manifest.categories),
      latest_version: head.version,
      versions: versions.map(catalogVersionOf),
    });
  }
  return apps.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** What a tenant needs to choose and launch a version. */
export function catalogVersionOf(row: AppVersionRow): CatalogVersion {
  const manifest = storedManifest(row) ?? {};
  return {
    id: row.id,
    version: row.version,
    state: row.state === 'deprecated' ? 'deprecated' : 'published',
    digest: row.digest,
    release_reference: row.release_reference ?? '',
    published_at: row.reviewed_at ?? row.updated_at,
    gpu: objectOf(manifest.resources),
    prices: pricesOf(manifest.billing),
    permissions: requestedPermissions(manifest),
    parameters: objectOf(manifest.parameters) ?? {},
    endpoints: endpointNamesOf(manifest.endpoints),
    access: accessOf(row),
  };
}

/** The manifest's `billing` as the API spells prices (decimal strings); null for a free app. */
export function pricesOf(billing: unknown): CatalogVersion['prices'] {
  const b = objectOf(billing);
  if (b === null) return null;
  const metered = Array.isArray(b.metered) ? b.metered : [];
  return {
    currency: stringOf(b.currency) ?? 'USD',
    hourly_price: moneyText(b.hourlyPrice),
    metered: metered.flatMap((m: unknown) => {
      const entry = objectOf(m);
      const meter = stringOf(entry?.meter);
      const price = moneyText(entry?.pricePerUnit);
      return meter === null || price === null ? [] : [{ meter, price_per_unit: price }];
    }),
  };
}

/**
 * A manifest's money as the API writes it (decimal text): the manifest may give either decimal
 * text or `{ micros }` (integer micro-units), and both are prices; reading only the first made an
 * app priced in micros look free in the catalog while its launches were charged.
 */
function moneyText(value: unknown): string | null {
  const text = stringOf(value);
  if (text !== null) return text;
  const micros = objectOf(value)?.micros;
  return typeof micros === 'number' && Number.isSafeInteger(micros) && micros >= 0
    ? formatMoney(BigInt(micros))
    : null;
}

/** The access a version launches under: the one set at publish, else derived from its prices. */
export function accessOf(row: Pick<AppVersionRow, 'access' | 'manifest'>): AppAccess {
  return row.access ?? defaultAccess(storedManifest(row));
}

/** `paid` when the manifest prices anything (an hourly price or a metered one), else `free`. */
export function defaultAccess(manifest: Record<string, unknown> | null): AppAccess {
  const prices = pricesOf(manifest?.billing);
  return prices !== null && (prices.hourly_price !== null || prices.metered.length > 0) ? 'paid' : 'free';
}

function endpointNamesOf(endpoints: unknown): string[] {
  if (Array.isArray(endpoints)) {
    return endpoints.flatMap((e: unknown) => {
      const name = stringOf(objectOf(e)?.name);
      return name === null ? [] : [name];
    });
  }
  const map = objectOf(endpoints);
  return map === null ? [] : Object.keys(map).sort();
}

function objectOf(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function stringOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
