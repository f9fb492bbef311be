/**
 * Test helpers for the sign-in flows: a minimal cookie-keeping HTTP user agent that follows
 * redirects by hand (so a test can stop at the loopback callback), HTML form scraping, and
 * openid-client set up as the `gpuaas` CLI would use it. Used only by tests.
 */
import * as client from 'openid-client';

export interface Hop {
  url: string;
  response: Response;
  body: string;
}

/** A user agent with a cookie jar (cookie paths ignored: every cookie goes to the one test host). */
export class TestUserAgent {
  readonly cookies = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Hop> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { url, response, body: await response.text() };
  }

  /** Follows redirects from `url` until a page answers, or until `stop(url)` says the next hop is the target. */
  async follow(
    url: string,
    init: RequestInit = {},
    stop: (next: string) => boolean = () => false,
  ): Promise<Hop> {
    let hop = await this.request(url, init);
    for (let i = 0; i < 20; i++) {
      const location = hop.response.headers.get('location');
      if (hop.response.status < 300 || hop.response.status >= 400 || location === null) return hop;
      const next = new URL(location, hop.url).toString();
      if (stop(next)) return { ...hop, url: next };
      hop = await this.request(next);
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** Submits a form (urlencoded POST) and follows the redirects. */
  submit(
    action: string,
    base: string,
    fields: Record<string, string>,
    stop?: (next: string) => boolean,
  ): Promise<Hop> {
    return this.follow(
      new URL(action, base).toString(),
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      },
      stop,
    );
  }
}

const decode = (s: string) =>
  s.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');

/** The action and hidden fields of the form with `id` (or the first form). */
export function formOf(html: string, id?: string): { action: string; fields: Record<string, string> } {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)];
  const form = forms.find((f) => id === undefined || (f[1] ?? '').includes(`id="${id}"`));
  if (form === undefined) throw new Error(`no form${id === undefined ? '' : ` #${id}`} in page:\n${html}`);
  const action = /action="([^"]*)"/.exec(form[1] ?? '')?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const input of (form[2] ?? '').matchAll(/<input\b([^>]*)>/g)) {
    const attrs = input[1] ?? '';
    const name = /name="([^"]*)"/.exec(attrs)?.[1];
    const value = /value="([^"]*)"/.exec(attrs)?.[1];
    if (name !== undefined && /type="hidden"/.test(attrs)) fields[name] = decode(value ?? '');
  }
  return { action: decode(action), fields };
}

/** openid-client configured for the platform's public CLI client, as `gpuaas auth login` would. */
export function discoverCli(issuer: string): Promise<client.Configuration> {
  return client.discovery(new URL(issuer), 'gpuaas-cli', undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
}

/** openid-client for a service account (client_secret_basic). */
export function discoverServiceAccount(
  issuer: string,
  clientId: string,
  secret: string,
): Promise<client.Configuration> {
  return client.discovery(new URL(issuer), clientId, undefined, client.ClientSecretBasic(secret), {
    execute: [client.allowInsecureRequests],
  });
}

export interface AuthorizationStart {
  url: URL;
  verifier: string;
  state: string;
  redirectUri: string;
}

/** Builds an authorization request with PKCE (S256) and a loopback redirect on `port`. */
export async function startAuthorization(
  config: client.Configuration,
  port: number,
): Promise<AuthorizationStart> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  return { url, verifier, state, redirectUri };
}

/**
 * Drives the whole authorization-code flow over HTTP: authorize → login form → (automatic
 * consent) → loopback callback; returns the callback URL carrying the code.
 */
export async function loginOverHttp(
  agent: TestUserAgent,
  start: AuthorizationStart,
  email: string,
  password: string,
): Promise<{ callback: URL; loginPage: Hop }> {
  const atCallback = (next: string) => next.startsWith(start.redirectUri);
  const loginPage = await agent.follow(start.url.toString(), {}, atCallback);
  const form = formOf(loginPage.body);
  const done = await agent.submit(
    form.action,
    loginPage.url,
    { ...form.fields, email, password },
    atCallback,
  );
  if (!atCallback(done.url)) {
    throw new Error(`login did not reach the callback (status ${done.response.status}):\n${done.body}`);
  }
  return { callback: new URL(done.url), loginPage };
}

/**
 * The OAuth error code of a failed openid-client call: from the JSON body, or from the
 * WWW-Authenticate challenge of a 401 (how oidc-provider answers a failed client authentication).
 */
export async function oauthError(call: Promise<unknown>): Promise<{ error: string; status: number }> {
  try {
    await call;
  } catch (e) {
    const err = e as { error?: string; status?: number; cause?: unknown };
    if (typeof err.error === 'string') return { error: err.error, status: err.status ?? 0 };
    const challenges = Array.isArray(err.cause) ? (err.cause as { parameters?: { error?: string } }[]) : [];
    return { error: challenges[0]?.parameters?.error ?? String(e), status: err.status ?? 0 };
  }
  throw new Error('the call succeeded');
}
