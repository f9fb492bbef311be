/**
 * What must survive the redirect to the provider and back: the PKCE verifier, the state and the
 * console route to return to. Kept in sessionStorage (this tab only, gone when it closes), never a
 * token; taken (read and removed) exactly once, and only for the state the provider sent back.
 * Also the "signed out" mark, so the console shows a sign-in button instead of signing straight in.
 */

const PENDING_KEY = 'gpuaas.console.login';
const SIGNED_OUT_KEY = 'gpuaas.console.signed-out';
/** The provider's interaction lives an hour; a login older than that cannot come back. */
const PENDING_MAX_AGE_MS = 3_600_000;

export interface PendingLogin {
  state: string;
  verifier: string;
  /** The console path (with query) to open once signed in. */
  returnTo: string;
  createdAt: number;
}

export function savePendingLogin(storage: Storage, login: PendingLogin): void {
  storage.setItem(PENDING_KEY, JSON.stringify(login));
}

export function takePendingLogin(
  storage: Storage,
  state: string,
  now = Date.now(),
): PendingLogin | undefined {
  const text = storage.getItem(PENDING_KEY);
  storage.removeItem(PENDING_KEY);
  if (text === null) return undefined;
  try {
    const login = JSON.parse(text) as Partial<PendingLogin>;
    if (
      login.state !== state ||
      typeof login.verifier !== 'string' ||
      typeof login.returnTo !== 'string' ||
      typeof login.createdAt !== 'number' ||
      now - login.createdAt > PENDING_MAX_AGE_MS
    ) {
      return undefined;
    }
    return {
      state,
      verifier: login.verifier,
      returnTo: safeReturnPath(login.returnTo),
      createdAt: login.createdAt,
    };
  } catch {
    return undefined;
  }
}

/** Only a path of this origin (never `//host`, never a URL): an open redirect is not possible. */
export function safeReturnPath(path: string): string {
  return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\') ? path : '/';
}

export function markSignedOut(storage: Storage, signedOut: boolean): void {
  if (signedOut) storage.setItem(SIGNED_OUT_KEY, '1');
  else storage.removeItem(SIGNED_OUT_KEY);
}

export function isMarkedSignedOut(storage: Storage): boolean {
  return storage.getItem(SIGNED_OUT_KEY) === '1';
}
