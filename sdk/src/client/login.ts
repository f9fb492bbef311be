/**
 * Interactive logins for native apps: the authorization code flow with PKCE on a loopback
 * redirect (RFC 8252, a random port on 127.0.0.1), and the device authorization grant (RFC 8628)
 * for machines without a browser. Both return a session ready for the credentials store.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { SdkError } from '../errors.js';
import type { StoredSession } from './credentials.js';
import { authFailed, discoverIssuer } from './tokens.js';
import type { FetchLike } from './tokens.js';

export const DEFAULT_LOGIN_SCOPE = 'openid email offline_access';

interface CommonLoginOptions {
  issuer: string;
  /** The public client (default `gpuaas-cli`). */
  clientId?: string | undefined;
  scope?: string | undefined;
  /** RFC 8707 resource indicator for API tokens, when the issuer needs one. */
  resource?: string | undefined;
  fetch?: FetchLike | undefined;
}

export interface PkceLoginOptions extends CommonLoginOptions {
  /** Shows the authorization URL to the user; resolves false when no browser could be opened. */
  openBrowser(url: string): Promise<boolean>;
  /** How long to wait for the browser to come back (default 5 minutes). */
  timeoutMs?: number | undefined;
}

export interface DevicePrompt {
  verificationUri: string;
  verificationUriComplete: string | undefined;
  userCode: string;
  expiresInSeconds: number;
}

export interface DeviceLoginOptions extends CommonLoginOptions {
  /** Tells the user where to go and which code to enter. */
  onPrompt(prompt: DevicePrompt): void;
  signal?: AbortSignal | undefined;
}

export interface LoginResult {
  session: StoredSession;
}

function toSession(
  config: oidc.Configuration,
  clientId: string,
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
  now: number,
): StoredSession {
  const session: StoredSession = {
    issuer: config.serverMetadata().issuer,
    client_id: clientId,
    access_token: tokens.access_token,
    expires_at: new Date(now + (tokens.expires_in ?? 900) * 1000).toISOString(),
  };
  if (tokens.refresh_token !== undefined) session.refresh_token = tokens.refresh_token;
  if (tokens.scope !== undefined) session.scope = tokens.scope;
  const claims = tokens.claims();
  if (claims !== undefined) {
    session.subject = claims.sub;
    if (typeof claims.email === 'string') session.email = claims.email;
  }
  return session;
}

function page(title: string, text: string): string {
  const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><meta charset="utf-8"><title>${esc(title)}</title><p>${esc(text)}</p>\n`;
}

/**
 * Browser login: listens on `http://127.0.0.1:<random>/callback`, sends the user to the issuer
 * with a PKCE S256 challenge, state and nonce, and trades the returned code for tokens.
 */
export async function loginWithPkce(options: PkceLoginOptions): Promise<LoginResult> {
  const clientId = options.clientId ?? 'gpuaas-cli';
  const config = await discoverIssuer(options.issuer, clientId, options);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const scope = options.scope ?? DEFAULT_LOGIN_SCOPE;

  let settle: { resolve: (url: URL) => void; reject: (error: Error) => void } | undefined;
  const callback = new Promise<URL>((resolve, reject) => (settle = { resolve, reject }));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    const failed = url.searchParams.get('error');
    res.writeHead(failed ? 400 : 200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' });
    res.end(
      failed
        ? page('Login failed', `The login failed (${failed}). Return to the terminal.`)
        : page('Logged in', 'You are logged in to GPUaaS. You can close this window.'),
    );
    settle?.resolve(new URL(req.url ?? '/', redirectUri));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  const timer = setTimeout(
    () => settle?.reject(new SdkError('AUTH_FAILED', 'the browser login did not complete in time')),
    options.timeoutMs ?? 300_000,
  );
  try {
    const params: Record<string, string> = {
      redirect_uri: redirectUri,
      scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    };
    if (options.resource !== undefined) params.resource = options.resource;
    const authorizationUrl = oidc.buildAuthorizationUrl(config, params).href;
    await options.openBrowser(authorizationUrl);
    const returned = await callback;
    const now = Date.now();
    try {
      const extra: Record<string, string> = {};
      if (options.resource !== undefined) extra.resource = options.resource;
      const tokens = await oidc.authorizationCodeGrant(
        config,
        returned,
        {
          pkceCodeVerifier: verifier,
          expectedState: state,
          expectedNonce: nonce,
          idTokenExpected: scope.split(' ').includes('openid'),
        },
        extra,
      );
      return { session: toSession(config, clientId, tokens, now) };
    } catch (error) {
      throw authFailed('the issuer refused the login', error);
    }
  } finally {
    clearTimeout(timer);
    server.closeAllConnections();
    server.close();
  }
}

/** Device login: shows a code to enter on another device and polls until the user approves it. */
export async function loginWithDeviceCode(options: DeviceLoginOptions): Promise<LoginResult> {
  const clientId = options.clientId ?? 'gpuaas-cli';
  const config = await discoverIssuer(options.issuer, clientId, options);
  const params: Record<string, string> = { scope: options.scope ?? DEFAULT_LOGIN_SCOPE };
  if (options.resource !== undefined) params.resource = options.resource;
  try {
    const device = await oidc.initiateDeviceAuthorization(config, params);
    options.onPrompt({
      verificationUri: device.verification_uri,
      verificationUriComplete: device.verification_uri_complete,
      userCode: device.user_code,
      expiresInSeconds: device.expires_in,
    });
    const now = Date.now();
    const tokens = await oidc.pollDeviceAuthorizationGrant(
      config,
      device,
      undefined,
      options.signal ? { signal: options.signal } : undefined,
    );
    return { session: toSession(config, clientId, tokens, now) };
  } catch (error) {
    if (error instanceof SdkError) throw error;
    throw authFailed('the device login failed', error);
  }
}
