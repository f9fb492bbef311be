/**
 * OAuth clients: the public clients of the `gpuaas` CLI and of the web console, and one confidential client per
 * service account, read from the service_accounts table on each lookup (so a revoked or rotated
 * account is refused by the next token request on every instance).
 */
import type { Kysely } from 'kysely';
import type { ClientMetadata } from 'oidc-provider';
import type { Tables } from '../db/schema.js';
import { UUID_PATTERN } from '../ids.js';

/** The public client id of the `gpuaas` CLI. */
export const CLI_CLIENT_ID = 'gpuaas-cli';

/** Client ids of service accounts: this prefix and the account id. */
export const SERVICE_ACCOUNT_CLIENT_PREFIX = 'sa-';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** The CLI: no secret, PKCE, loopback redirects on any port (RFC 8252 §7.3), device flow. */
export function cliClient(): ClientMetadata {
  return {
    client_id: CLI_CLIENT_ID,
    client_name: 'gpuaas CLI',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token', DEVICE_CODE_GRANT],
    response_types: ['code'],
    // oidc-provider ignores the port of loopback redirect URIs of native clients (RFC 8252 §7.3).
    redirect_uris: ['http://127.0.0.1/callback', 'http://[::1]/callback'],
  };
}

/** The public client id of the web console (served by the platform at `/`). */
export const CONSOLE_CLIENT_ID = 'gpuaas-console';

/** Where the console receives its authorization code: a page of the console itself. */
export const CONSOLE_CALLBACK_PATH = '/auth/callback';

/**
 * The console: a browser app on the platform's own origin. No secret (it could not keep one),
 * PKCE, refresh tokens held in the page's memory only, one exact redirect URI on the issuer's
 * origin, and the console's root as the only place a sign-out may return to.
 */
export function consoleClient(issuer: string): ClientMetadata {
  const base = issuer.replace(/\/+$/, '');
  return {
    client_id: CONSOLE_CLIENT_ID,
    client_name: 'GPUaaS console',
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [`${base}${CONSOLE_CALLBACK_PATH}`],
    post_logout_redirect_uris: [`${base}/`],
  };
}

export function serviceAccountClientId(accountId: string): string {
  return `${SERVICE_ACCOUNT_CLIENT_PREFIX}${accountId}`;
}

/** The service-account id of a client id, or undefined when it is not one. */
export function serviceAccountIdOf(clientId: string): string | undefined {
  if (!clientId.startsWith(SERVICE_ACCOUNT_CLIENT_PREFIX)) return undefined;
  const id = clientId.slice(SERVICE_ACCOUNT_CLIENT_PREFIX.length);
  return UUID_PATTERN.test(id) ? id : undefined;
}

/**
 * Client metadata of an active service account. `client_secret` carries the stored hash, never
 * the secret: the provider's secret comparison is replaced by a hash check (provider.ts).
 */
export async function findServiceAccountClient(
  db: Kysely<Tables>,
  clientId: string,
): Promise<ClientMetadata | undefined> {
  const id = serviceAccountIdOf(clientId);
  if (id === undefined) return undefined;
  const row = await db
    .selectFrom('service_accounts')
    .select(['id', 'name', 'scopes', 'secret_hash', 'revoked_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (row === undefined || row.revoked_at !== null || row.secret_hash === null) return undefined;
  return {
    client_id: clientId,
    client_name: row.name,
    client_secret: row.secret_hash,
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    // An empty `scope` would mean "any scope" to the provider; `openid` grants nothing on the API.
    scope: row.scopes.trim() === '' ? 'openid' : row.scopes,
  };
}
