/**
 * `gpuaas node-credentials create|list|rotate|revoke` (operators): node agents' credentials over
 * the REST API, as `gpuaas-platform node-credentials` manages them on the database. A secret is
 * printed once (with the credential, on stdout) and a warning goes to stderr: the platform keeps
 * only a hash. `--output json` prints the API's JSON (`jq -r .secret > node.credential`).
 */
import {
  createNodeCredential,
  listNodeCredentials,
  revokeNodeCredential,
  rotateNodeCredential,
} from '@gpuaas/sdk/client';
import type { NodeCredential, NodeCredentialWithSecret } from '@gpuaas/sdk/client';
import { SdkError } from '@gpuaas/sdk/common';
import { printDiagnostic, printLine } from '../../output.js';
import type { CliIo } from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import {
  action,
  platformClientFor,
  printList,
  printResource,
  wantsJson,
  withGlobalOptions,
} from '../common.js';
import type { GlobalOptions } from '../common.js';

type Options = GlobalOptions & { node?: string; overlap?: number };

/** Whether the agent may still use it, as one word and when. */
function credentialState(c: NodeCredential): string {
  if (c.revoked_at !== null) return 'revoked';
  if (c.expires_at !== null) return Date.parse(c.expires_at) > Date.now() ? 'overlap' : 'expired';
  return 'valid';
}

function printIssued(io: CliIo, options: GlobalOptions, issued: NodeCredentialWithSecret): void {
  printDiagnostic(
    io,
    `warning: the secret of node credential ${issued.id} is shown only this once; store it now as ` +
      `the agent's --credential-file (mode 0600) for node ${issued.node_name}.`,
  );
  printResource(io, options, issued);
}

/** `--overlap` in whole seconds, 0 to 7 days (the API's bounds, checked before any request). */
function overlapSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 604_800)
    throw new SdkError('USAGE', `--overlap must be whole seconds from 0 to 604800 (got "${value}")`);
  return n;
}

export const registerNodeCredentials: RegisterCommand = (program, ctx) => {
  const { io } = ctx;
  const group = program
    .command('node-credentials')
    .description("Node agents' credentials: issue, list, rotate, revoke (operators)");

  withGlobalOptions(
    group
      .command('list')
      .description('Every credential, oldest first (never a secret)')
      .option('--node <name>', 'only those of this node'),
  ).action(
    action(ctx, async (options: Options) => {
      const client = await platformClientFor(io, options);
      const items = await listNodeCredentials(
        client,
        options.node === undefined ? {} : { node: options.node },
      );
      printList(
        io,
        options,
        { items },
        ['id', 'node_name', 'state', 'created_at', 'expires_at', 'revoked_at', 'replaces'],
        items.map((c) => [
          c.id,
          c.node_name,
          credentialState(c),
          c.created_at,
          c.expires_at ?? '-',
          c.revoked_at ?? '-',
          c.replaces ?? '-',
        ]),
      );
    }),
  );

  withGlobalOptions(
    group
      .command('create')
      .description('Issue a credential for the node of this name and print its secret once')
      .requiredOption('--node <name>', 'the node, by the name its agent registers'),
  ).action(
    action(ctx, async (options: Options & { node: string }) => {
      const client = await platformClientFor(io, options);
      printIssued(io, options, await createNodeCredential(client, options.node));
    }),
  );

  withGlobalOptions(
    group
      .command('rotate')
      .description('Issue a successor (secret printed once); the old one stays valid during the overlap')
      .argument('<credential-id>')
      .option(
        '--overlap <seconds>',
        'how long the old credential stays valid (default 3600)',
        overlapSeconds,
      ),
  ).action(
    action(ctx, async (id: string, options: Options) => {
      const client = await platformClientFor(io, options);
      const overlap = options.overlap === undefined ? {} : { overlapSeconds: options.overlap };
      printIssued(io, options, await rotateNodeCredential(client, id, overlap));
    }),
  );

  withGlobalOptions(
    group
      .command('revoke')
      .description("Refuse a credential from the agent's next request on")
      .argument('<credential-id>'),
  ).action(
    action(ctx, async (id: string, options: Options) => {
      const client = await platformClientFor(io, options);
      await revokeNodeCredential(client, id);
      if (wantsJson(options)) printResource(io, options, { id, revoked: true });
      else printLine(io, `revoked node credential ${id}`);
    }),
  );
};
