/**
 * `gpuaas apps list|show`: the tenant's app catalog (docs/apps.md), in the same `apps` group as
 * the publishers' commands (apps-registry.ts). `--output json` prints the API's documents:
 * `list` → `{ items: [{ name, versions, … }] }`, `show` → one app. `gpuaas apps entitlements
 * grant|list|revoke`: the grants of `grant` apps (publishers and operators grant; tenants list).
 */
import type { Command } from 'commander';
import {
  grantAppEntitlement,
  listAppEntitlements,
  listCatalogApps,
  readCatalogApp,
  revokeAppEntitlement,
} from '@gpuaas/sdk/client';
import type { AppEntitlement, CatalogApp, CatalogVersion } from '@gpuaas/sdk/client';
import type { CommandContext } from '../../run.js';
import {
  action,
  platformClientFor,
  printList,
  printResource,
  wantsJson,
  withGlobalOptions,
} from '../common.js';
import type { GlobalOptions } from '../common.js';
import { PROJECT_HELP, projectFor } from '../project.js';
import { toArray } from './apps-registry.js';

interface CatalogOptions extends GlobalOptions {
  project?: string;
  query?: string;
  category?: string;
}

const APP_COLUMNS = ['name', 'latest', 'versions', 'categories', 'price', 'publisher'];

/** `0.50 USD/h + metered`, `free`: what a version costs, in a table cell. */
export function priceSummary(version: CatalogVersion | undefined): string {
  const prices = version?.prices ?? null;
  if (prices === null) return 'free';
  const parts = prices.hourly_price === null ? [] : [`${prices.hourly_price} ${prices.currency}/h`];
  if (prices.metered.length > 0) parts.push('metered');
  return parts.join(' + ') || 'free';
}

const GRANT_COLUMNS = ['id', 'app', 'project_id', 'until', 'active', 'granted_by', 'granted_at'];

function grantRow(g: AppEntitlement): unknown[] {
  return [g.id, g.app, g.project_id, g.until ?? '-', g.active, g.granted_by, g.granted_at];
}

function appRow(app: CatalogApp): unknown[] {
  return [
    app.name,
    app.latest_version,
    app.versions.map((v) => (v.state === 'deprecated' ? `${v.version} (deprecated)` : v.version)).join(', '),
    app.categories.join(', ') || '-',
    priceSummary(app.versions[0]),
    app.publisher.name,
  ];
}

export function registerAppsCatalog(apps: Command, ctx: CommandContext): void {
  const { io } = ctx;

  withGlobalOptions(
    apps
      .command('list')
      .description('The app catalog: published apps the project may launch')
      .option('-q, --query <text>', 'only apps whose name, display name or description has this text')
      .option('--category <category>', 'only apps in this category (inference, notebook, …)')
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (options: CatalogOptions) => {
      const client = await platformClientFor(io, options);
      const project = await projectFor(io, client, options.project);
      const items = await toArray(
        listCatalogApps(client, {
          projectId: project.id,
          ...(options.query === undefined ? {} : { q: options.query }),
          ...(options.category === undefined ? {} : { category: options.category }),
        }),
      );
      printList(io, options, { items }, APP_COLUMNS, items.map(appRow));
    }),
  );

  withGlobalOptions(
    apps
      .command('show')
      .description('One catalog app: its versions, GPU profile, prices, permissions and parameters')
      .argument('<app>', 'publisher/app')
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (name: string, options: CatalogOptions) => {
      const client = await platformClientFor(io, options);
      const project = await projectFor(io, client, options.project);
      const app = await readCatalogApp(client, project.id, name);
      if (wantsJson(options)) {
        printResource(io, options, app);
        return;
      }
      const latest = app.versions[0];
      printResource(io, options, {
        name: app.name,
        display_name: app.display_name ?? '-',
        description: app.description ?? '-',
        publisher: app.publisher.name,
        categories: app.categories.join(', ') || '-',
        versions: app.versions.map((v) => `${v.version} ${v.state} ${v.id}`).join('; '),
        gpu: latest?.gpu === null || latest === undefined ? '-' : JSON.stringify(latest.gpu),
        price: priceSummary(latest),
        permissions: latest?.permissions.join(', ') || '-',
        parameters: Object.keys(latest?.parameters ?? {}).join(', ') || '-',
        endpoints: latest?.endpoints.join(', ') || '-',
      });
    }),
  );

  const entitlements = apps
    .command('entitlements')
    .description('Grants of apps published with access `grant`: who may launch them');

  withGlobalOptions(
    entitlements
      .command('grant')
      .description('Let a project launch an app (publisher members and operators)')
      .argument('<app>', 'publisher/app')
      .requiredOption('--project <project>', 'the project granted (id or name)')
      .option('--until <time>', 'the grant ends here (ISO 8601, e.g. 2027-01-01T00:00:00Z)'),
  ).action(
    action(ctx, async (app: string, options: CatalogOptions & { until?: string }) => {
      const client = await platformClientFor(io, options);
      const project = await projectFor(io, client, options.project);
      const grant = await grantAppEntitlement(client, {
        app,
        projectId: project.id,
        ...(options.until === undefined ? {} : { until: options.until }),
      });
      printResource(io, options, grant);
    }),
  );

  withGlobalOptions(
    entitlements
      .command('list')
      .description("Grants not revoked: the project's, or an app's (--app, for its publisher)")
      .option('--app <app>', 'the grants of this app (publisher/app)')
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (options: CatalogOptions & { app?: string }) => {
      const client = await platformClientFor(io, options);
      const projectId =
        options.app !== undefined && options.project === undefined
          ? undefined
          : (await projectFor(io, client, options.project)).id;
      const items = await toArray(
        listAppEntitlements(client, {
          ...(projectId === undefined ? {} : { projectId }),
          ...(options.app === undefined ? {} : { app: options.app }),
        }),
      );
      printList(io, options, { items }, GRANT_COLUMNS, items.map(grantRow));
    }),
  );

  withGlobalOptions(
    entitlements
      .command('revoke')
      .description('Revoke a grant: new launches are refused APP_NOT_ENTITLED')
      .argument('<id>', 'the grant id (entitlements list)'),
  ).action(
    action(ctx, async (id: string, options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      printResource(io, options, await revokeAppEntitlement(client, id));
    }),
  );
}
