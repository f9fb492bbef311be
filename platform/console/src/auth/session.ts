/**
 * The signed-in session: tokens in this page's memory only (a reload signs in again, silently
 * while the provider's session lasts), the access token refreshed shortly before it expires (one
 * refresh at a time; refresh tokens rotate), and the two ways a session ends:
 * - it expires (the refresh is refused, or the API refuses the token): the drafts of open forms
 *   are saved and the browser goes to sign in, coming back to the same route;
 * - the user signs out: the refresh token is revoked, the tokens dropped, and the provider's own
 *   session ended on its sign-out page, which returns to the console.
 */
import { OidcError, endSessionUrl, refreshTokens, revokeToken } from './oidc.js';
import type { ProviderMetadata, TokenSet } from './oidc.js';

/** An access token with less than this left is refreshed before use. */
export const REFRESH_MARGIN_MS = 60_000;

/** Thrown to callers once the session has ended: the page is leaving for the sign-in page. */
export class SessionEndedError extends Error {
  override readonly name = 'SessionEndedError';
  constructor() {
    super('the session has ended: signing in again');
  }
}

export interface SessionHooks {
  /** The session expired: save what must survive and go to sign in (returning to `returnTo`). */
  onExpired(): void;
  /** Leaves for `url` (the provider's sign-out page, or the console's root). */
  leave(url: string): void;
  fetch?: typeof fetch | undefined;
}

export class ConsoleSession {
  #tokens: TokenSet;
  #refreshing: Promise<string> | undefined;
  #ended = false;

  constructor(
    readonly meta: ProviderMetadata,
    tokens: TokenSet,
    private readonly hooks: SessionHooks,
  ) {
    this.#tokens = tokens;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** An access token valid for at least a minute; `forceRefresh` when the API said it expired. */
  getToken(options: { forceRefresh?: boolean } = {}): Promise<string> {
    if (this.#ended) return Promise.reject(new SessionEndedError());
    if (options.forceRefresh !== true && this.#tokens.expiresAt - Date.now() > REFRESH_MARGIN_MS) {
      return Promise.resolve(this.#tokens.accessToken);
    }
    this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  async #refresh(): Promise<string> {
    const refreshToken = this.#tokens.refreshToken;
    if (refreshToken === undefined) {
      this.expire();
      throw new SessionEndedError();
    }
    try {
      const next = await refreshTokens(this.meta, refreshToken, this.hooks.fetch);
      if (this.#ended) throw new SessionEndedError();
      this.#tokens = { ...next, refreshToken: next.refreshToken ?? refreshToken };
      return next.accessToken;
    } catch (error) {
      // A refusal ends the session; a network failure does not (the next call tries again).
      if (error instanceof OidcError || error instanceof SessionEndedError) {
        this.expire();
        throw new SessionEndedError();
      }
      throw error;
    }
  }

  /** The session is over without the user asking: sign in again and come back. */
  expire(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.hooks.onExpired();
  }

  /** Revokes the refresh token, drops the tokens and ends the provider's session. */
  async signOut(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    const refreshToken = this.#tokens.refreshToken;
    this.#tokens = { accessToken: '', refreshToken: undefined, expiresAt: 0 };
    if (refreshToken !== undefined) {
      await revokeToken(this.meta, refreshToken, 'refresh_token', this.hooks.fetch);
    }
    this.hooks.leave(endSessionUrl(this.meta) ?? '/');
  }
}
