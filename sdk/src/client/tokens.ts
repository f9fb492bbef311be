/**
 * Where the client's bearer tokens come from. Every provider hands out a token that is valid for
 * at least a minute, refreshing silently when it can: a cached login session (refresh_token), a
 * service account's client credentials, or a fixed token (GPUAAS_TOKEN) for CI.
 */
import * as oidc from 'openid-client';
import { SdkError } from '../errors.js';
import type { CredentialsStore, StoredSession } from './credentials.js';
import { staticTokenProvider } from './token-provider.js';
import type { TokenProvider } from './token-provider.js';

export { staticTokenProvider } from './token-provider.js';
export type { CredentialSource, TokenProvider } from './token-provider.js';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Tokens are renewed when they have less than this left. */
const REFRESH_MARGIN_MS = 60_000;

function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/**
 * Discovers an OIDC issuer (`<issuer>/.well-known/openid-configuration`) with openid-client.
 * Plain http is allowed only on loopback (development servers and tests).
 */
export async function discoverIssuer(
  issuer: string,
  clientId: string,
  options: { clientSecret?: string | undefined; fetch?: FetchLike | undefined } = {},
): Promise<oidc.Configuration> {
  const url = new URL(issuer);
  const discoveryOptions: oidc.DiscoveryRequestOptions = {};
  if (isLoopbackHttp(url)) discoveryOptions.execute = [oidc.allowInsecureRequests];
  if (options.fetch !== undefined) {
    const f = options.fetch;
    discoveryOptions[oidc.customFetch] = (input, init) => f(input, init as RequestInit);
  }
  try {
    return await oidc.discovery(
      url,
      clientId,
      undefined,
      options.clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(options.clientSecret),
      discoveryOptions,
    );
  } catch (error) {
    throw authFailed(`cannot discover the OIDC issuer ${issuer}`, error);
  }
}

/** The error for a refusal by the identity provider; keeps its OAuth error code, never secrets. */
export function authFailed(what: string, error: unknown): SdkError<'AUTH_FAILED'> {
  const e = error as { error?: unknown; error_description?: unknown; message?: unknown; cause?: unknown };
  // A 401 with WWW-Authenticate arrives as challenges whose parameters carry the OAuth error.
  const challenge = Array.isArray(e.cause)
    ? (e.cause[0] as { parameters?: Record<string, unknown> } | undefined)?.parameters
    : undefined;
  const pick = (key: 'error' | 'error_description'): string | undefined => {
    const value = e[key] ?? challenge?.[key];
    return typeof value === 'string' ? value : undefined;
  };
  const oauthError = pick('error');
  const description = pick('error_description');
  let message = description ?? (typeof e.message === 'string' ? e.message : String(error));
  // openid-client wraps the specific reason (e.g. which field was missing) in `cause`.
  const cause = e.cause;
  if (description === undefined && cause instanceof Error && cause.message !== message)
    message += ` (${cause.message})`;
  return new SdkError('AUTH_FAILED', `${what}: ${oauthError ? `${oauthError}: ` : ''}${message}`, {
    cause: error,
    details: oauthError === undefined ? {} : { oauth_error: oauthError },
  });
}

function expiresAt(response: { expires_in?: number | undefined }, now: number): string {
  // Without expires_in the token's lifetime is unknown; assume the platform's default of 15 min.
  return new Date(now + (response.expires_in ?? 900) * 1000).toISOString();
}

export interface ClientCredentialsOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scope?: string | undefined;
  /** RFC 8707 resource indicator, when the issuer needs one to mint API tokens. */
  resource?: string | undefined;
  fetch?: FetchLike | undefined;
}

/** A service account's tokens (OAuth client_credentials), fetched on first use and renewed near expiry. */
export function clientCredentialsTokenProvider(options: ClientCredentialsOptions): TokenProvider {
  let config: Promise<oidc.Configuration> | undefined;
  let cached: { token: string; expiresAt: number } | undefined;
  return {
    source: 'client_credentials',
    async getToken({ forceRefresh = false } = {}) {
      if (!forceRefresh && cached !== undefined && cached.expiresAt - Date.now() > REFRESH_MARGIN_MS) {
        return cached.token;
      }
      config ??= discoverIssuer(options.issuer, options.clientId, options);
      const params: Record<string, string> = {};
      if (options.scope !== undefined) params.scope = options.scope;
      if (options.resource !== undefined) params.resource = options.resource;
      const now = Date.now();
      try {
        const response = await oidc.clientCredentialsGrant(await config, params);
        cached = { token: response.access_token, expiresAt: Date.parse(expiresAt(response, now)) };
        return cached.token;
      } catch (error) {
        config = undefined;
        throw authFailed(`the issuer refused client ${options.clientId}'s credentials`, error);
      }
    },
  };
}

export interface SessionTokenOptions {
  store: CredentialsStore;
  apiUrl: string;
  fetch?: FetchLike | undefined;
  /** RFC 8707 resource indicator sent with refreshes. */
  resource?: string | undefined;
}

/**
 * The cached login session of one API: returns its access token, and before it expires trades the
 * refresh token for a new one (saving a rotated refresh token), without asking the user.
 */
export function sessionTokenProvider(options: SessionTokenOptions): TokenProvider {
  return {
    source: 'login',
    async getToken({ forceRefresh = false } = {}) {
      const session = await options.store.get(options.apiUrl);
      if (session === undefined) {
        throw new SdkError('AUTH_REQUIRED', `not logged in to ${options.apiUrl}`, {
          details: { hint: `run \`gpuaas auth login --api-url ${options.apiUrl}\`` },
        });
      }
      if (!forceRefresh && Date.parse(session.expires_at) - Date.now() > REFRESH_MARGIN_MS) {
        return session.access_token;
      }
      const refreshed = await refreshSession(session, options);
      await options.store.put(options.apiUrl, refreshed);
      return refreshed.access_token;
    },
  };
}

/** Trades a session's refresh token for fresh tokens; AUTH_REQUIRED when there is none left. */
export async function refreshSession(
  session: StoredSession,
  options: { fetch?: FetchLike | undefined; resource?: string | undefined } = {},
): Promise<StoredSession> {
  if (session.refresh_token === undefined) {
    throw new SdkError('AUTH_REQUIRED', 'the login session has expired and cannot be refreshed', {
      details: { hint: 'run `gpuaas auth login` again' },
    });
  }
  const config = await discoverIssuer(session.issuer, session.client_id, options);
  const now = Date.now();
  try {
    const params: Record<string, string> = {};
    if (options.resource !== undefined) params.resource = options.resource;
    const response = await oidc.refreshTokenGrant(config, session.refresh_token, params);
    const next: StoredSession = {
      ...session,
      access_token: response.access_token,
      expires_at: expiresAt(response, now),
    };
    if (response.refresh_token !== undefined) next.refresh_token = response.refresh_token;
    if (response.scope !== undefined) next.scope = response.scope;
    return next;
  } catch (error) {
    const failure = authFailed('the login session could not be refreshed', error);
    if (failure.details?.oauth_error === 'invalid_grant') {
      throw new SdkError('AUTH_REQUIRED', `${failure.message}; log in again`, {
        cause: error,
        details: { hint: 'run `gpuaas auth login` again' },
      });
    }
    throw failure;
  }
}

export interface EnvironmentCredentialOptions {
  env: NodeJS.ProcessEnv;
  apiUrl: string;
  store?: CredentialsStore | undefined;
  fetch?: FetchLike | undefined;
}

/**
 * The credential the environment offers, first match wins: `GPUAAS_TOKEN`; a service account's
 * `GPUAAS_CLIENT_ID` + `GPUAAS_CLIENT_SECRET` (issuer `GPUAAS_ISSUER_URL`, default the API URL;
 * optional `GPUAAS_SCOPE`, `GPUAAS_RESOURCE`); the cached login for the API. Undefined when none.
 */
export async function tokenProviderFromEnvironment(
  options: EnvironmentCredentialOptions,
): Promise<TokenProvider | undefined> {
  const { env } = options;
  const nonEmpty = (v: string | undefined): string | undefined =>
    v === undefined || v === '' ? undefined : v;
  const token = nonEmpty(env.GPUAAS_TOKEN);
  if (token !== undefined) return staticTokenProvider(token, 'GPUAAS_TOKEN');
  const clientId = nonEmpty(env.GPUAAS_CLIENT_ID);
  const clientSecret = nonEmpty(env.GPUAAS_CLIENT_SECRET);
  if (clientId !== undefined || clientSecret !== undefined) {
    if (clientId === undefined || clientSecret === undefined) {
      throw new SdkError('AUTH_REQUIRED', 'GPUAAS_CLIENT_ID and GPUAAS_CLIENT_SECRET must be set together');
    }
    return clientCredentialsTokenProvider({
      issuer: nonEmpty(env.GPUAAS_ISSUER_URL) ?? options.apiUrl,
      clientId,
      clientSecret,
      scope: nonEmpty(env.GPUAAS_SCOPE),
      resource: nonEmpty(env.GPUAAS_RESOURCE),
      fetch: options.fetch,
    });
  }
  if (options.store !== undefined && (await options.store.get(options.apiUrl)) !== undefined) {
    return sessionTokenProvider({
      store: options.store,
      apiUrl: options.apiUrl,
      fetch: options.fetch,
      resource: nonEmpty(env.GPUAAS_RESOURCE),
    });
  }
  return undefined;
}
