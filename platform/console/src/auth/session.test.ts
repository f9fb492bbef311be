import { describe, expect, it } from 'vitest';
import type { ProviderMetadata } from './oidc.js';
import { ConsoleSession, SessionEndedError } from './session.js';

const META: ProviderMetadata = {
  issuer: 'https://gpu.example.com',
  authorization_endpoint: 'https://gpu.example.com/oidc/auth',
  token_endpoint: 'https://gpu.example.com/oidc/token',
  revocation_endpoint: 'https://gpu.example.com/oidc/token/revocation',
  end_session_endpoint: 'https://gpu.example.com/oidc/session/end',
};

/** A token endpoint and revocation endpoint answering from `answers`, recording each form sent. */
function provider(answers: (() => Response | Promise<Response>)[]) {
  const forms: { url: string; form: Record<string, string> }[] = [];
  const fetchImpl = ((input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : input.toString();
    const body = init?.body instanceof URLSearchParams ? init.body : new URLSearchParams();
    forms.push({ url, form: Object.fromEntries(body) });
    const next = answers.shift();
    if (next === undefined) throw new Error('unexpected request');
    return Promise.resolve(next());
  }) as typeof fetch;
  return { forms, fetchImpl };
}

const tokens = (access: string, expiresInMs: number, refresh = 'r1') => ({
  accessToken: access,
  refreshToken: refresh,
  expiresAt: Date.now() + expiresInMs,
});
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function session(initial: ReturnType<typeof tokens>, answers: (() => Response | Promise<Response>)[]) {
  const p = provider(answers);
  const events: string[] = [];
  const s = new ConsoleSession(META, initial, {
    fetch: p.fetchImpl,
    onExpired: () => events.push('expired'),
    leave: (url) => events.push(`leave ${url}`),
  });
  return { s, events, forms: p.forms };
}

describe('ConsoleSession', () => {
  it('hands out the access token while more than a minute is left', async () => {
    const { s, forms } = session(tokens('a1', 120_000), []);
    expect(await s.getToken()).toBe('a1');
    expect(forms).toEqual([]);
  });

  it('refreshes once for concurrent callers, keeping the rotated refresh token', async () => {
    const { s, forms } = session(tokens('a1', 30_000), [
      () => json({ access_token: 'a2', refresh_token: 'r2', expires_in: 900 }),
      () => json({ access_token: 'a3', refresh_token: 'r3', expires_in: 900 }),
    ]);
    expect(await Promise.all([s.getToken(), s.getToken(), s.getToken()])).toEqual(['a2', 'a2', 'a2']);
    expect(forms).toHaveLength(1);
    expect(forms[0]?.form).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'r1',
      client_id: 'gpuaas-console',
    });
    expect(await s.getToken({ forceRefresh: true })).toBe('a3');
    expect(forms[1]?.form.refresh_token).toBe('r2');
  });

  it('ends the session when the provider refuses the refresh', async () => {
    const { s, events } = session(tokens('a1', 0), [() => json({ error: 'invalid_grant' }, 400)]);
    await expect(s.getToken()).rejects.toBeInstanceOf(SessionEndedError);
    expect(events).toEqual(['expired']);
    await expect(s.getToken()).rejects.toBeInstanceOf(SessionEndedError);
    expect(events).toEqual(['expired']);
  });

  it('keeps the session through a network failure (the next call tries again)', async () => {
    const { s, events } = session(tokens('a1', 0), [
      () => Promise.reject(new TypeError('network down')),
      () => json({ access_token: 'a2', expires_in: 900 }),
    ]);
    await expect(s.getToken()).rejects.toThrow('network down');
    expect(events).toEqual([]);
    expect(await s.getToken()).toBe('a2');
  });

  it('signs out: revokes the refresh token, then leaves for the provider sign-out page', async () => {
    const { s, events, forms } = session(tokens('a1', 120_000, 'r9'), [
      () => new Response(null, { status: 200 }),
    ]);
    await s.signOut();
    expect(forms[0]).toEqual({
      url: META.revocation_endpoint,
      form: { token: 'r9', token_type_hint: 'refresh_token', client_id: 'gpuaas-console' },
    });
    expect(events).toEqual([
      'leave https://gpu.example.com/oidc/session/end?client_id=gpuaas-console&post_logout_redirect_uri=https%3A%2F%2Fgpu.example.com%2F',
    ]);
    await expect(s.getToken()).rejects.toBeInstanceOf(SessionEndedError);
  });
});
