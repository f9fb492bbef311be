/**
 * Registry authentication: `WWW-Authenticate` challenges, the Docker token flow (bearer tokens
 * fetched from the challenge's realm, anonymously or with credentials, cached per scope) and basic
 * auth. Credentials only ever go into `Authorization` headers, never into errors or logs.
 */
import { SdkError } from '../errors.js';
import type { CredentialsProvider, RegistryCredentials } from './credentials.js';

/** One challenge of a `WWW-Authenticate` header. */
export interface AuthChallenge {
  /** Lower-case scheme: `bearer`, `basic`, … */
  scheme: string;
  /** Parameters with lower-case names; for repeated names the last one. */
  params: Record<string, string>;
  /** Every scope named, from space-separated and repeated `scope` parameters. */
  scopes: string[];
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z/:=]/;

/**
 * Parses a `WWW-Authenticate` header (RFC 9110 challenges, as registries send them).
 *
 * @example
 * parseWwwAuthenticate('Bearer realm="https://auth.example/token",service="reg",scope="repository:a:pull"');
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let pos = 0;
  const skipSpace = (): void => {
    while (pos < header.length && (header[pos] === ' ' || header[pos] === '\t')) pos++;
  };
  const readToken = (allowEquals: boolean): string => {
    const start = pos;
    while (pos < header.length) {
      const ch = header[pos] as string;
      if (!TOKEN_CHAR.test(ch) || (!allowEquals && ch === '=')) break;
      pos++;
    }
    return header.slice(start, pos);
  };
  const readQuoted = (): string => {
    let out = '';
    pos++;
    while (pos < header.length && header[pos] !== '"') {
      if (header[pos] === '\\' && pos + 1 < header.length) pos++;
      out += header[pos];
      pos++;
    }
    pos++;
    return out;
  };
  while (pos < header.length) {
    while (pos < header.length && /[\s,]/.test(header[pos] as string)) pos++;
    const scheme = readToken(false);
    if (scheme === '') break;
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {}, scopes: [] };
    challenges.push(challenge);
    for (;;) {
      skipSpace();
      const mark = pos;
      const key = readToken(false);
      skipSpace();
      if (key === '' || header[pos] !== '=') {
        pos = mark;
        break;
      }
      pos++;
      skipSpace();
      const value = header[pos] === '"' ? readQuoted() : readToken(true);
      const name = key.toLowerCase();
      challenge.params[name] = value;
      if (name === 'scope') challenge.scopes.push(...value.split(' ').filter((s) => s !== ''));
      skipSpace();
      if (header[pos] !== ',') break;
      pos++;
    }
  }
  return challenges;
}

/** Sends a request without registry auth, with the transport's retries. */
export type RawSend = (url: URL, init: RequestInit, what: string) => Promise<Response>;

interface CachedToken {
  header: string;
  expiresAt: number;
}

/** Keeps what a registry asked for and the tokens it handed out. One per registry and client. */
export class RegistryAuthenticator {
  private readonly registry: string;
  private readonly provider: CredentialsProvider | undefined;
  private readonly send: RawSend;
  private readonly userAgent: string;
  private credentials: Promise<RegistryCredentials | undefined> | undefined;
  private mode: 'unknown' | 'basic' | 'bearer' = 'unknown';
  private realm: URL | undefined;
  private service: string | undefined;
  private readonly tokens = new Map<string, Promise<CachedToken>>();

  constructor(registry: string, provider: CredentialsProvider | undefined, send: RawSend, userAgent: string) {
    this.registry = registry;
    this.provider = provider;
    this.send = send;
    this.userAgent = userAgent;
  }

  private creds(): Promise<RegistryCredentials | undefined> {
    this.credentials ??=
      this.provider === undefined ? Promise.resolve(undefined) : this.provider(this.registry);
    return this.credentials;
  }

  /** The `Authorization` header to send up front, from what earlier challenges taught. */
  async authorization(scopes: readonly string[] | undefined): Promise<string | undefined> {
    const creds = await this.creds();
    if (creds?.registryToken !== undefined) return `Bearer ${creds.registryToken}`;
    if (this.mode === 'basic') return basicHeader(creds);
    if (this.mode === 'bearer' && scopes !== undefined && scopes.length > 0) return this.token(scopes);
    return undefined;
  }

  /**
   * Learns from a 401 and returns the header to retry with, or undefined when there is nothing
   * more to try (the caller then reports REGISTRY_UNAUTHORIZED).
   */
  async onUnauthorized(
    response: { headers: { get(name: string): string | null } },
    scopes: readonly string[] | undefined,
  ): Promise<string | undefined> {
    const challenges = parseWwwAuthenticate(response.headers.get('www-authenticate') ?? '');
    const creds = await this.creds();
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer?.params.realm !== undefined) {
      let realm: URL;
      try {
        realm = new URL(bearer.params.realm);
      } catch (error) {
        throw new SdkError(
          'REGISTRY_ERROR',
          `${this.registry} sent a bearer challenge with an invalid realm`,
          {
            cause: error,
          },
        );
      }
      if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
        throw new SdkError('REGISTRY_ERROR', `${this.registry} sent a bearer realm that is not http(s)`);
      }
      this.mode = 'bearer';
      this.realm = realm;
      this.service = bearer.params.service;
      const wanted = [...new Set([...(scopes ?? []), ...bearer.scopes])];
      // A token that lacked a scope is dropped so the retry asks the realm again.
      this.tokens.delete(scopeKey(wanted));
      if (scopes !== undefined) this.tokens.delete(scopeKey(scopes));
      const header = await this.token(wanted);
      // Later requests announce only their own scopes; let them find the token the challenge widened.
      const pending = this.tokens.get(scopeKey(wanted));
      if (pending !== undefined && scopes !== undefined && scopes.length > 0)
        this.tokens.set(scopeKey(scopes), pending);
      return header;
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      const header = basicHeader(creds);
      if (header === undefined) return undefined;
      this.mode = 'basic';
      return header;
    }
    return undefined;
  }

  private async token(scopes: readonly string[]): Promise<string> {
    const key = scopeKey(scopes);
    const cached = this.tokens.get(key);
    if (cached !== undefined) {
      try {
        const token = await cached;
        if (token.expiresAt > Date.now()) return token.header;
      } catch {
        // a failed fetch is not cached: fall through and ask again
      }
    }
    const fresh = this.fetchToken(scopes);
    this.tokens.set(key, fresh);
    try {
      return (await fresh).header;
    } catch (error) {
      if (this.tokens.get(key) === fresh) this.tokens.delete(key);
      throw error;
    }
  }

  private async fetchToken(scopes: readonly string[]): Promise<CachedToken> {
    const realm = this.realm;
    if (realm === undefined) throw new SdkError('INTERNAL', 'bearer token requested before any challenge');
    const creds = await this.creds();
    const what = `get a token for ${this.registry} from ${realm.origin}${realm.pathname}`;
    const headers: Record<string, string> = { 'user-agent': this.userAgent, accept: 'application/json' };
    let response: Response;
    if (creds?.identityToken !== undefined) {
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: creds.identityToken,
        client_id: 'gpuaas-sdk',
      });
      if (this.service !== undefined) form.set('service', this.service);
      if (scopes.length > 0) form.set('scope', scopes.join(' '));
      headers['content-type'] = 'application/x-www-form-urlencoded';
      response = await this.send(realm, { method: 'POST', headers, body: form.toString() }, what);
    } else {
      const url = new URL(realm);
      if (this.service !== undefined) url.searchParams.set('service', this.service);
      for (const scope of scopes) url.searchParams.append('scope', scope);
      const basic = basicHeader(creds);
      if (basic !== undefined) headers.authorization = basic;
      response = await this.send(url, { method: 'GET', headers }, what);
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new SdkError(
        response.status === 401 ? 'REGISTRY_UNAUTHORIZED' : 'REGISTRY_FORBIDDEN',
        `${this.registry}: the token service refused ${creds === undefined ? 'anonymous access' : 'the credentials'} (HTTP ${response.status}) for ${scopes.join(' ') || 'the registry'}`,
        { details: { status: response.status, registry: this.registry, scopes: [...scopes] } },
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new SdkError(
        'REGISTRY_ERROR',
        `${this.registry}: the token service answered HTTP ${response.status}`,
        {
          details: { status: response.status, registry: this.registry },
        },
      );
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = (await response.json()) as typeof body;
    } catch (error) {
      throw new SdkError('REGISTRY_ERROR', `${this.registry}: the token service did not answer JSON`, {
        cause: error,
      });
    }
    const token =
      typeof body.token === 'string' && body.token !== ''
        ? body.token
        : typeof body.access_token === 'string'
          ? body.access_token
          : undefined;
    if (token === undefined || token === '') {
      throw new SdkError('REGISTRY_ERROR', `${this.registry}: the token service answered without a token`);
    }
    // The distribution token spec defaults to 60 s; renew a little early so a slow request still carries a valid token.
    const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    return {
      header: `Bearer ${token}`,
      expiresAt: Date.now() + Math.max(1, lifetime - Math.min(10, lifetime / 2)) * 1000,
    };
  }
}

function scopeKey(scopes: readonly string[]): string {
  return [...new Set(scopes)].sort().join(' ');
}

function basicHeader(creds: RegistryCredentials | undefined): string | undefined {
  if (creds?.username === undefined || creds.password === undefined) return undefined;
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`, 'utf8').toString('base64')}`;
}
