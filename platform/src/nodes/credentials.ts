/**
 * Node credentials for operators: issue one per node (by name), rotate it without downtime (the
 * successor is valid at once, the predecessor until the end of an overlap or an explicit
 * revocation), revoke, list. Secrets are shown once and stored as a SHA-256 hash; agents present
 * them as bearer tokens (auth/node-credentials.ts). Audited by the HTTP layer (`x-audit`) or, from
 * the `gpuaas-platform node-credentials` command, here.
 */
import type { components } from '@gpuaas/platform-contract';
import type { Kysely, Selectable } from 'kysely';
import { recordAuditEvent } from '../audit/record.js';
import { newNodeCredential } from '../auth/node-credentials.js';
import type { Principal } from '../auth/principal.js';
import type { KeysetPage } from '../db/keyset.js';
import type { NodeCredentialsTable, Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { isOperator } from '../identity/access.js';
import { ensureUser } from '../identity/store.js';
import { isoTime, newId } from '../ids.js';

export type NodeCredentialRow = Selectable<NodeCredentialsTable>;
type NodeCredential = components['schemas']['NodeCredential'];
type NodeCredentialWithSecret = components['schemas']['NodeCredentialWithSecret'];

/** The identity every node agent acts as: an operator whose access is limited to `nodes:agent`. */
export const AGENT_EMAIL = 'node-agent@gpuaas.local';
/** How long a rotated credential stays valid beside its successor unless told otherwise. */
export const DEFAULT_OVERLAP_SECONDS = 3600;
export const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;
const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function nodeCredentialView(row: NodeCredentialRow): NodeCredential {
  return {
    id: row.id,
    node_name: row.node_name,
    created_by: row.created_by,
    created_at: row.created_at,
    expires_at: row.expires_at,
    revoked_at: row.revoked_at,
    replaces: row.replaces,
  };
}

/**
 * Who issues: an operator through the API, or `cli` (whoever holds the database holds the
 * platform: the bootstrap command, recorded as such in the audit trail).
 */
export type Issuer = Principal | 'cli';

export class NodeCredentialService {
  readonly #db: Kysely<Tables>;

  constructor(deps: { db: Kysely<Tables> }) {
    this.#db = deps.db;
  }

  /** A page of credentials by id (`limit + 1` rows), of one node when `nodeName` is given. */
  async list(issuer: Issuer, page: KeysetPage, nodeName?: string): Promise<NodeCredentialRow[]> {
    requireIssuer(issuer, 'list node credentials');
    let query = this.#db
      .selectFrom('node_credentials')
      .selectAll()
      .orderBy('id')
      .limit(page.limit + 1);
    if (nodeName !== undefined) query = query.where('node_name', '=', nodeName);
    if (page.after !== undefined) query = query.where('id', '>', page.after);
    return query.execute();
  }

  /** A new credential for the node named `nodeName` (which need not have registered yet). */
  async issue(issuer: Issuer, nodeName: string): Promise<NodeCredentialWithSecret> {
    requireIssuer(issuer, 'issue node credentials');
    if (!NODE_NAME.test(nodeName)) {
      throw new PlatformError(
        'VALIDATION_FAILED',
        `node name "${nodeName}" is not valid: letters, digits, ".", "_" and "-", at most 63, starting with a letter or digit`,
        { errors: [{ in: 'body', pointer: '/node_name', detail: 'not a node name' }] },
      );
    }
    const issued = await this.#db.transaction().execute(async (trx) => {
      const agent = await ensureUser(trx, AGENT_EMAIL, { operator: true });
      return insertCredential(trx, { nodeName, agentUserId: agent.id, issuer, replaces: null });
    });
    await this.#auditCli(issuer, 'node_credential.create', issued.id, { node_name: nodeName });
    return issued;
  }

  /**
   * A successor for credential `id` (same node), valid at once; `id` stays valid for
   * `overlapSeconds` more (never longer than it already would), so the agent's file can be
   * replaced without a refused request.
   */
  async rotate(
    issuer: Issuer,
    id: string,
    overlapSeconds: number = DEFAULT_OVERLAP_SECONDS,
  ): Promise<NodeCredentialWithSecret> {
    requireIssuer(issuer, 'rotate node credentials');
    if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > MAX_OVERLAP_SECONDS) {
      throw new PlatformError(
        'VALIDATION_FAILED',
        `overlap_seconds must be an integer from 0 to ${MAX_OVERLAP_SECONDS} (got ${overlapSeconds})`,
        { errors: [{ in: 'body', pointer: '/overlap_seconds', detail: 'out of range' }] },
      );
    }
    const now = Date.now();
    const issued = await this.#db.transaction().execute(async (trx) => {
      const old = await trx
        .selectFrom('node_credentials')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (old === undefined) throw new PlatformError('NOT_FOUND', `node credential ${id} not found`);
      if (old.revoked_at !== null || (old.expires_at !== null && Date.parse(old.expires_at) <= now)) {
        throw new PlatformError(
          'NOT_FOUND',
          `node credential ${id} is ${old.revoked_at !== null ? 'revoked' : 'expired'}: issue a new one`,
        );
      }
      const end = now + overlapSeconds * 1000;
      const expiresAt =
        old.expires_at !== null && Date.parse(old.expires_at) < end ? old.expires_at : isoTime(end);
      // Conditional: of two rotations racing, one succeeds and the other finds it changed.
      const changed = await trx
        .updateTable('node_credentials')
        .set({ expires_at: expiresAt })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .where((eb) =>
          old.expires_at === null ? eb('expires_at', 'is', null) : eb('expires_at', '=', old.expires_at),
        )
        .executeTakeFirst();
      if (changed.numUpdatedRows !== 1n) {
        throw new PlatformError('PRECONDITION_FAILED', `node credential ${id} changed meanwhile: try again`);
      }
      return insertCredential(trx, {
        nodeName: old.node_name,
        agentUserId: old.agent_user_id,
        issuer,
        replaces: id,
      });
    });
    await this.#auditCli(issuer, 'node_credential.rotate', id, {
      node_name: issued.node_name,
      successor: issued.id,
      overlap_seconds: overlapSeconds,
    });
    return issued;
  }

  /** Refused from the next request on; the row stays for the audit trail. */
  async revoke(issuer: Issuer, id: string): Promise<NodeCredentialRow> {
    requireIssuer(issuer, 'revoke node credentials');
    const result = await this.#db
      .updateTable('node_credentials')
      .set({ revoked_at: isoTime(), secret_hash: null })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const row = await this.#db
      .selectFrom('node_credentials')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined || result.numUpdatedRows !== 1n) {
      throw new PlatformError('NOT_FOUND', `node credential ${id} not found or already revoked`);
    }
    await this.#auditCli(issuer, 'node_credential.revoke', id, { node_name: row.node_name });
    return row;
  }

  /** The API's requests are audited by the HTTP layer; the bootstrap command's are audited here. */
  async #auditCli(issuer: Issuer, action: string, id: string, details: Record<string, unknown>) {
    if (issuer !== 'cli') return;
    await recordAuditEvent(this.#db, {
      actor_type: 'system',
      actor_id: 'gpuaas-platform node-credentials',
      action,
      target_type: 'node_credential',
      target_id: id,
      project_id: null,
      result: 'success',
      status: 200,
      correlation_id: newId(),
      ip: null,
      details: JSON.stringify(details),
    });
  }
}

async function insertCredential(
  db: Kysely<Tables>,
  input: { nodeName: string; agentUserId: string; issuer: Issuer; replaces: string | null },
): Promise<NodeCredentialWithSecret> {
  const id = newId();
  const { secret, hash } = newNodeCredential(id);
  const row: NodeCredentialRow = {
    id,
    node_name: input.nodeName,
    secret_hash: hash,
    agent_user_id: input.agentUserId,
    created_by: input.issuer === 'cli' ? null : input.issuer.id,
    created_at: isoTime(),
    expires_at: null,
    revoked_at: null,
    replaces: input.replaces,
  };
  await db.insertInto('node_credentials').values(row).execute();
  return { ...nodeCredentialView(row), secret };
}

/** Operators only, and never a node agent itself: a leaked credential must not mint more. */
function requireIssuer(issuer: Issuer, action: string): void {
  if (issuer === 'cli') return;
  if (!isOperator(issuer) || (issuer.type === 'user' && issuer.node !== undefined)) {
    throw new PlatformError('FORBIDDEN', `only operators may ${action}`);
  }
}
