/**
 * The example app a fresh platform shows in every project's catalog, so a new user's
 * `gpuaas apps list` is not empty (`gpuaas-platform serve`; `--no-demo` turns it off).
 *
 * It goes the way any publisher's app goes, through the same code: the `console-extension`
 * template (the quickest of the templates to become ready in an allocation: no hooks, a 1 s
 * startup probe, an HTTP endpoint that is also a console UI extension) is scaffolded and made free
 * (its `billing` section removed), packed, pushed to the embedded registry and signed with the
 * SDK's publish code under a reserved publisher project, `gpuaas-demo`, whose signing key lives in
 * `<data-dir>/keys/demo-publisher.key`; then registered (manifest validated, signature verified
 * against that project's registered key), approved for the whole platform (promoted into
 * `release/gpuaas-demo/dashboard` with an approval signed by the platform's approval key) and
 * published with access `free`. The platform acts as a system operator here (SEEDER), a principal
 * that exists only in this process: no token or request can stand for it.
 *
 * Idempotent: once the demo's version exists in any final state (published, deprecated, revoked,
 * rejected), a start does nothing, so an operator who revokes or deprecates it keeps it that way;
 * a start that was cut off half way goes on from the state it left. Several instances starting at
 * once on one database end with one version (registration and review settle the races).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { parseDocument } from 'yaml';
import { publishApp, scaffoldTemplate } from '@gpuaas/sdk';
import { recordAuditEvent } from '../audit/record.js';
import type { Principal } from '../auth/principal.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { isoTime, newId } from '../ids.js';
import type { InternalRegistryCaller, RegistryAccess } from '../registry/access.js';
import type { Registry } from '../registry/registry.js';
import { loadOrCreateSigningKey } from './approval-key.js';
import { ArtifactReader } from './artifact-reader.js';
import { PublisherKeys } from './keys.js';
import { AppRegistration } from './registration.js';
import type { EmbeddedRegistry } from './release.js';
import type { Reviewer, ReviewService } from './review.js';
import type { AppVersionRow } from './versions.js';

/** The reserved publisher: its project's name, the registry namespace and the catalog's publisher. */
export const DEMO_PUBLISHER = 'gpuaas-demo';
export const DEMO_APP_NAME = 'dashboard';
/** How the catalog names the demo (`gpuaas apps show gpuaas-demo/dashboard`). */
export const DEMO_APP = `${DEMO_PUBLISHER}/${DEMO_APP_NAME}`;
export const DEMO_TEMPLATE = 'console-extension';
/** Fixed ids, so every instance on one database seeds the one publisher, whichever comes first. */
export const DEMO_ORGANIZATION_ID = '0190a000-0000-7000-8000-00000000de10';
export const DEMO_PROJECT_ID = '0190a000-0000-7000-8000-00000000de11';
const DEMO_REPOSITORY = `${DEMO_PUBLISHER}/${DEMO_APP_NAME}`;
const DEMO_DISPLAY_NAME = 'Demo dashboard';

/** The platform acting on its own behalf while seeding: an operator that only this process holds. */
const SEEDER: Principal = Object.freeze({
  type: 'user' as const,
  id: 'platform',
  operator: true,
  scopes: undefined,
});
const REVIEWER: Reviewer = { id: 'platform', email: 'gpuaas-platform (demo seed)' };
/** States after which a start leaves the demo alone. */
const SETTLED: ReadonlySet<string> = new Set(['published', 'deprecated', 'revoked', 'rejected']);

export interface DemoSeedDeps {
  db: Kysely<Tables>;
  dataDir: string;
  /** The platform's app registry side (Platform.apps). */
  apps: {
    registry: Registry;
    access: RegistryAccess;
    internal: InternalRegistryCaller;
    embedded: EmbeddedRegistry;
    review: ReviewService;
  };
}

export interface DemoSeedOutcome {
  /** `seeded`: this start published it; `present`: an earlier one did; `skipped`: see `reason`. */
  outcome: 'seeded' | 'present' | 'skipped';
  versionId?: string;
  reason?: string;
}

/** Where the demo publisher's signing key lives. */
export function demoKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'demo-publisher.key');
}

/** Seeds the demo app (see the module comment); needs the platform listening (its own /v2/). */
export async function seedDemoApp(deps: DemoSeedDeps): Promise<DemoSeedOutcome> {
  const found = await demoVersion(deps.db);
  if (found !== undefined && SETTLED.has(found.state)) return { outcome: 'present', versionId: found.id };
  const owner = await ensurePublisher(deps);
  if (owner !== DEMO_PROJECT_ID) {
    return { outcome: 'skipped', reason: `namespace ${DEMO_PUBLISHER} belongs to project ${owner}` };
  }
  let row = found ?? (await publishAndRegister(deps));
  if (row.state === 'rejected') {
    return { outcome: 'skipped', versionId: row.id, reason: `registration rejected it: ${row.errors ?? ''}` };
  }
  const { review } = deps.apps;
  if (row.state === 'verified') {
    row = await settle(deps.db, row, () => review.approve(row.id, { scope: 'platform' }, REVIEWER));
  }
  if (row.state === 'approved') {
    row = await settle(deps.db, row, () => review.publish(row.id, REVIEWER));
    await deps.db.updateTable('app_versions').set({ access: 'free' }).where('id', '=', row.id).execute();
  }
  await recordAuditEvent(deps.db, {
    actor_type: 'system',
    actor_id: null,
    action: 'app.demo_seeded',
    target_type: 'app_version',
    target_id: row.id,
    project_id: DEMO_PROJECT_ID,
    result: 'success',
    status: 201,
    correlation_id: newId(),
    ip: null,
    details: JSON.stringify({
      app: DEMO_APP,
      version: row.version,
      digest: row.digest,
      release_reference: row.release_reference,
      access: 'free',
    }),
  });
  return { outcome: 'seeded', versionId: row.id };
}

/** The demo's newest version row, if any start got as far as registering it. */
async function demoVersion(db: Kysely<Tables>): Promise<AppVersionRow | undefined> {
  return db
    .selectFrom('app_versions')
    .selectAll()
    .where('project_id', '=', DEMO_PROJECT_ID)
    .where('repository', '=', DEMO_REPOSITORY)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/**
 * The reserved organisation and project (no members: only operators manage it) and the registry
 * namespace bound to it. Returns the namespace's owner: another project's when a tenant's project
 * of that name pushed there first, in which case the demo is not seeded.
 */
async function ensurePublisher(deps: DemoSeedDeps): Promise<string> {
  const { db } = deps;
  const now = isoTime();
  await db
    .insertInto('organizations')
    .values({
      id: DEMO_ORGANIZATION_ID,
      name: 'gpuaas',
      created_by: null,
      created_at: now,
      updated_at: now,
      version: 1,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  await db
    .insertInto('projects')
    .values({
      id: DEMO_PROJECT_ID,
      organization_id: DEMO_ORGANIZATION_ID,
      name: DEMO_PUBLISHER,
      description: 'The example app the platform seeds (gpuaas-platform serve --no-demo turns it off)',
      created_at: now,
      updated_at: now,
      version: 1,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return deps.apps.registry.claimNamespace(DEMO_PUBLISHER, DEMO_PROJECT_ID);
}

/** Scaffolds, packs, pushes and signs the template, then registers the pushed digest. */
async function publishAndRegister(deps: DemoSeedDeps): Promise<AppVersionRow> {
  const { db, apps } = deps;
  const key = await loadOrCreateSigningKey(demoKeyPath(deps.dataDir));
  const keys = new PublisherKeys(db);
  await keys.add(SEEDER, {
    projectId: DEMO_PROJECT_ID,
    name: 'demo-publisher',
    publicKey: key.publicKey.pem,
  });
  const work = await mkdtemp(join(tmpdir(), 'gpuaas-demo-'));
  try {
    const dir = join(work, DEMO_APP_NAME);
    await scaffoldTemplate({
      template: DEMO_TEMPLATE,
      dir,
      name: DEMO_APP_NAME,
      publisher: DEMO_PUBLISHER,
      displayName: DEMO_DISPLAY_NAME,
      vendor: false,
    });
    await makeFree(join(dir, 'gpuaas-app.yaml'));
    const host = apps.embedded.host;
    const published = await publishApp(dir, {
      to: `${host}/${DEMO_REPOSITORY}`,
      signingKey: key,
      client: apps.embedded.client(),
    });
    const registration = new AppRegistration({
      db,
      keys,
      reader: new ArtifactReader({ embedded: apps.embedded, access: apps.access, registry: apps.registry }),
    });
    const { version } = await registration.register(SEEDER, {
      projectId: DEMO_PROJECT_ID,
      reference: `${host}/${DEMO_REPOSITORY}@${published.digest}`,
    });
    return version;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The demo costs nothing: the template's prices go (the rest of its manifest, comments included, stays). */
async function makeFree(manifestPath: string): Promise<void> {
  const doc = parseDocument(await readFile(manifestPath, 'utf8'));
  doc.delete('billing');
  await writeFile(manifestPath, doc.toString());
}

/**
 * Runs one review step; when another instance took that step first (a state conflict), the row
 * as that instance left it.
 */
async function settle(
  db: Kysely<Tables>,
  row: AppVersionRow,
  step: () => Promise<AppVersionRow>,
): Promise<AppVersionRow> {
  try {
    return await step();
  } catch (error) {
    if (!(error instanceof PlatformError) || error.code !== 'APP_VERSION_STATE_CONFLICT') throw error;
    const now = await db.selectFrom('app_versions').selectAll().where('id', '=', row.id).executeTakeFirst();
    if (now === undefined || now.state === row.state) throw error;
    return now;
  }
}
