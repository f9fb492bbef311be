/**
 * The frame of every signed-in screen: a skip link, the banner with the navigation, the project
 * in use, the theme and the user's sign-out, and the main region. On each route change the
 * screen's heading takes the focus (so screen readers announce it and Tab starts from there) and
 * the document title follows.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useConsole } from '../context.js';
import { Link, takeFocusRequest, useLocation } from '../router.js';
import { applyTheme, storedTheme } from './theme.js';
import type { ThemeChoice } from './theme.js';

const SECTIONS = [
  { to: '/', label: 'GPU catalog', match: (p: string) => p === '/' || p.startsWith('/catalog') },
  { to: '/allocations', label: 'Allocations', match: (p: string) => p.startsWith('/allocations') },
  { to: '/projects', label: 'Projects', match: (p: string) => p.startsWith('/projects') },
];

function ProjectPicker() {
  const { projects, project, selectProject } = useConsole();
  const id = useId();
  if (projects === undefined) return null;
  if (projects.length === 0) {
    return <Link to="/projects">Create a project</Link>;
  }
  return (
    <span className="picker">
      <label htmlFor={id}>Project</label>
      <select id={id} value={project?.id ?? ''} onChange={(e) => selectProject(e.target.value)}>
        {projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </span>
  );
}

function ThemePicker() {
  const [theme, setTheme] = useState<ThemeChoice>(storedTheme);
  const id = useId();
  return (
    <span className="picker">
      <label htmlFor={id}>Theme</label>
      <select
        id={id}
        value={theme}
        onChange={(e) => {
          const next = e.target.value as ThemeChoice;
          setTheme(next);
          applyTheme(next);
        }}
      >
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </span>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { user, session } = useConsole();
  const { path } = useLocation();
  const [signingOut, setSigningOut] = useState(false);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="banner">
        <Link to="/" className="brand">
          GPUaaS
        </Link>
        <nav aria-label="Sections">
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.to}>
                <Link to={s.to} aria-current={s.match(path) ? 'page' : undefined}>
                  {s.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          <ProjectPicker />
          <ThemePicker />
          {user !== undefined && <span className="muted">{user.email}</span>}
          <button
            type="button"
            disabled={signingOut}
            onClick={() => {
              setSigningOut(true);
              void session.signOut();
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/** A screen's heading: the document title, and the focus after navigation. */
export function ScreenTitle({ children, title }: { children: ReactNode; title: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · GPUaaS`;
  }, [title]);
  useEffect(() => {
    // Only after an in-page navigation: on first load the page keeps the browser's own focus.
    if (takeFocusRequest()) heading.current?.focus();
  }, []);
  return (
    <h1 tabIndex={-1} ref={heading}>
      {children}
    </h1>
  );
}
