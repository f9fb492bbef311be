/**
 * What every screen of a signed-in console shares: the platform client, the session (sign-out),
 * the signed-in user, the projects they can see and the one the screens work in. The chosen
 * project's id is remembered in localStorage (an id, not a secret) and checked against the
 * user's projects, so another user of the same browser never starts in it.
 */
import { createContext, useCallback, useContext, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { collectAll } from '@gpuaas/sdk/browser';
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import type { Auth } from './auth/auth.js';
import type { ConsoleSession } from './auth/session.js';
import { createConsoleClient, dataOf } from './api/client.js';
import type { PlatformClient } from './api/client.js';
import { useAsync } from './api/use-async.js';

export type Project = PlatformComponents['schemas']['Project'];
export type User = PlatformComponents['schemas']['User'];

export interface ConsoleContextValue {
  auth: Auth;
  session: ConsoleSession;
  client: PlatformClient;
  user: User | undefined;
  projects: Project[] | undefined;
  projectsError: unknown;
  /** The project the screens work in; undefined while loading or when the user has none. */
  project: Project | undefined;
  selectProject: (id: string) => void;
  reloadProjects: () => void;
}

const ConsoleContext = createContext<ConsoleContextValue | undefined>(undefined);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (value === undefined) throw new Error('useConsole outside ConsoleProvider');
  return value;
}

const PROJECT_KEY = 'gpuaas.console.project';

function rememberedProject(): string | null {
  try {
    return localStorage.getItem(PROJECT_KEY);
  } catch {
    return null;
  }
}

export function ConsoleProvider({
  auth,
  session,
  children,
}: {
  auth: Auth;
  session: ConsoleSession;
  children: ReactNode;
}) {
  const client = useMemo(() => createConsoleClient(session, location.origin), [session]);
  const user = useAsync(async (signal) => dataOf(await client.api.GET('/v1/users/me', { signal })), [client]);
  const projects = useAsync(
    (signal) =>
      collectAll((cursor) =>
        client.api.GET('/v1/projects', {
          params: { query: cursor === undefined ? { limit: 100 } : { limit: 100, cursor } },
          signal,
        }),
      ),
    [client],
  );
  const [chosen, setChosen] = useState<string | null>(rememberedProject);
  const project = projects.data?.find((p) => p.id === chosen) ?? projects.data?.[0];
  const selectProject = useCallback((id: string) => {
    setChosen(id);
    try {
      localStorage.setItem(PROJECT_KEY, id);
    } catch {
      // Not remembered across reloads; the choice still holds in this page.
    }
  }, []);
  const value: ConsoleContextValue = {
    auth,
    session,
    client,
    user: user.data,
    projects: projects.data,
    projectsError: projects.error,
    project,
    selectProject,
    reloadProjects: projects.reload,
  };
  return <ConsoleContext.Provider value={value}>{children}</ConsoleContext.Provider>;
}
