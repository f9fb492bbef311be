/**
 * The user's projects: which one the console works in, and a form to create one (a new user has
 * none: their first step).
 */
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { dataOf } from '../api/client.js';
import { useConsole } from '../context.js';
import { NAME_PATTERN } from '../format.js';
import { Link } from '../router.js';
import { ErrorMessage, Loading } from '../ui/feedback.js';
import { ScreenTitle } from '../ui/layout.js';
import { DataTable } from '../ui/loaded.js';

/** Shown where a screen needs a project and the user has none yet. */
export function NeedsProject() {
  const { projects } = useConsole();
  if (projects === undefined) return <Loading what="your projects" />;
  return (
    <p>
      You have no project yet. <Link to="/projects">Create a project</Link> to allocate GPUs.
    </p>
  );
}

function CreateProject() {
  const { client, reloadProjects, selectProject } = useConsole();
  const id = useId();
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const project = dataOf(await client.api.POST('/v1/projects', { body: { name } }));
      selectProject(project.id);
      reloadProjects();
      setName('');
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>New project</h2>
      <label htmlFor={id}>Name</label>
      <input
        id={id}
        name="name"
        required
        pattern={NAME_PATTERN}
        maxLength={63}
        aria-describedby={`${id}-hint`}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <p id={`${id}-hint`} className="muted">
        Lower-case letters, digits and dashes.
      </p>
      <ErrorMessage error={error} what="Could not create the project" />
      <button type="submit" className="primary" disabled={busy}>
        Create project
      </button>
    </form>
  );
}

export function ProjectsScreen() {
  const { projects, projectsError, project, selectProject } = useConsole();
  return (
    <>
      <ScreenTitle title="Projects">Projects</ScreenTitle>
      <ErrorMessage error={projectsError} what="Could not load your projects" />
      {projects === undefined ? (
        projectsError === undefined && <Loading what="your projects" />
      ) : projects.length === 0 ? (
        <p>You have no project yet: create one to allocate GPUs.</p>
      ) : (
        <DataTable caption="Your projects" columns={['Project', 'Your role', { hidden: 'In use' }]}>
          {projects.map((p) => (
            <tr key={p.id}>
              <th scope="row">
                <Link to={`/projects/${p.id}`}>{p.name}</Link>
              </th>
              <td>{p.role ?? 'operator'}</td>
              <td>
                {p.id === project?.id ? (
                  <span>In use</span>
                ) : (
                  <button type="button" onClick={() => selectProject(p.id)}>
                    Use<span className="visually-hidden"> {p.name}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <CreateProject />
    </>
  );
}
