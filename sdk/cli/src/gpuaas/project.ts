/**
 * The project a project-scoped command works on, first match wins: `--project`, then
 * `GPUAAS_PROJECT`, then the current project chosen with `gpuaas projects use` (stored with the
 * login for the API URL), then — for commands that need one project — the caller's only project.
 * With none of these the command fails with PROJECT_REQUIRED listing what the caller can see.
 */
import { collectAll } from '@gpuaas/sdk/client';
import { SdkError } from '@gpuaas/sdk/common';
import type { PlatformClient } from '@gpuaas/sdk/client';
import type { CliIo } from '../output.js';
import { compact, credentialsStore, resolveProject } from './common.js';

/** Help text of a `--project` option of a project-scoped command. */
export const PROJECT_HELP = 'id or name (default: GPUAAS_PROJECT, the current project, your only project)';

export type ProjectSource = 'flag' | 'env' | 'current' | 'only';

export interface ChosenProject {
  id: string;
  name: string;
  source: ProjectSource;
}

/** `--project`, GPUAAS_PROJECT or the stored current project, resolved; undefined when none is set. */
export async function explicitProject(
  io: CliIo,
  client: PlatformClient,
  flag: string | undefined,
): Promise<ChosenProject | undefined> {
  if (flag !== undefined) return { ...(await resolveProject(client, flag)), source: 'flag' };
  const env = io.env.GPUAAS_PROJECT;
  if (env !== undefined && env !== '') return { ...(await resolveProject(client, env)), source: 'env' };
  const stored = await credentialsStore(io).project(client.baseUrl);
  return stored === undefined ? undefined : { ...stored, source: 'current' };
}

/** The project to use: explicit, else the caller's only project, else PROJECT_REQUIRED. */
export async function projectFor(
  io: CliIo,
  client: PlatformClient,
  flag: string | undefined,
): Promise<ChosenProject> {
  const chosen = await explicitProject(io, client, flag);
  if (chosen !== undefined) return chosen;
  const projects = await collectAll((cursor) =>
    client.api.GET('/v1/projects', { params: { query: compact({ limit: 100, cursor }) } }),
  );
  const [only] = projects;
  if (only !== undefined && projects.length === 1) return { id: only.id, name: only.name, source: 'only' };
  if (projects.length === 0) {
    throw new SdkError('PROJECT_REQUIRED', 'you are not a member of any project', {
      details: { hint: 'create one with `gpuaas projects create NAME`, or give --project' },
    });
  }
  throw new SdkError(
    'PROJECT_REQUIRED',
    `you can see ${projects.length} projects (${projects.map((p) => p.name).join(', ')}); which one?`,
    {
      details: {
        projects: projects.map((p) => ({ id: p.id, name: p.name })),
        hint: 'choose one for every command with `gpuaas projects use NAME`, or give --project (or GPUAAS_PROJECT)',
      },
    },
  );
}
