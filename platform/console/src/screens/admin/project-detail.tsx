/**
 * One project (`/projects/ID`): its facts, its members and roles, and for its owners (and
 * operators) its service accounts and a link to its audit log. A project the user cannot see is
 * "not found", as the platform answers it.
 */
import { isApiError } from '@gpuaas/sdk/browser';
import { dataOf } from '../../api/client.js';
import { useAsync } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import { formatTime } from '../../format.js';
import { Link } from '../../router.js';
import { ErrorMessage, Loading } from '../../ui/feedback.js';
import { ScreenTitle } from '../../ui/layout.js';
import { auditPathOf } from './audit-query.js';
import { MembersSection } from './members.js';
import { ServiceAccountsSection } from './service-accounts.js';
import './admin.css';

export function ProjectScreen({ id }: { id?: string | undefined; app?: string | undefined }) {
  const projectId = id ?? '';
  const { client, user, project: inUse, selectProject } = useConsole();
  const loaded = useAsync(
    async (signal) =>
      dataOf(
        await client.api.GET('/v1/projects/{project_id}', {
          params: { path: { project_id: projectId } },
          signal,
        }),
      ),
    [client, projectId],
  );
  const project = loaded.data;

  if (project === undefined) {
    if (loaded.error === undefined) return <Loading what="the project" />;
    const missing = isApiError(loaded.error) && loaded.error.status === 404;
    return (
      <>
        <ScreenTitle title="Project not found">{missing ? 'Project not found' : 'Project'}</ScreenTitle>
        {missing ? (
          <p>No project {projectId} is visible to you.</p>
        ) : (
          <ErrorMessage error={loaded.error} what="Could not load the project" />
        )}
        <p>
          <Link to="/projects">All projects</Link>
        </p>
      </>
    );
  }

  const operator = user?.operator === true;
  const canManage = project.role === 'owner' || operator;
  return (
    <>
      <ScreenTitle title={`Project ${project.name}`}>Project {project.name}</ScreenTitle>
      <p>
        <Link to="/projects">All projects</Link>
      </p>
      <section className="card" aria-labelledby="project-facts">
        <h2 id="project-facts">About</h2>
        <dl className="facts">
          <dt>Id</dt>
          <dd>
            <code>{project.id}</code>
          </dd>
          <dt>Your role</dt>
          <dd data-testid="project-role">{project.role ?? (operator ? 'operator' : '—')}</dd>
          {project.description !== null && (
            <>
              <dt>Description</dt>
              <dd>{project.description}</dd>
            </>
          )}
          <dt>Created</dt>
          <dd>{formatTime(project.created_at)}</dd>
        </dl>
        <div className="actions">
          {inUse?.id === project.id ? (
            <span>The console works in this project.</span>
          ) : (
            project.role !== null && (
              <button type="button" onClick={() => selectProject(project.id)}>
                Work in {project.name}
              </button>
            )
          )}
          {canManage && <Link to={auditPathOf({ project: project.id })}>Audit log of {project.name}</Link>}
        </div>
      </section>
      <MembersSection project={project} canManage={canManage} />
      {canManage ? (
        <ServiceAccountsSection project={project} />
      ) : (
        <section aria-labelledby="accounts-heading">
          <h2 id="accounts-heading">Service accounts</h2>
          <p className="muted">Only the project&apos;s owners see and manage its service accounts.</p>
        </section>
      )}
    </>
  );
}
