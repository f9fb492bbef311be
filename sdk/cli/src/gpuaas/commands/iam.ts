/** `gpuaas iam members list|add|set-role|remove --project P`. */
import { collectAll, ApiError } from '@gpuaas/sdk/client';
import { SdkError } from '@gpuaas/sdk/common';
import type { PlatformClient } from '@gpuaas/sdk/client';
import type { components } from '@gpuaas/platform-contract';
import { printLine } from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import {
  action,
  platformClientFor,
  compact,
  isUuid,
  printList,
  printResource,
  wantsJson,
  withGlobalOptions,
} from '../common.js';
import type { GlobalOptions } from '../common.js';
import { PROJECT_HELP, projectFor } from '../project.js';

type Member = components['schemas']['Member'];
type Role = components['schemas']['Role'];
type MemberOptions = GlobalOptions & { project?: string; role?: string };

const ROLES: readonly Role[] = ['owner', 'member', 'viewer'];

function parseRole(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) {
    throw new SdkError('USAGE', `--role must be one of ${ROLES.join(', ')} (got "${value}")`);
  }
  return value as Role;
}

async function members(client: PlatformClient, projectId: string): Promise<Member[]> {
  return collectAll((cursor) =>
    client.api.GET('/v1/projects/{project_id}/members', {
      params: { path: { project_id: projectId }, query: compact({ limit: 100, cursor }) },
    }),
  );
}

/** A member by user id or email. */
async function findMember(client: PlatformClient, projectId: string, ref: string): Promise<Member> {
  const all = await members(client, projectId);
  const found = all.find((m) => (isUuid(ref) ? m.user_id === ref : m.email === ref.toLowerCase()));
  if (found !== undefined) return found;
  throw new ApiError({
    code: 'NOT_FOUND',
    status: 404,
    title: 'Not found',
    detail: `${ref} is not a member of project ${projectId}`,
    request: 'GET /v1/projects/{project_id}/members',
  });
}

export const registerIam: RegisterCommand = (program, ctx) => {
  const { io } = ctx;
  const iam = program.command('iam').description('Identity and access management');
  const group = iam.command('members').description("A project's members and their roles");
  const projectOption = '--project <project>';

  withGlobalOptions(
    group.command('list').description('Members of a project').option(projectOption, PROJECT_HELP),
  ).action(
    action(ctx, async (options: MemberOptions) => {
      const client = await platformClientFor(io, options);
      const items = await members(client, (await projectFor(io, client, options.project)).id);
      printList(
        io,
        options,
        { items },
        ['user_id', 'email', 'role', 'created_at'],
        items.map((m) => [m.user_id, m.email, m.role, m.created_at]),
      );
    }),
  );

  withGlobalOptions(
    group
      .command('add')
      .description('Give a user (by email) a role in a project')
      .argument('<email>')
      .option(projectOption, PROJECT_HELP)
      .requiredOption('--role <role>', ROLES.join('|'), parseRole),
  ).action(
    action(ctx, async (email: string, options: MemberOptions) => {
      const client = await platformClientFor(io, options);
      const projectId = (await projectFor(io, client, options.project)).id;
      const { data } = await client.api.POST('/v1/projects/{project_id}/members', {
        params: { path: { project_id: projectId } },
        body: { email, role: options.role as Role },
      });
      printResource(io, options, data!);
    }),
  );

  withGlobalOptions(
    group
      .command('set-role')
      .description("Change a member's role")
      .argument('<member>', 'user id or email')
      .option(projectOption, PROJECT_HELP)
      .requiredOption('--role <role>', ROLES.join('|'), parseRole),
  ).action(
    action(ctx, async (ref: string, options: MemberOptions) => {
      const client = await platformClientFor(io, options);
      const projectId = (await projectFor(io, client, options.project)).id;
      const member = await findMember(client, projectId, ref);
      // Members have no GET of their own; the list's updated_at is not an ETag, so use `*`.
      const { data } = await client.api.PATCH('/v1/projects/{project_id}/members/{user_id}', {
        params: { path: { project_id: projectId, user_id: member.user_id }, header: { 'If-Match': '*' } },
        body: { role: options.role as Role },
      });
      printResource(io, options, data!);
    }),
  );

  withGlobalOptions(
    group
      .command('remove')
      .description('Remove a member from a project')
      .argument('<member>', 'user id or email')
      .option(projectOption, PROJECT_HELP),
  ).action(
    action(ctx, async (ref: string, options: MemberOptions) => {
      const client = await platformClientFor(io, options);
      const projectId = (await projectFor(io, client, options.project)).id;
      const member = await findMember(client, projectId, ref);
      await client.api.DELETE('/v1/projects/{project_id}/members/{user_id}', {
        params: { path: { project_id: projectId, user_id: member.user_id } },
      });
      if (wantsJson(options))
        printResource(io, options, { removed: true, project_id: projectId, user_id: member.user_id });
      else printLine(io, `removed ${member.email} from project ${projectId}`);
    }),
  );
};
