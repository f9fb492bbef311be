/**
 * The console's root: the sign-in state decides between the signed-in screens and the pages of
 * the sign-in flow (starting, leaving for the provider, signed out, failed).
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { ReactNode } from 'react';
import type { Auth } from './auth/auth.js';
import { ConsoleProvider } from './context.js';
import { matchRoute, useLocation } from './router.js';
import { AllocationScreen } from './screens/allocation-detail.js';
import { AllocationsScreen } from './screens/allocations.js';
import { CatalogScreen } from './screens/catalog.js';
import { AuditScreen } from './screens/admin/audit.js';
import { ProjectScreen } from './screens/admin/project-detail.js';
import { AppCatalogScreen } from './screens/apps/app-catalog.js';
import { AppDetailScreen } from './screens/apps/app-detail.js';
import { InstanceScreen } from './screens/instances/instance-detail.js';
import { InstancesScreen } from './screens/instances/instances.js';
import { AppReviewScreen } from './screens/operator/app-review.js';
import { AppVersionReviewScreen } from './screens/operator/app-version.js';
import { NodesScreen } from './screens/operator/nodes.js';
import { OperatorBillingScreen } from './screens/operator/operator-billing.js';
import { QuotasScreen } from './screens/operator/quotas.js';
import { NotFoundScreen } from './screens/other.js';
import { ProjectsScreen } from './screens/projects.js';
import { BillingScreen } from './screens/usage/billing.js';
import { UsageScreen } from './screens/usage/usage.js';
import { Layout } from './ui/layout.js';

function Screen() {
  const { path } = useLocation();
  const route = matchRoute(path);
  switch (route.name) {
    case 'catalog':
      return <CatalogScreen />;
    case 'allocations':
      return <AllocationsScreen />;
    case 'allocation':
      return <AllocationScreen key={route.id} id={route.id} />;
    case 'projects':
      return <ProjectsScreen />;
    case 'project':
      return <ProjectScreen key={route.id} id={route.id} />;
    case 'apps':
      return <AppCatalogScreen />;
    case 'app':
      return <AppDetailScreen key={route.app} app={route.app} />;
    case 'instances':
      return <InstancesScreen />;
    case 'instance':
      return <InstanceScreen key={route.id} id={route.id} />;
    case 'usage':
      return <UsageScreen />;
    case 'billing':
      return <BillingScreen />;
    case 'audit':
      return <AuditScreen />;
    case 'operator-apps':
      return <AppReviewScreen />;
    case 'operator-app-version':
      return <AppVersionReviewScreen key={route.id} id={route.id} />;
    case 'operator-nodes':
      return <NodesScreen />;
    case 'operator-quotas':
      return <QuotasScreen />;
    case 'operator-billing':
      return <OperatorBillingScreen />;
    case 'not-found':
      return <NotFoundScreen path={route.path} />;
  }
}

/** The pages outside the signed-in console. */
function Outside({ title, children }: { title: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · GPUaaS`;
  }, [title]);
  return (
    <main id="main" className="outside">
      <h1>{title}</h1>
      {children}
    </main>
  );
}

export function App({ auth }: { auth: Auth }) {
  const view = useSyncExternalStore(auth.subscribe, auth.getView);
  switch (view.kind) {
    case 'starting':
      return (
        <Outside title="GPUaaS console">
          <p role="status">Loading…</p>
        </Outside>
      );
    case 'leaving':
      return (
        <Outside title="GPUaaS console">
          <p role="status">{view.message}</p>
        </Outside>
      );
    case 'signed-out':
      return (
        <Outside title="Signed out">
          <p>You are signed out of the GPUaaS console.</p>
          <button type="button" className="primary" onClick={() => void auth.signIn('/')}>
            Sign in
          </button>
        </Outside>
      );
    case 'failed':
      return (
        <Outside title="Cannot sign in">
          <p role="alert">{view.message}</p>
          <button type="button" className="primary" onClick={() => void auth.signIn('/')}>
            Sign in again
          </button>
        </Outside>
      );
    case 'signed-in':
      return (
        <ConsoleProvider auth={auth} session={view.session}>
          <Layout>
            <Screen />
          </Layout>
        </ConsoleProvider>
      );
  }
}
