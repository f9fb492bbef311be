/**
 * The project an operator screen (quotas, top-ups) works on: operators see every project in
 * `GET /v1/projects` (the console's project list), so they pick any of them here. The choice is
 * kept in the address (`?project=ID`), so a link opens the same project; it starts on the project
 * the console works in.
 */
import { useId } from 'react';
import type { ReactNode } from 'react';
import { useConsole } from '../../context.js';
import type { Project } from '../../context.js';
import { shortId } from '../../format.js';
import { navigate, useLocation } from '../../router.js';
import { ErrorMessage, Loading } from '../../ui/feedback.js';
import { ScreenTitle } from '../../ui/layout.js';

export function useOperatorProject(): Project | undefined {
  const { projects, project } = useConsole();
  const { search } = useLocation();
  const chosen = search.get('project');
  return projects?.find((p) => p.id === chosen) ?? project;
}

export function OperatorProjectPicker({ selected }: { selected: Project | undefined }) {
  const { projects } = useConsole();
  const { path } = useLocation();
  const id = useId();
  if (projects === undefined || projects.length === 0) return null;
  // Names are unique within an organisation only: the id's start tells two apart.
  return (
    <div className="fields">
      <div>
        <label htmlFor={id}>Project to manage</label>
        <select
          id={id}
          value={selected?.id ?? ''}
          onChange={(e) =>
            navigate(`${path}?project=${encodeURIComponent(e.target.value)}`, { replace: true })
          }
        >
          {projects.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} ({shortId(p.id)})
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

/** An operator screen about one project: its title, the projects loading, the picker, then the project's part. */
export function OperatorProjectScreen({
  title,
  children,
}: {
  title: string;
  /** Keyed by the project by the caller's own choice: a new project starts afresh. */
  children: (project: Project) => ReactNode;
}) {
  const { projects, projectsError } = useConsole();
  const project = useOperatorProject();
  return (
    <>
      <ScreenTitle title={title}>{title}</ScreenTitle>
      <ErrorMessage error={projectsError} what="Could not load the projects" />
      {projects === undefined ? (
        projectsError === undefined && <Loading what="projects" />
      ) : project === undefined ? (
        <p>There is no project yet.</p>
      ) : (
        <>
          <OperatorProjectPicker selected={project} />
          {children(project)}
        </>
      )}
    </>
  );
}
