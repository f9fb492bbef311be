/**
 * Test fixtures for the app registry's review and launch tests: a real signed artifact pushed to
 * the embedded registry with the SDK, and version and key rows as registration leaves them (so
 * these tests do not depend on registration's own rules).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishApp, staticCredentials } from '@gpuaas/sdk';
import type { SigningKey } from '@gpuaas/sdk';
import type { Kysely } from 'kysely';
import type { AppVersionState, Tables } from '../db/schema.js';
import { isoTime, newId } from '../ids.js';
import { UNREVIEWED } from './registration.js';

export function manifestText(name: string, version: string, extra = ''): string {
  return `apiVersion: gpuaas.dev/v1alpha1
name: ${name}
version: ${version}
publisher: gpuaas-tests
run:
  entrypoint: [node, app.mjs]
resources:
  minimum:
    gpus: { count: 1 }
meters:
  - { name: requests, unit: request, aggregation: sum }
permissions:
  scopes: [projects:read]
billing:
  currency: USD
  hourlyPrice: "0.50"
  metered:
    - { meter: requests, pricePerUnit: "0.000002" }
${extra}`;
}

/** Packs, pushes and signs a small app into `host/repository:tag` as `token`'s caller. */
export async function publishSigned(options: {
  host: string;
  token: string;
  repository: string;
  tag: string;
  key: SigningKey;
  name?: string;
  /** The manifest's version (default: the tag). */
  version?: string;
  /** Changes the content (and so the digest). */
  salt?: string;
}): Promise<{ digest: string; reference: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'gpuaas-app-fixture-'));
  try {
    await writeFile(
      join(dir, 'gpuaas-app.yaml'),
      manifestText(options.name ?? 'echo', options.version ?? options.tag),
    );
    await writeFile(join(dir, 'app.mjs'), `console.log(${JSON.stringify(options.salt ?? 'ready')});\n`);
    const published = await publishApp(dir, {
      to: `${options.host}/${options.repository}:${options.tag}`,
      signingKey: options.key,
      connection: { credentials: staticCredentials({ username: 'ci', password: options.token }) },
    });
    return { digest: published.digest, reference: published.reference };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A publisher key row as `POST /v1/apps/keys` stores it. */
export async function insertPublisherKey(
  db: Kysely<Tables>,
  projectId: string,
  key: SigningKey,
): Promise<void> {
  await db
    .insertInto('publisher_keys')
    .values({
      id: newId(),
      project_id: projectId,
      key_id: key.keyId,
      kind: 'key',
      name: 'ci',
      public_key: key.publicKey.pem,
      issuer: null,
      subject: null,
      created_by: 'test',
      created_at: isoTime(),
      retired_at: null,
    })
    .execute();
}

/** A version row as registration leaves it (verified, signed by `signerKeyId`), in `state`. */
export async function insertVersion(
  db: Kysely<Tables>,
  input: {
    projectId: string;
    registry: string;
    repository: string;
    tag: string | null;
    digest: string;
    version: string;
    signerKeyId: string | null;
    state?: AppVersionState;
    manifest?: Record<string, unknown>;
  },
): Promise<string> {
  const id = newId();
  const now = isoTime();
  await db
    .insertInto('app_versions')
    .values({
      id,
      project_id: input.projectId,
      registry: input.registry,
      repository: input.repository,
      tag: input.tag,
      digest: input.digest,
      app: 'echo',
      version: input.version,
      state: input.state ?? 'verified',
      manifest: JSON.stringify(input.manifest ?? { name: 'echo', version: input.version }),
      signer_key_id: input.signerKeyId,
      errors: null,
      submitted_by: 'user:test',
      submitted_at: now,
      updated_at: now,
      ...UNREVIEWED,
    })
    .execute();
  return id;
}
