/**
 * One app of the project's catalog (`/apps/publisher/app`): its versions, and for the chosen one
 * its permissions, meters and prices, GPU profile and endpoints; then the launch form generated
 * from that version's parameters, the consent step and the launch (launch-panel.tsx).
 */
import { collectAll, isApiError } from '@gpuaas/sdk/browser';
import { useId, useState } from 'react';
import { dataOf } from '../../api/client.js';
import { useAsync } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import { formatTime } from '../../format.js';
import { Link } from '../../router.js';
import { ErrorMessage, Loading } from '../../ui/feedback.js';
import { ScreenTitle } from '../../ui/layout.js';
import { NeedsProject } from '../projects.js';
import { defaultVersion, isEntitled } from './app-facts.js';
import type { CatalogApp, CatalogVersion } from './app-facts.js';
import { PermissionList, PriceList, ProfileList } from './app-facts-view.js';
import { LaunchPanel } from './launch-panel.js';
import './apps.css';

export function AppDetailScreen({ app: name }: { id?: string | undefined; app?: string | undefined }) {
  const { client, project } = useConsole();
  const projectId = project?.id;
  const loaded = useAsync(
    async (signal) => {
      if (projectId === undefined || name === undefined) return undefined;
      const [app, grants] = await Promise.all([
        client.api.GET('/v1/apps/{app}', {
          params: { path: { app: name }, query: { project_id: projectId } },
          signal,
        }),
        collectAll((cursor) =>
          client.api.GET('/v1/apps/entitlements', {
            params: {
              query: {
                project_id: projectId,
                app: name,
                limit: 100,
                ...(cursor === undefined ? {} : { cursor }),
              },
            },
            signal,
          }),
        ),
      ]);
      return { app: dataOf(app), grants };
    },
    [client, projectId, name],
  );

  if (project === undefined) {
    return (
      <>
        <ScreenTitle title="App">App</ScreenTitle>
        <NeedsProject />
      </>
    );
  }
  if (isApiError(loaded.error) && loaded.error.code === 'NOT_FOUND') {
    return (
      <>
        <ScreenTitle title="App not found">App not found</ScreenTitle>
        <p>
          {project.name}&apos;s catalog has no app <code>{name}</code>.{' '}
          <Link to="/apps">Back to the apps</Link>
        </p>
      </>
    );
  }
  if (loaded.data === undefined) {
    return (
      <>
        <ScreenTitle title="App">{name ?? 'App'}</ScreenTitle>
        <ErrorMessage error={loaded.error} what="Could not load the app" />
        {loaded.error === undefined && <Loading what="the app" />}
      </>
    );
  }
  return <AppView key={project.id} app={loaded.data.app} grants={loaded.data.grants} />;
}

function AppView({ app, grants }: { app: CatalogApp; grants: { app: string; active: boolean }[] }) {
  const pickerId = useId();
  const [chosen, setChosen] = useState(() => defaultVersion(app)?.version ?? '');
  const version = app.versions.find((v) => v.version === chosen) ?? defaultVersion(app);
  const title = app.display_name ?? app.name;
  return (
    <>
      <ScreenTitle title={title}>{title}</ScreenTitle>
      <p className="muted">
        <code>{app.name}</code> by {app.publisher.name}
        {app.categories.length > 0 && <> · {app.categories.join(', ')}</>}
      </p>
      {app.description !== null && <p>{app.description}</p>}
      <div className="fields">
        <div>
          <label htmlFor={pickerId}>Version</label>
          <select id={pickerId} value={version?.version ?? ''} onChange={(e) => setChosen(e.target.value)}>
            {app.versions.map((v) => (
              <option key={v.id} value={v.version}>
                {v.version}
                {v.version === app.latest_version ? ' (latest)' : ''}
                {v.state === 'deprecated' ? ' (deprecated)' : ''}
              </option>
            ))}
          </select>
        </div>
      </div>
      {version === undefined ? (
        <p>This app has no launchable version.</p>
      ) : (
        <>
          <VersionFacts version={version} />
          <LaunchPanel
            key={version.id}
            app={app}
            version={version}
            entitled={isEntitled(app.name, version, grants)}
          />
        </>
      )}
    </>
  );
}

function VersionFacts({ version }: { version: CatalogVersion }) {
  return (
    <section className="app-facts" aria-labelledby="version-facts">
      <h2 id="version-facts">Version {version.version}</h2>
      {version.state === 'deprecated' && (
        <p className="notice">Deprecated: it still launches, but its publisher has moved on.</p>
      )}
      <dl className="facts">
        <dt>Published</dt>
        <dd>{formatTime(version.published_at)}</dd>
        <dt>Access</dt>
        <dd>{version.access === 'grant' ? 'Granted projects only' : version.access}</dd>
        <dt>Endpoints</dt>
        <dd>{version.endpoints.length === 0 ? 'none' : version.endpoints.join(', ')}</dd>
        <dt>Artifact</dt>
        <dd>
          <code className="wrap">{version.release_reference}</code>
        </dd>
      </dl>
      <div className="fact-columns">
        <div>
          <h3>GPU profile</h3>
          <ProfileList gpu={version.gpu} />
        </div>
        <div>
          <h3>Permissions</h3>
          <PermissionList permissions={version.permissions} />
        </div>
        <div>
          <h3>Meters and prices</h3>
          <PriceList prices={version.prices} />
        </div>
      </div>
    </section>
  );
}
