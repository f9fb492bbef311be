/**
 * `gpuaas projects list|get|create|update|quota|use|current`. `use` chooses the project every
 * project-scoped command defaults to, stored with the login for the API URL (project.ts).
 */
import type { Command } from 'commander';
import { collectAll } from '@gpuaas/sdk/client';
import type { components } from '@gpuaas/platform-contract';
import type { RegisterCommand } from '../../run.js';
import {
  action,
  platformClientFor,
  compact,
  printList,
  credentialsStore,
  printResource,
  resolveProject,
  resolveProjectId,
  wantsJson,
  withGlobalOptions,
} from '../common.js';
import type { GlobalOptions } from '../common.js';
import { printLine } from '../../output.js';
import { explicitProject } from '../project.js';
import { registerProjectQuota } from './ops.js';

type Project = components['schemas']['Project'];

const COLUMNS = ['id', 'name', 'role', 'description', 'created_at'] as const;
const row = (p: Project): unknown[] => [p.id, p.name, p.role, p.description, p.created_at];

export const registerProjects: RegisterCommand = (program, ctx) => {
  const { io } = ctx;
  const projects = program
    .command('projects')
    .description('List, show, create and update projects; show their GPU quota');

  withGlobalOptions(projects.command('list').description('Projects you can see')).action(
    action(ctx, async (options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      const items: Project[] = await collectAll((cursor) =>
        client.api.GET('/v1/projects', { params: { query: compact({ limit: 100, cursor }) } }),
      );
      printList(io, options, { items }, COLUMNS, items.map(row));
    }),
  );

  withGlobalOptions(
    projects.command('get').description('One project').argument('<project>', 'id or name'),
  ).action(
    action(ctx, async (ref: string, options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      const projectId = await resolveProjectId(client, ref);
      const { data } = await client.api.GET('/v1/projects/{project_id}', {
        params: { path: { project_id: projectId } },
      });
      printResource(io, options, data!);
    }),
  );

  withGlobalOptions(
    projects
      .command('create')
      .description('Create a project; you become its owner')
      .argument('<name>', 'lower-case letters, digits and dashes')
      .option('--description <text>', 'what the project is for')
      .option('--organization <id>', 'organisation id (default: your personal organisation)'),
  ).action(
    action(
      ctx,
      async (name: string, options: GlobalOptions & { description?: string; organization?: string }) => {
        const client = await platformClientFor(io, options);
        const body: components['schemas']['ProjectCreate'] = { name };
        if (options.description !== undefined) body.description = options.description;
        if (options.organization !== undefined) body.organization_id = options.organization;
        const { data } = await client.api.POST('/v1/projects', { body });
        printResource(io, options, data!);
      },
    ),
  );

  registerProjectQuota(projects, ctx);

  withGlobalOptions(
    projects
      .command('use')
      .description('Make a project the default of every project-scoped command (kept with your login)')
      .argument('[project]', 'id or name; leave out with --clear')
      .option('--clear', 'forget the current project'),
  ).action(
    action(
      ctx,
      async (ref: string | undefined, options: GlobalOptions & { clear?: boolean }, cmd: Command) => {
        if ((ref === undefined) === (options.clear !== true))
          cmd.error('give a project, or --clear', { exitCode: 2 });
        const client = await platformClientFor(io, options);
        const store = credentialsStore(io);
        if (ref === undefined) {
          await store.setProject(client.baseUrl, undefined);
          if (wantsJson(options)) printResource(io, options, { api_url: client.baseUrl, project: null });
          else printLine(io, `no current project for ${client.baseUrl}`);
          return;
        }
        // Read back, so a project that does not exist (or is not yours to see) is never stored.
        const { id } = await resolveProject(client, ref);
        const { data } = await client.api.GET('/v1/projects/{project_id}', {
          params: { path: { project_id: id } },
        });
        await store.setProject(client.baseUrl, { id: data!.id, name: data!.name });
        if (wantsJson(options))
          printResource(io, options, {
            api_url: client.baseUrl,
            project: { id: data!.id, name: data!.name },
          });
        else printLine(io, `current project for ${client.baseUrl}: ${data!.name} (${data!.id})`);
      },
    ),
  );

  withGlobalOptions(
    projects.command('current').description('The project commands use now, and where that choice comes from'),
  ).action(
    action(ctx, async (options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      const chosen = await explicitProject(io, client, undefined);
      const source = {
        env: 'GPUAAS_PROJECT',
        current: 'gpuaas projects use',
        flag: '--project',
        only: 'only project',
      };
      if (wantsJson(options)) {
        printResource(io, options, {
          api_url: client.baseUrl,
          project: chosen === undefined ? null : { id: chosen.id, name: chosen.name },
          source: chosen === undefined ? null : source[chosen.source],
        });
      } else if (chosen === undefined) {
        printLine(io, `no current project for ${client.baseUrl}: set one with \`gpuaas projects use NAME\``);
      } else {
        printLine(io, `${chosen.name} (${chosen.id}) from ${source[chosen.source]}`);
      }
    }),
  );

  withGlobalOptions(
    projects
      .command('update')
      .description('Rename a project or change its description')
      .argument('<project>', 'id or name')
      .option('--name <name>', 'new name')
      .option('--description <text>', 'new description ("" clears it)'),
  ).action(
    action(
      ctx,
      async (ref: string, options: GlobalOptions & { name?: string; description?: string }, cmd: Command) => {
        const body: components['schemas']['ProjectUpdate'] = {};
        if (options.name !== undefined) body.name = options.name;
        if (options.description !== undefined)
          body.description = options.description === '' ? null : options.description;
        if (Object.keys(body).length === 0) cmd.error('give --name and/or --description', { exitCode: 2 });
        const client = await platformClientFor(io, options);
        const projectId = await resolveProjectId(client, ref);
        const path = { project_id: projectId };
        // The update is conditional on the version just read, so a concurrent edit is not lost.
        const current = await client.api.GET('/v1/projects/{project_id}', { params: { path } });
        const etag = current.response.headers.get('etag') ?? '*';
        const { data } = await client.api.PATCH('/v1/projects/{project_id}', {
          params: { path, header: { 'If-Match': etag } },
          body,
        });
        printResource(io, options, data!);
      },
    ),
  );
};
