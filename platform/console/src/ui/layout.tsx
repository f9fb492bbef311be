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

interface Section {
  to: string;
  label: string;
  match: (path: string) => boolean;
}

const SECTIONS: Section[] = [
  { to: '/', label: 'GPU catalog', match: (p) => p === '/' || p.startsWith('/catalog') },
  { to: '/allocations', label: 'Allocations', match: (p) => p.startsWith('/allocations') },
  { to: '/apps', label: 'Apps', match: (p) => p.startsWith('/apps') },
  { to: '/instances', label: 'Instances', match: (p) => p.startsWith('/instances') },
  { to: '/usage', label: 'Usage', match: (p) => p.startsWith('/usage') || p.startsWith('/billing') },
  { to: '/projects', label: 'Projects', match: (p) => p.startsWith('/projects') },
  { to: '/audit', label: 'Audit', match: (p) => p.startsWith('/audit') },
];

/** Shown to operators only (the API refuses the rest anyway). */
const OPERATOR_SECTIONS: Section[] = [
  {
    to: '/operator/apps',
    label: 'App review',
    match: (p) => p === '/operator' || p.startsWith('/operator/apps'),
  },
  { to: '/operator/nodes', label: 'Nodes', match: (p) => p.startsWith('/operator/nodes') },
  { to: '/operator/quotas', label: 'Quotas', match: (p) => p.startsWith('/operator/quotas') },
  { to: '/operator/billing', label: 'Top-ups', match: (p) => p.startsWith('/operator/billing') },
];

function SectionLinks({ label, sections, path }: { label: string; sections: Section[]; path: string }) {
  return (
    <nav aria-label={label}>
      <ul>
        {sections.map((s) => (
          <li key={s.to}>
            <Link to={s.to} aria-current={s.match(path) ? 'page' : undefined}>
              {s.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

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
        <SectionLinks label="Sections" sections={SECTIONS} path={path} />
        {user?.operator === true && (
          <SectionLinks label="Operator" sections={OPERATOR_SECTIONS} path={path} />
        )}
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
