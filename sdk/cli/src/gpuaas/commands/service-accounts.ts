/**
 * `gpuaas service-accounts list|create|rotate|revoke --project P`. A client secret is printed
 * once (on stdout, with the account) and a warning goes to stderr: the platform keeps only a hash.
 */
import { ApiError, collectAll } from '@gpuaas/sdk/client';
import type { PlatformClient } from '@gpuaas/sdk/client';
import type { components } from '@gpuaas/platform-contract';
import { printDiagnostic, printLine } from '../../output.js';
import type { CliIo } from '../../output.js';
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

type ServiceAccount = components['schemas']['ServiceAccount'];
type SaOptions = GlobalOptions & { project?: string; scope?: string[] };

async function listAccounts(client: PlatformClient, projectId: string): Promise<ServiceAccount[]> {
  return collectAll((cursor) =>
    client.api.GET('/v1/projects/{project_id}/service-accounts', {
      params: { path: { project_id: projectId }, query: compact({ limit: 100, cursor }) },
    }),
  );
}

/** An account by id, name or client id. */
async function resolveAccountId(client: PlatformClient, projectId: string, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  const found = (await listAccounts(client, projectId)).find((a) => a.name === ref || a.client_id === ref);
  if (found !== undefined) return found.id;
  throw new ApiError({
    code: 'NOT_FOUND',
    status: 404,
    title: 'Not found',
    detail: `no service account "${ref}" in project ${projectId}`,
    request: 'GET /v1/projects/{project_id}/service-accounts',
  });
}

function printSecret(
  io: CliIo,
  options: GlobalOptions,
  account: components['schemas']['ServiceAccountWithSecret'],
): void {
  printDiagnostic(
    io,
    'warning: the client secret is shown only this once; store it now. In CI, set ' +
      `GPUAAS_CLIENT_ID=${account.client_id}, GPUAAS_CLIENT_SECRET=<the secret> and ` +
      `GPUAAS_SCOPE='${account.scopes.join(' ')}' (tokens carry only the scopes asked for).`,
  );
  printResource(io, options, { ...account, scopes: account.scopes.join(' ') });
}

export const registerServiceAccounts: RegisterCommand = (program, ctx) => {
  const { io } = ctx;
  const group = program
    .command('service-accounts')
    .description("A project's service accounts (client credentials for CI)");
  const projectOption = '--project <project>';

  withGlobalOptions(
    group.command('list').description('Service accounts of a project').option(projectOption, PROJECT_HELP),
  ).action(
    action(ctx, async (options: SaOptions) => {
      const client = await platformClientFor(io, options);
      const items = await listAccounts(client, (await projectFor(io, client, options.project)).id);
      printList(
        io,
        options,
        { items },
        ['id', 'name', 'client_id', 'scopes', 'created_at', 'revoked_at'],
        items.map((a) => [a.id, a.name, a.client_id, a.scopes.join(' '), a.created_at, a.revoked_at]),
      );
    }),
  );

  withGlobalOptions(
    group
      .command('create')
      .description('Create a service account and print its client secret once')
      .argument('<name>')
      .option(projectOption, PROJECT_HELP)
      .requiredOption('--scope <scope...>', 'scopes, e.g. projects:read members:write audit:read'),
  ).action(
    action(ctx, async (name: string, options: SaOptions) => {
      const client = await platformClientFor(io, options);
      const projectId = (await projectFor(io, client, options.project)).id;
      const { data } = await client.api.POST('/v1/projects/{project_id}/service-accounts', {
        params: { path: { project_id: projectId } },
        body: { name, scopes: options.scope ?? [] },
      });
      printSecret(io, options, data!);
    }),
  );

  withGlobalOptions(
    group
      .command('rotate')
      .description('Replace the client secret (the old one stops working) and print the new one once')
      .argument('<account>', 'id, name or client id')
      .option(projectOption, PROJECT_HELP),
  ).action(
    action(ctx, async (ref: string, options: SaOptions) => {
      const client = await platformClientFor(io, options);
      const projectId = (await projectFor(io, client, options.project)).id;
      const id = await resolveAccountId(client, projectId, ref);
      const { data } = await client.api.POST(
        '/v1/projects/{project_id}/service-accounts/{service_account_id}/rotate',
        {
          params: { path: { project_id: projectId, service_account_id: id } },
        },
      );
      printSecret(io, options, data!);
    }),
  );

  withGlobalOptions(
    group
      .command('revoke')
      .description('Revoke a service account: its secret and tokens stop working at once')
      .argument('<account>', 'id, name or client id')
      .option(projectOption, PROJECT_HELP),
  ).action(
    action(ctx, async (ref: string, options: SaOptions) => {
      const client = await platformClientFor(io, options);
      const projectId = (await projectFor(io, client, options.project)).id;
      const id = await resolveAccountId(client, projectId, ref);
      await client.api.DELETE('/v1/projects/{project_id}/service-accounts/{service_account_id}', {
        params: { path: { project_id: projectId, service_account_id: id } },
      });
      if (wantsJson(options)) printResource(io, options, { id, revoked: true });
      else printLine(io, `revoked service account ${id}`);
    }),
  );
};
