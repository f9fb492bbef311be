/**
 * The console as an OAuth public client of the platform's own OpenID Provider (docs/auth.md):
 * discovery, the authorization URL (code + PKCE), the token endpoint (code exchange, refresh),
 * revocation and the provider's sign-out. Plain fetch on the console's own origin: no CORS, no
 * client secret, nothing stored but in memory (the caller keeps the tokens).
 */

/** The console's client id, registered by the platform (platform/src/oidc/clients.ts). */
export const CONSOLE_CLIENT_ID = 'gpuaas-console';
/** Where the provider sends the browser back with a code: a route of the console. */
export const CALLBACK_PATH = '/auth/callback';
/** The provider requires `openid`; no API scope is asked for, so the user's roles decide (docs/auth.md). */
export const CONSOLE_SCOPE = 'openid email';

export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint?: string | undefined;
  end_session_endpoint?: string | undefined;
}

export interface TokenSet {
  accessToken: string;
  refreshToken: string | undefined;
  /** When the access token expires, in ms since the epoch (this browser's clock). */
  expiresAt: number;
}

/** A refusal by the provider, with its OAuth error code (`invalid_grant`: sign in again). */
export class OidcError extends Error {
  override readonly name = 'OidcError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Fetch = typeof fetch;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export async function discover(origin: string, fetchImpl: Fetch = fetch): Promise<ProviderMetadata> {
  const res = await fetchImpl(`${origin}/.well-known/openid-configuration`, {
    headers: { accept: 'application/json' },
  });
  const body: unknown = await res.json().catch(() => undefined);
  if (
    !res.ok ||
    !isRecord(body) ||
    typeof body.issuer !== 'string' ||
    typeof body.authorization_endpoint !== 'string' ||
    typeof body.token_endpoint !== 'string'
  ) {
    throw new OidcError(
      'discovery_failed',
      `the platform's sign-in service did not answer (HTTP ${res.status})`,
    );
  }
  const optional = (key: string) => (typeof body[key] === 'string' ? body[key] : undefined);
  return {
    issuer: body.issuer,
    authorization_endpoint: body.authorization_endpoint,
    token_endpoint: body.token_endpoint,
    revocation_endpoint: optional('revocation_endpoint'),
    end_session_endpoint: optional('end_session_endpoint'),
  };
}

/** The console's redirect URI: on the issuer's origin, as the client is registered. */
export function redirectUriOf(meta: Pick<ProviderMetadata, 'issuer'>): string {
  return `${meta.issuer.replace(/\/+$/, '')}${CALLBACK_PATH}`;
}

export function authorizationUrl(
  meta: ProviderMetadata,
  input: { state: string; challenge: string; prompt?: 'login' | undefined },
): string {
  const url = new URL(meta.authorization_endpoint);
  url.searchParams.set('client_id', CONSOLE_CLIENT_ID);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', redirectUriOf(meta));
  url.searchParams.set('scope', CONSOLE_SCOPE);
  url.searchParams.set('state', input.state);
  url.searchParams.set('code_challenge', input.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  if (input.prompt !== undefined) url.searchParams.set('prompt', input.prompt);
  return url.toString();
}

async function tokenRequest(meta: ProviderMetadata, form: Record<string, string>, fetchImpl: Fetch) {
  const res = await fetchImpl(meta.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ ...form, client_id: CONSOLE_CLIENT_ID }),
    // Tokens are never cached by the browser, nor do cookies ride along.
    cache: 'no-store',
    credentials: 'omit',
  });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok || !isRecord(body) || typeof body.access_token !== 'string') {
    const code = isRecord(body) && typeof body.error === 'string' ? body.error : `http_${res.status}`;
    const detail = isRecord(body) && typeof body.error_description === 'string' ? body.error_description : '';
    throw new OidcError(code, `sign-in refused: ${code}${detail === '' ? '' : ` (${detail})`}`);
  }
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 300;
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
    expiresAt: Date.now() + expiresIn * 1000,
  } satisfies TokenSet;
}

export function exchangeCode(
  meta: ProviderMetadata,
  input: { code: string; verifier: string },
  fetchImpl: Fetch = fetch,
): Promise<TokenSet> {
  return tokenRequest(
    meta,
    {
      grant_type: 'authorization_code',
      code: input.code,
      code_verifier: input.verifier,
      redirect_uri: redirectUriOf(meta),
    },
    fetchImpl,
  );
}

/** A new token set; refresh tokens rotate, so the old one is spent (keep the returned one). */
export function refreshTokens(
  meta: ProviderMetadata,
  refreshToken: string,
  fetchImpl: Fetch = fetch,
): Promise<TokenSet> {
  return tokenRequest(meta, { grant_type: 'refresh_token', refresh_token: refreshToken }, fetchImpl);
}

/** RFC 7009 revocation; resolves whatever the provider answers (a spent token is fine). */
export async function revokeToken(
  meta: ProviderMetadata,
  token: string,
  hint: 'refresh_token' | 'access_token',
  fetchImpl: Fetch = fetch,
): Promise<boolean> {
  if (meta.revocation_endpoint === undefined) return false;
  const res = await fetchImpl(meta.revocation_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, token_type_hint: hint, client_id: CONSOLE_CLIENT_ID }),
    credentials: 'omit',
  }).catch(() => undefined);
  return res?.ok === true;
}

/**
 * The provider's sign-out page (ends its session), returning to the console's root. The client id
 * names the console instead of an ID token hint: no token ever goes into a URL.
 */
export function endSessionUrl(meta: ProviderMetadata): string | undefined {
  if (meta.end_session_endpoint === undefined) return undefined;
  const url = new URL(meta.end_session_endpoint);
  url.searchParams.set('client_id', CONSOLE_CLIENT_ID);
  url.searchParams.set('post_logout_redirect_uri', `${meta.issuer.replace(/\/+$/, '')}/`);
  return url.toString();
}
