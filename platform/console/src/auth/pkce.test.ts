import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64url, codeChallenge, randomToken, secureContextProblem } from './pkce.js';

describe('PKCE', () => {
  it('derives the S256 challenge of RFC 7636 appendix B', async () => {
    // The verifier and challenge printed in the RFC.
    expect(await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes verifiers of 43 unreserved characters that differ each time', () => {
    const a = randomToken();
    const b = randomToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });

  it('encodes base64url without padding, as Node does', () => {
    for (const length of [0, 1, 2, 3, 31, 32, 33]) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 97 + 250) % 256);
      expect(base64url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
    }
    expect(createHash('sha256').update('x').digest('base64url')).toHaveLength(43);
  });

  it('refuses to sign in outside a secure context', () => {
    expect(
      secureContextProblem({ isSecureContext: true, location: { origin: 'https://x' } }),
    ).toBeUndefined();
    expect(
      secureContextProblem({ isSecureContext: false, location: { origin: 'http://gpu.lan:8080' } }),
    ).toContain('http://gpu.lan:8080');
  });
});
