/**
 * `gpuaas apps keys add|list|retire`, `gpuaas apps register REF`, `gpuaas apps versions list|show`
 * and `gpuaas apps trust`: a publisher project's signing keys and the app versions it registers
 * with the platform (docs/publishing.md). The review of those versions is `gpuaas ops apps`
 * (ops-apps.ts); the app an allocation runs is `gpuaas app` (app.ts).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  addPublisherKey,
  isUuid,
  listAppVersions,
  listPublisherKeys,
  parseVersionReference,
  readAppTrust,
  readAppVersion,
  registerAppVersion,
  resolveAppVersionId,
  retirePublisherKey,
} from '@gpuaas/sdk/client';
import type { AppVersion, AppVersionDetail, AppVersionState, PublisherKey } from '@gpuaas/sdk/client';
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
import { PROJECT_HELP, projectFor } from '../project.js';
import { registerAppsCatalog } from './apps-catalog.js';
import { registerAppsInstances } from './apps-instances.js';

interface ProjectOptions extends GlobalOptions {
  project?: string;
}

export const APP_VERSION_STATES: readonly AppVersionState[] = [
  'submitted',
  'verified',
  'rejected',
  'approved',
  'published',
  'deprecated',
  'revoked',
];

/** `--state`: one of the version states, checked before any request. */
export function parseState(text: string): AppVersionState {
  const state = APP_VERSION_STATES.find((s) => s === text);
  if (state === undefined) {
    throw new SdkError('USAGE', `--state must be one of ${APP_VERSION_STATES.join(', ')} (got "${text}")`);
  }
  return state;
}

/** What `keys add` sends: a public key file's PEM, or a keyless identity; never a private key. */
export async function publisherKeyBody(
  io: CliIo,
  file: string | undefined,
  options: { issuer?: string; subject?: string },
): Promise<{ publicKey: string } | { issuer: string; subject: string }> {
  const keyless = options.issuer !== undefined || options.subject !== undefined;
  if (file !== undefined && keyless) {
    throw new SdkError('USAGE', 'give PUBKEY_FILE or --issuer with --subject, not both');
  }
  if (keyless) {
    if (options.issuer === undefined || options.subject === undefined) {
      throw new SdkError('USAGE', 'a keyless identity needs both --issuer URL and --subject S');
    }
    return { issuer: options.issuer, subject: options.subject };
  }
  if (file === undefined) {
    throw new SdkError(
      'USAGE',
      'keys add needs PUBKEY_FILE (PREFIX.pub from gpuaas-app keygen) or --issuer and --subject',
    );
  }
  const path = resolve(io.cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SdkError('IO_ERROR', `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  // The platform would refuse it, but only after it had travelled: keep private keys at home.
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    throw new SdkError('USAGE', `${file} holds a private key; register its public half (PREFIX.pub)`, {
      details: {
        hint: 'gpuaas-app keygen wrote PREFIX.key (private, keep it) and PREFIX.pub (register this one)',
      },
    });
  }
  return { publicKey: text };
}

const KEY_COLUMNS = ['key_id', 'name', 'kind', 'identity', 'created_at', 'retired_at'];

function keyRow(k: PublisherKey): unknown[] {
  return [
    k.key_id,
    k.name ?? '-',
    k.kind,
    k.kind === 'keyless' ? `${k.issuer ?? ''} ${k.subject ?? ''}` : '-',
    k.created_at,
    k.retired_at ?? '-',
  ];
}

/** `sha256:0123456789ab`: enough of a digest to tell versions apart in a table. */
function shortDigest(digest: string): string {
  return digest.slice(0, 'sha256:'.length + 12);
}

export const VERSION_COLUMNS = [
  'id',
  'app',
  'version',
  'state',
  'repository',
  'tag',
  'digest',
  'submitted_at',
];

export function versionRow(v: AppVersion): unknown[] {
  return [
    v.id,
    v.app,
    v.version,
    v.state,
    `${v.registry}/${v.repository}`,
    v.tag ?? '-',
    shortDigest(v.digest),
    v.submitted_at,
  ];
}

function rejectionLines(version: AppVersion): string[] {
  return (version.errors ?? []).map(
    (e) => `${e.code}: ${e.message}${e.pointer === undefined || e.pointer === null ? '' : ` (${e.pointer})`}`,
  );
}

/** One version as `field value` lines (the API's document with --output json). */
export function printVersion(io: CliIo, options: GlobalOptions, v: AppVersion): void {
  if (wantsJson(options)) {
    printResource(io, options, v);
    return;
  }
  printResource(io, options, {
    id: v.id,
    reference: v.reference,
    tag: v.tag ?? '-',
    app: `${v.app} ${v.version}`,
    state: v.state,
    project_id: v.project_id,
    signer_key_id: v.signer_key_id ?? '-',
    permissions: v.permissions.join(', ') || '-',
    submitted: `${v.submitted_at} by ${v.submitted_by}`,
    reviewed: v.reviewed_at === null ? '-' : `${v.reviewed_at} by ${v.reviewed_by ?? '?'}`,
    reason: v.reason ?? '-',
    approval:
      v.approval === null
        ? '-'
        : v.approval.scope === 'platform'
          ? 'platform'
          : `${v.approval.scope} ${v.approval.scope_id ?? ''}`,
    release_reference: v.release_reference ?? '-',
    revoked_at: v.revoked_at ?? '-',
    errors: rejectionLines(v).join('; ') || '-',
  });
}

type Manifest = Record<string, unknown>;

/** A manifest or diff value as table text: JSON for anything but plain scalars, `-` for none. */
function text(value: unknown): string {
  if (value === undefined || value === null) return '-';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The GPU profiles a reviewer weighs: `minimum 1× ≥24 GiB; recommended 1× H100-80GB`. */
function gpuSummary(manifest: Manifest): string {
  const resources = record(manifest.resources);
  const parts: string[] = [];
  for (const profile of ['minimum', 'recommended'] as const) {
    const gpus = record(record(resources?.[profile])?.gpus);
    if (gpus === undefined) continue;
    const models = Array.isArray(gpus.models) ? ` ${gpus.models.join('|')}` : '';
    const memory = gpus.minMemoryGiB === undefined ? '' : ` ≥${text(gpus.minMemoryGiB)} GiB`;
    parts.push(`${profile} ${text(gpus.count ?? 1)}×${models}${memory}`);
  }
  return parts.join('; ') || '-';
}

/** The prices the tenant pays on top of GPU time: `USD 0.50/h; tokens 0.000002`. */
function priceSummary(manifest: Manifest): string {
  const billing = record(manifest.billing);
  if (billing === undefined) return 'none';
  const currency = text(billing.currency);
  const parts: string[] = [];
  if (billing.hourlyPrice !== undefined) parts.push(`${currency} ${text(billing.hourlyPrice)}/h`);
  for (const m of Array.isArray(billing.metered) ? billing.metered : []) {
    const price = record(m);
    if (price !== undefined) parts.push(`${text(price.meter)} ${currency} ${text(price.pricePerUnit)}/unit`);
  }
  return parts.join('; ') || currency;
}

function meterSummary(manifest: Manifest): string {
  const meters = Array.isArray(manifest.meters) ? manifest.meters : [];
  return (
    meters
      .map((m) => record(m))
      .filter((m) => m !== undefined)
      .map((m) => `${text(m.name)} (${text(m.unit)})`)
      .join(', ') || '-'
  );
}

function changeList(change: { added: string[]; removed: string[] }): string {
  return (
    [...change.added.map((a) => `+${a}`), ...change.removed.map((r) => `-${r}`)].join(' ') || 'unchanged'
  );
}

/**
 * What a reviewer reads: the version, its GPU profile, prices, meters and signer, then the diff
 * against the previous approved version of the repository (permissions, meters and prices).
 */
export function printVersionDetail(io: CliIo, options: GlobalOptions, detail: AppVersionDetail): void {
  if (wantsJson(options)) {
    printResource(io, options, detail);
    return;
  }
  printVersion(io, options, detail);
  const manifest = record(detail.manifest) ?? {};
  printLine(io);
  printResource(io, options, {
    gpu: gpuSummary(manifest),
    prices: priceSummary(manifest),
    meters: meterSummary(manifest),
    previous_approved:
      detail.previous_approved === null
        ? 'none (first approval of this repository)'
        : `${detail.previous_approved.version} ${detail.previous_approved.digest}`,
  });
  const { diff } = detail;
  if (diff === null) return;
  printLine(io);
  printLine(io, 'changes since the previous approved version:');
  printResource(io, options, {
    permissions: changeList(diff.permissions),
    meters: changeList(diff.meters),
    prices:
      diff.prices.map((p) => `${p.field}: ${text(p.before)} → ${text(p.after)}`).join('; ') || 'unchanged',
    gpu: diff.gpu.map((g) => `${g.field}: ${text(g.before)} → ${text(g.after)}`).join('; ') || 'unchanged',
  });
  if (diff.permissions.added.length > 0) {
    printDiagnostic(
      io,
      `warning: this version asks for more permissions: ${diff.permissions.added.join(', ')}`,
    );
  }
}

/** Exit status 1 and the reasons on stderr when the platform rejected a registration. */
export function reportRejection(io: CliIo, version: AppVersion): boolean {
  if (version.state !== 'rejected') return false;
  printDiagnostic(io, `error[APP_VERSION_REJECTED]: ${version.reference} was registered as rejected:`);
  for (const line of rejectionLines(version)) printDiagnostic(io, `  ${line}`);
  return true;
}

export const registerAppsRegistry: RegisterCommand = (program, ctx) => {
  const { io } = ctx;
  const apps = program
    .command('apps')
    .description('The app catalog (list, show) and, for publishers, signing keys and app versions');
  registerAppsCatalog(apps, ctx);
  registerAppsInstances(apps, ctx);

  const keys = apps
    .command('keys')
    .description("Signing keys (and keyless identities) of the project's publisher namespace");

  withGlobalOptions(
    keys
      .command('add')
      .description('Register a signing public key (PREFIX.pub of gpuaas-app keygen) or a keyless identity')
      .argument('[pubkey_file]', 'SPKI PEM file of an ECDSA P-256 public key')
      .option('--name <name>', 'a name to tell keys apart (e.g. ci, alice)')
      .option('--issuer <url>', 'keyless: the OIDC issuer of the signing identity')
      .option('--subject <subject>', 'keyless: the identity (certificate subject) that signs')
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(
      ctx,
      async (
        file: string | undefined,
        options: ProjectOptions & { name?: string; issuer?: string; subject?: string },
      ) => {
        const body = await publisherKeyBody(io, file, options);
        const client = await platformClientFor(io, options);
        const project = await projectFor(io, client, options.project);
        const key = await addPublisherKey(client, {
          projectId: project.id,
          ...(options.name === undefined ? {} : { name: options.name }),
          ...body,
        });
        printResource(io, options, key);
      },
    ),
  );

  withGlobalOptions(
    keys
      .command('list')
      .description("The project's keys, retired ones included")
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (options: ProjectOptions) => {
      const client = await platformClientFor(io, options);
      const project = await projectFor(io, client, options.project);
      const items = await toArray(listPublisherKeys(client, project.id));
      printList(io, options, { items }, KEY_COLUMNS, items.map(keyRow));
    }),
  );

  withGlobalOptions(
    keys
      .command('retire')
      .description('Retire a key: it verifies no new version; versions it verified stay valid')
      .argument('<key_id>', 'the key id (hex SHA-256 of the public key, `keys list`)')
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (keyId: string, options: ProjectOptions) => {
      const client = await platformClientFor(io, options);
      const project = await projectFor(io, client, options.project);
      printResource(io, options, await retirePublisherKey(client, project.id, keyId));
    }),
  );

  withGlobalOptions(
    apps
      .command('register')
      .description('Register a pushed, signed artifact as a version of the app (verified or rejected)')
      .argument('<ref>', 'HOST[:PORT]/NS/APP:TAG or …@sha256:… (a tag is resolved once)')
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (reference: string, options: ProjectOptions) => {
      const client = await platformClientFor(io, options);
      const project = await projectFor(io, client, options.project);
      const version = await registerAppVersion(client, { projectId: project.id, reference });
      printVersion(io, options, version);
      if (reportRejection(io, version)) ctx.setExitCode(1);
    }),
  );

  const versions = apps.command('versions').description("The project's registered app versions");

  withGlobalOptions(
    versions
      .command('list')
      .description('Versions the project registered, newest first')
      .option('--state <state>', `only this state (${APP_VERSION_STATES.join(', ')})`, parseState)
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (options: ProjectOptions & { state?: AppVersionState }) => {
      const client = await platformClientFor(io, options);
      const project = await projectFor(io, client, options.project);
      const items = await toArray(
        listAppVersions(client, {
          projectId: project.id,
          ...(options.state === undefined ? {} : { state: options.state }),
        }),
      );
      printList(io, options, { items }, VERSION_COLUMNS, items.map(versionRow));
    }),
  );

  withGlobalOptions(
    versions
      .command('show')
      .description(
        'A version: manifest summary, signer, review, and the diff against the previous approved one',
      )
      .argument('<version>', 'version id, or REF@sha256:…')
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (ref: string, options: ProjectOptions) => {
      const byReference = !isUuid(ref);
      if (byReference) parseVersionReference(ref); // a tag-only or malformed REF fails before any request
      const client = await platformClientFor(io, options);
      const projectId = byReference ? (await projectFor(io, client, options.project)).id : undefined;
      const id = await resolveAppVersionId(client, ref, projectId === undefined ? {} : { projectId });
      printVersionDetail(io, options, await readAppVersion(client, id));
    }),
  );

  withGlobalOptions(
    apps
      .command('trust')
      .description("The platform's approval key, to verify approvals outside the platform"),
  ).action(
    action(ctx, async (options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      const trust = await readAppTrust(client);
      if (wantsJson(options)) printResource(io, options, trust);
      else {
        printResource(io, options, {
          key_id: trust.approval_key.key_id,
          predicate_type: trust.predicate_type,
        });
        printLine(io, trust.approval_key.public_key.trimEnd());
      }
    }),
  );
};

/** Every item of one of the library's paginated lists. */
export async function toArray<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
