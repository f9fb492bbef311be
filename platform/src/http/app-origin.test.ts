/** The instance origin's session cookie and security headers (the router itself: test/app-ui*.test.ts). */
import { describe, expect, it } from 'vitest';
import { instanceSecurityHeaders, sessionCookie, sessionCookieName, sessionsFrom } from './app-origin.js';

describe('the instance session cookie', () => {
  it('is host-only, HttpOnly and Lax; Secure with the __Host- prefix on https', () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    const http = sessionCookie('t0k', exp, false);
    expect(http).toMatch(/^gpuaas_app_session=t0k; Path=\/; Max-Age=(299|300); HttpOnly; SameSite=Lax$/);
    const https = sessionCookie('t0k', exp, true);
    expect(https).toMatch(
      /^__Host-gpuaas_app_session=t0k; Path=\/; Max-Age=(299|300); HttpOnly; SameSite=Lax; Secure$/,
    );
    for (const c of [http, https]) expect(c).not.toMatch(/domain/i);
  });

  it('is read back by its name only, never from a look-alike', () => {
    expect(sessionsFrom('a=1; gpuaas_app_session=abc; b=2', false)).toEqual(['abc']);
    expect(sessionsFrom('gpuaas_app_session=planted; gpuaas_app_session=abc', false)).toEqual([
      'planted',
      'abc',
    ]);
    expect(sessionsFrom('x_gpuaas_app_session=abc', false)).toEqual([]);
    // On https only the __Host- cookie counts: a plain one could have been planted by a sibling host.
    expect(sessionsFrom('gpuaas_app_session=abc', true)).toEqual([]);
    expect(sessionsFrom(`${sessionCookieName(true)}=def`, true)).toEqual(['def']);
    expect(sessionsFrom(undefined, false)).toEqual([]);
  });

  it('lets only the platform frame the page', () => {
    expect(instanceSecurityHeaders('https://gpuaas.example.com')).toMatchObject({
      'content-security-policy': 'frame-ancestors https://gpuaas.example.com',
      'x-content-type-options': 'nosniff',
    });
  });
});
