/**
 * Publisher keys: the ECDSA P-256 public keys (and keyless OIDC identities) a project's app
 * versions are verified against. Members add and retire them, viewers list them. A key is never
 * deleted: retiring it stops it verifying new registrations, while versions it verified before
 * keep their `signer_key_id` and stay launchable (rotation without breaking what was signed).
 */
import { createHash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { components } from '@gpuaas/platform-contract';
import { toPublicKey } from '@gpuaas/sdk/keys';
import type { PublicKey } from '@gpuaas/sdk/keys';
import type { Principal } from '../auth/principal.js';
import { principalKey } from '../auth/principal.js';
import { isUniqueViolation } from '../db/constraint.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { projectAccess } from '../identity/access.js';
import { isoTime, newId } from '../ids.js';

export type PublisherKeyRow = Selectable<Tables['publisher_keys']>;
export type PublisherKeyView = components['schemas']['PublisherKey'];

export interface PublisherKeyInput {
  projectId: string;
  name?: string | undefined;
  /** SPKI PEM of an ECDSA P-256 public key. */
  publicKey?: string | undefined;
  issuer?: string | undefined;
  subject?: string | undefined;
}

/** A key as the API shows it. */
export function publisherKeyView(row: PublisherKeyRow): PublisherKeyView {
  return {
    id: row.id,
    project_id: row.project_id,
    key_id: row.key_id,
    kind: row.kind,
    name: row.name,
    public_key: row.public_key,
    issuer: row.issuer,
    subject: row.subject,
    created_by: row.created_by,
    created_at: row.created_at,
    retired_at: row.retired_at,
  };
}

/** The id of a keyless identity: hex SHA-256 of `issuer`, a newline and `subject`. */
export function keylessKeyId(issuer: string, subject: string): string {
  return createHash('sha256').update(`${issuer}\n${subject}`).digest('hex');
}

const invalid = (message: string) => new PlatformError('PUBLISHER_KEY_INVALID', message);

/** The public key a PEM holds: SPKI only (never a private key or a certificate), P-256 only. */
export function parsePublisherPublicKey(pem: string): PublicKey {
  if (!/^\s*-----BEGIN PUBLIC KEY-----/.test(pem)) {
    throw invalid('public_key must be an SPKI PEM (-----BEGIN PUBLIC KEY-----) of an ECDSA P-256 key');
  }
  try {
    return toPublicKey(pem, 'public_key');
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : String(error));
  }
}

type KeyIdentity = Pick<PublisherKeyRow, 'key_id' | 'kind' | 'public_key' | 'issuer' | 'subject'>;

function identityOf(input: PublisherKeyInput): KeyIdentity {
  const keyless = input.issuer !== undefined || input.subject !== undefined;
  if (input.publicKey !== undefined && keyless) {
    throw invalid('give either public_key or issuer and subject (a keyless identity), not both');
  }
  if (input.publicKey !== undefined) {
    const key = parsePublisherPublicKey(input.publicKey);
    return { key_id: key.keyId, kind: 'key', public_key: key.pem, issuer: null, subject: null };
  }
  if (input.issuer === undefined || input.subject === undefined) {
    throw invalid('give public_key, or both issuer and subject for a keyless identity');
  }
  return {
    key_id: keylessKeyId(input.issuer, input.subject),
    kind: 'keyless',
    public_key: null,
    issuer: input.issuer,
    subject: input.subject,
  };
}

export class PublisherKeys {
  readonly #db: Kysely<Tables>;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  /**
   * Registers a key for the project (members and operators). The same key again returns the stored
   * one (`created: false`), retired or not: a retired key is never brought back.
   */
  async add(
    principal: Principal,
    input: PublisherKeyInput,
  ): Promise<{ key: PublisherKeyRow; created: boolean }> {
    await projectAccess(this.#db, principal, input.projectId, 'member');
    const identity = identityOf(input);
    const existing = await this.#find(input.projectId, identity.key_id);
    if (existing !== undefined) return { key: existing, created: false };
    const row: PublisherKeyRow = {
      id: newId(),
      project_id: input.projectId,
      ...identity,
      name: input.name ?? identity.key_id.slice(0, 12),
      created_by: principalKey(principal),
      created_at: isoTime(),
      retired_at: null,
    };
    try {
      await this.#db.insertInto('publisher_keys').values(row).execute();
    } catch (error) {
      // Someone added the same key at the same moment: theirs is the key.
      if (!isUniqueViolation(error)) throw error;
      const raced = await this.#find(input.projectId, identity.key_id);
      if (raced === undefined) throw error;
      return { key: raced, created: false };
    }
    return { key: row, created: true };
  }

  /** The project's keys, oldest first, retired ones included; `limit + 1` rows. */
  async list(
    principal: Principal,
    projectId: string,
    page: { limit: number; after?: string | undefined },
  ): Promise<PublisherKeyRow[]> {
    await projectAccess(this.#db, principal, projectId, 'viewer');
    let query = this.#db.selectFrom('publisher_keys').selectAll().where('project_id', '=', projectId);
    if (page.after !== undefined) query = query.where('id', '>', page.after);
    return query
      .orderBy('id', 'asc')
      .limit(page.limit + 1)
      .execute();
  }

  /** Retires a key (members and operators); retiring it again changes nothing. */
  async retire(principal: Principal, projectId: string, keyId: string): Promise<PublisherKeyRow> {
    await projectAccess(this.#db, principal, projectId, 'member');
    const found = await this.#find(projectId, keyId);
    if (found === undefined) {
      throw new PlatformError('NOT_FOUND', `project ${projectId} has no publisher key ${keyId}`);
    }
    if (found.retired_at !== null) return found;
    const retiredAt = isoTime();
    await this.#db
      .updateTable('publisher_keys')
      .set({ retired_at: retiredAt })
      .where('id', '=', found.id)
      .where('retired_at', 'is', null)
      .execute();
    return (await this.#find(projectId, keyId)) ?? { ...found, retired_at: retiredAt };
  }

  /** The keys that verify new registrations of the project: not retired. */
  async active(projectId: string): Promise<PublisherKeyRow[]> {
    return this.#db
      .selectFrom('publisher_keys')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('retired_at', 'is', null)
      .orderBy('id', 'asc')
      .execute();
  }

  /** Every key of the project, retired ones included (to say why a signer is not accepted). */
  async all(projectId: string): Promise<PublisherKeyRow[]> {
    return this.#db
      .selectFrom('publisher_keys')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('id', 'asc')
      .execute();
  }

  #find(projectId: string, keyId: string): Promise<PublisherKeyRow | undefined> {
    return this.#db
      .selectFrom('publisher_keys')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('key_id', '=', keyId)
      .executeTakeFirst();
  }
}
