/** The screen for a path the console has no page at. */
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
