/**
 * The project's app catalog: every app it may see, with its publisher, newest version, GPU
 * profile, price and whether the project may launch it, filtered as the user types (name,
 * display name, description, publisher) and by category.
 */
import { collectAll } from '@gpuaas/sdk/browser';
import { useDeferredValue, useId, useState } from 'react';
import { useAsync } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import { Link } from '../../router.js';
import { ErrorMessage, Loading } from '../../ui/feedback.js';
import { ScreenTitle } from '../../ui/layout.js';
import { NeedsProject } from '../projects.js';
import { defaultVersion, isEntitled, priceSummary, profilesOf } from './app-facts.js';
import type { CatalogApp } from './app-facts.js';
import './apps.css';
import { DataTable } from '../../ui/loaded.js';

/** `/apps/publisher/app`: the app's page (each segment encoded on its own, as the router reads it). */
export function appPath(name: string): string {
  return `/apps/${name.split('/').map(encodeURIComponent).join('/')}`;
}

function matches(app: CatalogApp, text: string, category: string): boolean {
  if (category !== '' && !app.categories.includes(category)) return false;
  const needle = text.trim().toLowerCase();
  if (needle === '') return true;
  return [app.name, app.display_name ?? '', app.description ?? '', app.publisher.name].some((s) =>
    s.toLowerCase().includes(needle),
  );
}

export function AppCatalogScreen() {
  const { client, project } = useConsole();
  const projectId = project?.id;
  const ids = { search: useId(), category: useId(), count: useId() };
  const [text, setText] = useState('');
  const [category, setCategory] = useState('');
  const deferred = useDeferredValue(text);
  const catalog = useAsync(
    async (signal) => {
      if (projectId === undefined) return undefined;
      const page = (cursor: string | undefined) => ({
        limit: 100,
        ...(cursor === undefined ? {} : { cursor }),
      });
      const [apps, grants] = await Promise.all([
        collectAll((cursor) =>
          client.api.GET('/v1/apps', {
            params: { query: { project_id: projectId, ...page(cursor) } },
            signal,
          }),
        ),
        collectAll((cursor) =>
          client.api.GET('/v1/apps/entitlements', {
            params: { query: { project_id: projectId, ...page(cursor) } },
            signal,
          }),
        ),
      ]);
      return { apps, grants };
    },
    [client, projectId],
  );
  const apps = catalog.data?.apps ?? [];
  const categories = [...new Set(apps.flatMap((a) => a.categories))].sort();
  const shown = apps.filter((a) => matches(a, deferred, category));

  return (
    <>
      <ScreenTitle title="Apps">Apps</ScreenTitle>
      {project === undefined ? (
        <NeedsProject />
      ) : (
        <>
          <p className="muted">
            Apps published for {project.name}: launch one into a new allocation sized from its GPU profile, or
            into one you have running.
          </p>
          <div className="fields app-filters" role="search">
            <div>
              <label htmlFor={ids.search}>Search apps</label>
              <input
                id={ids.search}
                type="search"
                value={text}
                aria-describedby={ids.count}
                onChange={(e) => setText(e.target.value)}
              />
            </div>
            <div>
              <label htmlFor={ids.category}>Category</label>
              <select id={ids.category} value={category} onChange={(e) => setCategory(e.target.value)}>
                <option value="">All categories</option>
                {categories.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <ErrorMessage error={catalog.error} what="Could not load the app catalog" />
          {catalog.data === undefined ? (
            catalog.error === undefined && <Loading what="the app catalog" />
          ) : (
            <>
              <p id={ids.count} className="muted" role="status">
                {shown.length === apps.length
                  ? `${apps.length} app${apps.length === 1 ? '' : 's'}.`
                  : `${shown.length} of ${apps.length} apps match.`}
              </p>
              {apps.length === 0 ? (
                <p>No apps are published for this project yet.</p>
              ) : (
                shown.length > 0 && <CatalogTable apps={shown} grants={catalog.data.grants} />
              )}
            </>
          )}
        </>
      )}
    </>
  );
}

function CatalogTable({ apps, grants }: { apps: CatalogApp[]; grants: { app: string; active: boolean }[] }) {
  return (
    <DataTable
      caption="Apps in the catalog"
      className="app-catalog"
      columns={['App', 'Publisher', 'Latest', 'GPU profile', 'Price', 'Entitlement']}
    >
      {apps.map((app) => {
        const version = defaultVersion(app);
        const entitled = isEntitled(app.name, version, grants);
        return (
          <tr key={app.name} data-app={app.name}>
            <th scope="row">
              <Link to={appPath(app.name)}>{app.display_name ?? app.name}</Link>
              <span className="muted app-name"> {app.name}</span>
              {app.description !== null && <p className="app-description">{app.description}</p>}
            </th>
            <td>{app.publisher.name}</td>
            <td>
              {app.latest_version}
              {version?.state === 'deprecated' && <span className="muted"> (deprecated)</span>}
            </td>
            <td>{version === undefined ? '—' : profilesOf(version.gpu).minimum}</td>
            <td>{version === undefined ? '—' : priceSummary(version.prices)}</td>
            <td data-testid="entitled">
              {entitled ? (
                <span className="entitled">Entitled</span>
              ) : (
                <span className="not-entitled">Needs a grant from the publisher</span>
              )}
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}
