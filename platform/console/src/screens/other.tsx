/** Screens without data of their own: not found, and the app catalog still to come. */
import { Link } from '../router.js';
import { ScreenTitle } from '../ui/layout.js';

export function NotFoundScreen({ path }: { path: string }) {
  return (
    <>
      <ScreenTitle title="Not found">Page not found</ScreenTitle>
      <p>
        The console has no page at <code>{path}</code>. <Link to="/">Open the GPU catalog</Link>.
      </p>
    </>
  );
}

/** `/apps` and `/apps/NAME`: deep links that load the console today, the app screens later (issue 18). */
export function AppsScreen({ app }: { app?: string | undefined }) {
  return (
    <>
      <ScreenTitle title={app ?? 'Apps'}>{app === undefined ? 'Apps' : `App ${app}`}</ScreenTitle>
      <p>
        The app catalog is not in the console yet: use <code>gpuaas apps list</code>
        {app === undefined ? '' : ` and gpuaas apps show ${app}`} meanwhile.
      </p>
    </>
  );
}
