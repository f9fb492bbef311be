import { describe, expect, it } from 'vitest';
import { Auth } from './auth.js';
import type { BrowserEnvironment } from './auth.js';
import { savePendingLogin } from './login-state.js';

class MemoryStorage implements Storage {
  readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

const ISSUER = 'http://127.0.0.1:8080';
const DISCOVERY = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/oidc/auth`,
  token_endpoint: `${ISSUER}/oidc/token`,
};

const urlOf = (input: string | URL | Request) => (input instanceof Request ? input.url : input.toString());

function environment(href: string, token: () => Response = () => new Response('{}', { status: 500 })) {
  const url = new URL(href);
  const went: string[] = [];
  const history: string[] = [];
  const storage = new MemoryStorage();
  const env: BrowserEnvironment = {
    location: {
      origin: url.origin,
      pathname: url.pathname,
      search: url.search,
      hash: url.hash,
      assign: (to: string | URL) => went.push(`assign ${String(to)}`),
      replace: (to: string | URL) => went.push(`replace ${String(to)}`),
    },
    history: {
      replaceState: (_data: unknown, _unused: string, to?: string | URL | null) => history.push(String(to)),
    },
    storage,
    isSecureContext: true,
    fetch: (input: string | URL | Request) =>
      Promise.resolve(urlOf(input).endsWith('/openid-configuration') ? Response.json(DISCOVERY) : token()),
  };
  return { env, went, history, storage };
}

describe('Auth', () => {
  it('goes to the provider with PKCE and remembers where to come back', async () => {
    const { env, went, storage } = environment(`${ISSUER}/allocations?model=h100`);
    const auth = new Auth(env);
    await auth.start();
    expect(auth.view.kind).toBe('leaving');
    const target = new URL(went[0]?.replace(/^assign /, '') ?? '');
    expect(target.pathname).toBe('/oidc/auth');
    expect(Object.fromEntries(target.searchParams)).toMatchObject({
      client_id: 'gpuaas-console',
      response_type: 'code',
      redirect_uri: `${ISSUER}/auth/callback`,
      code_challenge_method: 'S256',
    });
    const pending = JSON.parse(storage.getItem('gpuaas.console.login') ?? '{}') as Record<string, unknown>;
    expect(pending).toMatchObject({
      returnTo: '/allocations?model=h100',
      state: target.searchParams.get('state'),
    });
  });

  it('moves to the issuer origin before signing in', async () => {
    const { env, went } = environment('http://localhost:8080/allocations');
    await new Auth(env).start();
    expect(went).toEqual(['replace http://127.0.0.1:8080/allocations']);
  });

  it('exchanges the code of its own state and returns to the saved route, code gone from history', async () => {
    const { env, history, storage } = environment(`${ISSUER}/auth/callback?code=C1&state=S1`, () =>
      Response.json({ access_token: 'A', refresh_token: 'R', expires_in: 900 }),
    );
    savePendingLogin(storage, {
      state: 'S1',
      verifier: 'V'.repeat(43),
      returnTo: '/allocations',
      createdAt: Date.now(),
    });
    const auth = new Auth(env);
    await auth.start();
    expect(history).toEqual(['/allocations']);
    const view = auth.view;
    expect(view.kind).toBe('signed-in');
    if (view.kind === 'signed-in') expect(await view.session.getToken()).toBe('A');
    expect([...storage.items.values()].join()).not.toContain('"A"');
  });

  it('refuses a callback whose state it did not send (no exchange)', async () => {
    let exchanged = false;
    const { env, storage } = environment(`${ISSUER}/auth/callback?code=C1&state=FORGED`, () => {
      exchanged = true;
      return Response.json({ access_token: 'A' });
    });
    savePendingLogin(storage, {
      state: 'S1',
      verifier: 'V'.repeat(43),
      returnTo: '/',
      createdAt: Date.now(),
    });
    const auth = new Auth(env);
    await auth.start();
    expect(auth.view).toMatchObject({ kind: 'failed' });
    expect(exchanged).toBe(false);
  });

  it('shows the provider’s refusal and the signed-out page after a sign-out', async () => {
    const denied = environment(`${ISSUER}/auth/callback?error=access_denied&state=S1`);
    const auth = new Auth(denied.env);
    await auth.start();
    expect(auth.view).toEqual({ kind: 'failed', message: 'Sign-in failed: access_denied' });

    const after = environment(`${ISSUER}/`);
    after.storage.setItem('gpuaas.console.signed-out', '1');
    const again = new Auth(after.env);
    await again.start();
    expect(again.view.kind).toBe('signed-out');
    expect(after.went).toEqual([]);
  });

  it('will not sign in outside a secure context', async () => {
    const { env, went } = environment('http://gpu.lan:8080/');
    const auth = new Auth({ ...env, isSecureContext: false });
    await auth.start();
    expect(auth.view.kind).toBe('failed');
    expect(went).toEqual([]);
  });
});
