import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { confirmCodePage, escapeHtml, loginPage } from './pages.js';

describe('sign-in pages', () => {
  it('escape every interpolated value', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const escaped = escapeHtml(value);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(escaped.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)))).toBe(value);
      }),
    );
  });

  it('render an attacker-chosen email, client name or code as text', () => {
    const html = loginPage({
      action: '/oidc/interaction/x/login',
      clientName: '<script>alert(1)</script>',
      email: '"><img src=x onerror=alert(1)>',
      error: 'Wrong email or password.',
    });
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).toContain('role="alert"');
    expect(confirmCodePage('', '<b>x</b>', '<i>CODE</i>')).not.toMatch(/<b>x<\/b>|<i>CODE/);
  });
});
