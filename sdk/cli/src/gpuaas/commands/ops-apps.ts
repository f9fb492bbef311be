/**
 * `gpuaas ops apps pending|show|approve|reject|publish|deprecate|revoke`: the operators' review of
 * registered app versions. Every action is pinned to one version (an id, or REF@sha256:… resolved
 * by listing), never to a tag or a whole namespace. Approve and revoke change what tenants can run,
 * so they ask first on a terminal and need `--yes` anywhere else (CI, pipes).
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import {
  PENDING_APP_VERSION_STATE,
  approveAppVersion,
  deprecateAppVersion,
  listAppVersions,
  publishAppVersion,
  readAppVersion,
  rejectAppVersion,
  resolveAppVersionId,
  resolveProjectId,
  revokeAppVersion,
} from '@gpuaas/sdk/client';
import type {
  AppAccess,
  AppVersion,
  AppVersionDetail,
  Approval,
  ApprovalScope,
  PlatformClient,
} from '@gpuaas/sdk/client';
import { SdkError } from '@gpuaas/sdk/common';
import { isInteractive, printDiagnostic } from '../../output.js';
import type { CliIo } from '../../output.js';
import type { CommandContext } from '../../run.js';
import { action, platformClientFor, printList, withGlobalOptions } from '../common.js';
import type { GlobalOptions } from '../common.js';
import { collect } from '../format.js';
import { VERSION_COLUMNS, printVersion, printVersionDetail, toArray, versionRow } from './apps-registry.js';

const SCOPES: readonly ApprovalScope[] = ['platform', 'organization', 'project'];

interface ApproveOptions extends GlobalOptions {
  scope?: string;
  scopeId?: string;
  yes?: boolean;
}

interface RevokeOptions extends GlobalOptions {
  reason: string;
  stopRunning?: boolean;
  yes?: boolean;
}

/**
 * `--scope` and `--scope-id` as an approval, checked before any request: `platform` takes no id,
 * `organization` and `project` need one (a project may be named; it is resolved later).
 */
export function parseApproval(options: { scope?: string; scopeId?: string }): Approval {
  const scope = SCOPES.find((s) => s === (options.scope ?? 'platform'));
  if (scope === undefined) {
    throw new SdkError('USAGE', `--scope must be one of ${SCOPES.join(', ')} (got "${options.scope}")`);
  }
  if (scope === 'platform') {
    if (options.scopeId !== undefined) throw new SdkError('USAGE', '--scope platform takes no --scope-id');
    return { scope };
  }
  if (options.scopeId === undefined) {
    throw new SdkError('USAGE', `--scope ${scope} needs --scope-id (the ${scope}'s id)`);
  }
  return { scope, scopeId: options.scopeId };
}

/**
 * Whether to ask before a change tenants feel: not with `--yes`; on a terminal, yes; anywhere else
 * (CI, pipes) the command is refused before any request, so a script never approves or revokes by
 * accident.
 */
export function mustAsk(io: CliIo, yes: boolean | undefined, verb: string): boolean {
  if (yes === true) return false;
  if (!isInteractive(io)) {
    throw new SdkError('USAGE', `${verb} needs --yes when there is no terminal to ask`, {
      details: { hint: 'read the version with `gpuaas ops apps show`, then add --yes' },
    });
  }
  return true;
}

/** Asks a yes/no question on stderr; anything but y/yes changes nothing (USAGE). */
export async function confirm(io: CliIo, question: string): Promise<void> {
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  try {
    io.stderr.write(`${question} [y/N] `);
    const next = await rl[Symbol.asyncIterator]().next();
    const answer: string = next.done === true ? '' : next.value;
    if (!/^y(es)?$/i.test(answer.trim())) throw new SdkError('USAGE', 'not confirmed: nothing changed');
  } finally {
    rl.close();
  }
}

function label(v: AppVersion): string {
  return `${v.app} ${v.version} (${v.registry}/${v.repository}@${v.digest})`;
}

async function versionFor(client: PlatformClient, ref: string): Promise<AppVersionDetail> {
  return readAppVersion(client, await resolveAppVersionId(client, ref));
}

const ACCESS: readonly AppAccess[] = ['free', 'paid', 'grant'];

/** `--access`: one of the platform's access kinds, checked before any request. */
export function parseAccess(text: string): AppAccess {
  const access = ACCESS.find((a) => a === text);
  if (access === undefined)
    throw new SdkError('USAGE', `--access must be one of ${ACCESS.join(', ')} (got "${text}")`);
  return access;
}

export function registerOpsApps(ops: Command, ctx: CommandContext): void {
  const { io } = ctx;
  const apps = ops
    .command('apps')
    .description('Review registered app versions: approve, reject, publish, revoke');
  const versionArg = (c: Command) => c.argument('<version>', 'version id, or REF@sha256:…');

  withGlobalOptions(
    apps.command('pending').description('Versions awaiting review (verified), every project, oldest first'),
  ).action(
    action(ctx, async (options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      const items = await toArray(listAppVersions(client, { state: PENDING_APP_VERSION_STATE }));
      items.sort((a, b) => a.submitted_at.localeCompare(b.submitted_at));
      printList(io, options, { items }, VERSION_COLUMNS, items.map(versionRow));
    }),
  );

  withGlobalOptions(
    versionArg(
      apps
        .command('show')
        .description(
          'Manifest, permissions, GPU profile, prices, signer, and the diff against the previous approved version',
        ),
    ),
  ).action(
    action(ctx, async (ref: string, options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      printVersionDetail(io, options, await versionFor(client, ref));
    }),
  );

  withGlobalOptions(
    versionArg(
      apps
        .command('approve')
        .description(
          'Approve a verified version, pinned to its digest, for a scope (promotes it into the release namespace)',
        )
        .option('--scope <scope>', 'platform (default), organization or project')
        .option('--scope-id <id>', 'the organization id, or the project (id or name)')
        .option('--yes', 'approve without asking (required without a terminal)'),
    ),
  ).action(
    action(ctx, async (ref: string, options: ApproveOptions) => {
      const approval = parseApproval(options);
      const ask = mustAsk(io, options.yes, 'approve');
      const client = await platformClientFor(io, options);
      const version = await versionFor(client, ref);
      if (approval.scope === 'project' && approval.scopeId !== undefined)
        approval.scopeId = await resolveProjectId(client, approval.scopeId);
      const where = approval.scope === 'platform' ? 'every project' : `${approval.scope} ${approval.scopeId}`;
      if (ask) await confirm(io, `Approve ${label(version)} for ${where}?`);
      printVersion(io, options, await approveAppVersion(client, version.id, approval));
    }),
  );

  withGlobalOptions(
    versionArg(
      apps
        .command('reject')
        .description('Reject a submitted or verified version; the publisher sees the reason')
        .requiredOption('--reason <text>', 'why (shown to the publisher)'),
    ),
  ).action(
    action(ctx, async (ref: string, options: GlobalOptions & { reason: string }) => {
      const client = await platformClientFor(io, options);
      const id = await resolveAppVersionId(client, ref);
      printVersion(io, options, await rejectAppVersion(client, id, options.reason));
    }),
  );

  withGlobalOptions(
    versionArg(
      apps
        .command('publish')
        .description('Publish an approved version to the tenants in its scope')
        .option(
          '--access <access>',
          'free | paid (prices charged) | grant (granted projects only); default: paid with prices, else free',
          parseAccess,
        )
        .option(
          '--channel <channel>',
          'a release channel to publish it in (repeatable; default stable): instances following it are upgraded or told',
          collect,
        ),
    ),
  ).action(
    action(ctx, async (ref: string, options: GlobalOptions & { access?: AppAccess; channel?: string[] }) => {
      const client = await platformClientFor(io, options);
      const id = await resolveAppVersionId(client, ref);
      printVersion(io, options, await publishAppVersion(client, id, options.access, options.channel));
    }),
  );

  withGlobalOptions(
    versionArg(
      apps
        .command('deprecate')
        .description('Deprecate a published version: still launchable, with a warning')
        .option('--reason <text>', 'why (shown at launch)'),
    ),
  ).action(
    action(ctx, async (ref: string, options: GlobalOptions & { reason?: string }) => {
      const client = await platformClientFor(io, options);
      const id = await resolveAppVersionId(client, ref);
      printVersion(io, options, await deprecateAppVersion(client, id, options.reason));
    }),
  );

  withGlobalOptions(
    versionArg(
      apps
        .command('revoke')
        .description('Revoke an approved, published or deprecated version: no new launch of its digest')
        .requiredOption('--reason <text>', 'why (audited, on the event stream)')
        .option('--stop-running', 'also stop the instances running it now')
        .option('--yes', 'revoke without asking (required without a terminal)'),
    ),
  ).action(
    action(ctx, async (ref: string, options: RevokeOptions) => {
      const ask = mustAsk(io, options.yes, 'revoke');
      const client = await platformClientFor(io, options);
      const version = await versionFor(client, ref);
      const running = options.stopRunning === true ? ' and stop its running instances' : '';
      if (ask) await confirm(io, `Revoke ${label(version)}${running}?`);
      const revoked = await revokeAppVersion(client, version.id, {
        reason: options.reason,
        ...(options.stopRunning === true ? { stopRunning: true } : {}),
      });
      printVersion(io, options, revoked);
      if (options.stopRunning !== true) {
        printDiagnostic(io, 'instances running it keep running; --stop-running stops them');
      }
    }),
  );
}
