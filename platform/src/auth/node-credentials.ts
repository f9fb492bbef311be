/**
 * Node credentials as bearer tokens: what a remote node agent presents on every request
 * (`gpn_<credential id>_<secret>`, 256 random bits). Unlike an access token it is not signed but
 * looked up, so a revocation (or the end of a rotation's overlap) applies from the next request on,
 * on every instance. The principal it yields is the agent identity (an operator) limited to
 * `nodes:agent` and bound to one node by name (nodes/node-service.ts enforces the binding).
 * Issuing, rotating and revoking: nodes/credentials.ts.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { UUID_PATTERN } from '../ids.js';
import { hashClientSecret, verifyClientSecret } from './passwords.js';
import type { UserPrincipal } from './principal.js';

export const NODE_CREDENTIAL_PREFIX = 'gpn_';
const SHAPE = /^gpn_([0-9a-f-]{36})_([A-Za-z0-9_-]{43})$/;

/** Whether a bearer token is meant as a node credential (then only `verifyNodeCredential` judges it). */
export function isNodeCredential(token: string): boolean {
  return token.startsWith(NODE_CREDENTIAL_PREFIX);
}

/** A new credential for the credential row `id`, and the hash to store. */
export function newNodeCredential(id: string): { secret: string; hash: string } {
  const secret = `${NODE_CREDENTIAL_PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashClientSecret(secret) };
}

/**
 * The principal of a node credential: TOKEN_INVALID when it is malformed, unknown, wrong or
 * revoked, TOKEN_EXPIRED past a rotation's overlap (the agent's request sender then reads its
 * credential file again, where the successor may be by now).
 */
export async function verifyNodeCredential(
  db: Kysely<Tables>,
  token: string,
  now: number = Date.now(),
): Promise<UserPrincipal> {
  const match = SHAPE.exec(token);
  const id = match?.[1];
  if (id === undefined || !UUID_PATTERN.test(id)) {
    throw new PlatformError('TOKEN_INVALID', 'the node credential is malformed (expected gpn_<id>_<secret>)');
  }
  const row = await db
    .selectFrom('node_credentials')
    .select(['node_name', 'secret_hash', 'agent_user_id', 'expires_at', 'revoked_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (row === undefined || row.revoked_at !== null || !verifyClientSecret(token, row.secret_hash)) {
    throw new PlatformError('TOKEN_INVALID', `node credential ${id} is unknown or revoked`);
  }
  if (row.expires_at !== null && Date.parse(row.expires_at) <= now) {
    throw new PlatformError(
      'TOKEN_EXPIRED',
      `node credential ${id} was rotated and its overlap ended at ${row.expires_at}: use its successor`,
    );
  }
  return {
    type: 'user',
    id: row.agent_user_id,
    operator: true,
    scopes: ['nodes:agent'],
    node: { name: row.node_name, credentialId: id },
  };
}
