/**
 * The console's sign-in state machine, observed by React (`useAuth`): discovery, the return from
 * the provider (`/auth/callback`), a fresh sign-in when the page has no tokens (a reload, a new
 * tab), the signed-out page after a sign-out, and the redirect when the session expires.
 *
 *   starting ──► signed-in ──(expired)──► leaving (drafts saved) ──► provider ──► callback ─┐
 *      │  └────► signed-out ──(Sign in)──► leaving ──────────────────────────────────────┘
 *      └────► failed (discovery or code exchange refused: a message and a way to retry)
 */
import { DraftRegistry } from './drafts.js';
import {
  isMarkedSignedOut,
  markSignedOut,
  safeReturnPath,
  savePendingLogin,
  takePendingLogin,
} from './login-state.js';
import { CALLBACK_PATH, authorizationUrl, discover, exchangeCode } from './oidc.js';
import type { ProviderMetadata } from './oidc.js';
import { codeChallenge, randomToken, secureContextProblem } from './pkce.js';
import { ConsoleSession } from './session.js';

export type AuthView =
  | { kind: 'starting' }
  | { kind: 'leaving'; message: string }
  | { kind: 'signed-out' }
  | { kind: 'failed'; message: string }
  | { kind: 'signed-in'; session: ConsoleSession };

/** What the state machine needs of the browser (a test may pass its own). */
export interface BrowserEnvironment {
  location: Pick<Location, 'origin' | 'pathname' | 'search' | 'hash' | 'assign' | 'replace'>;
  history: Pick<History, 'replaceState'>;
  storage: Storage;
  isSecureContext: boolean;
  fetch: typeof fetch;
}

export class Auth {
  readonly drafts: DraftRegistry;
  #view: AuthView = { kind: 'starting' };
  #meta: ProviderMetadata | undefined;
  readonly #listeners = new Set<() => void>();

  constructor(private readonly env: BrowserEnvironment) {
    this.drafts = new DraftRegistry(env.storage);
  }

  get view(): AuthView {
    return this.#view;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getView = (): AuthView => this.#view;

  #set(view: AuthView): void {
    this.#view = view;
    for (const listener of this.#listeners) listener();
  }

  #currentPath(): string {
    const { pathname, search, hash } = this.env.location;
    return pathname === CALLBACK_PATH ? '/' : `${pathname}${search}${hash}`;
  }

  async start(): Promise<void> {
    const insecure = secureContextProblem({
      isSecureContext: this.env.isSecureContext,
      location: this.env.location,
    });
    if (insecure !== undefined) return this.#set({ kind: 'failed', message: insecure });
    let meta: ProviderMetadata;
    try {
      meta = await discover(this.env.location.origin, this.env.fetch);
    } catch (error) {
      return this.#set({ kind: 'failed', message: (error as Error).message });
    }
    this.#meta = meta;
    // The console signs in on the issuer's origin only (its redirect URI is registered there).
    const issuerOrigin = new URL(meta.issuer).origin;
    if (issuerOrigin !== this.env.location.origin) {
      this.#set({ kind: 'leaving', message: `Opening the console at ${issuerOrigin}…` });
      const { pathname, search, hash } = this.env.location;
      this.env.location.replace(`${issuerOrigin}${pathname}${search}${hash}`);
      return;
    }
    if (this.env.location.pathname === CALLBACK_PATH) return this.#finishSignIn(meta);
    if (isMarkedSignedOut(this.env.storage)) return this.#set({ kind: 'signed-out' });
    await this.signIn();
  }

  /** Goes to the provider's sign-in page (straight back when its session is still alive). */
  async signIn(returnTo = this.#currentPath()): Promise<void> {
    const meta = this.#meta;
    if (meta === undefined) return this.start();
    markSignedOut(this.env.storage, false);
    const verifier = randomToken();
    const state = randomToken(16);
    savePendingLogin(this.env.storage, {
      state,
      verifier,
      returnTo: safeReturnPath(returnTo),
      createdAt: Date.now(),
    });
    this.#set({ kind: 'leaving', message: 'Signing in…' });
    this.env.location.assign(authorizationUrl(meta, { state, challenge: await codeChallenge(verifier) }));
  }

  async #finishSignIn(meta: ProviderMetadata): Promise<void> {
    const params = new URLSearchParams(this.env.location.search);
    const state = params.get('state') ?? '';
    const pending = takePendingLogin(this.env.storage, state);
    const error = params.get('error');
    // The code must leave the address bar and history at once, whatever happens next.
    this.env.history.replaceState(null, '', pending?.returnTo ?? '/');
    if (error !== null) {
      const description = params.get('error_description');
      return this.#set({ kind: 'failed', message: `Sign-in failed: ${description ?? error}` });
    }
    const code = params.get('code');
    if (pending === undefined || code === null) {
      return this.#set({
        kind: 'failed',
        message: 'This sign-in expired or was not started here. Sign in again.',
      });
    }
    try {
      const tokens = await exchangeCode(meta, { code, verifier: pending.verifier }, this.env.fetch);
      const session = new ConsoleSession(meta, tokens, {
        fetch: this.env.fetch,
        onExpired: () => this.#expired(),
        leave: (url) => {
          markSignedOut(this.env.storage, true);
          this.#set({ kind: 'leaving', message: 'Signing out…' });
          this.env.location.assign(url);
        },
      });
      this.#set({ kind: 'signed-in', session });
    } catch (failure) {
      this.#set({ kind: 'failed', message: (failure as Error).message });
    }
  }

  #expired(): void {
    this.drafts.saveAll();
    this.#set({ kind: 'leaving', message: 'Your session expired. Signing in again…' });
    void this.signIn();
  }
}
