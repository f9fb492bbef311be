import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hashClientSecret,
  hashPassword,
  newClientSecret,
  verifyClientSecret,
  verifyPassword,
} from './passwords.js';

describe('password hashes', () => {
  it('verify the password they were made from and nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        async (pw, other) => {
          const stored = await hashPassword(pw);
          expect(await verifyPassword(pw, stored)).toBe(true);
          if (other !== pw) expect(await verifyPassword(other, stored)).toBe(false);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('salt every hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['empty', ''],
    ['another scheme', 'bcrypt$2b$10$abc'],
    ['absurd cost', 'scrypt$1073741824$8$1$c2FsdA$aGFzaA'],
    ['truncated', 'scrypt$16384$8$1$c2FsdA'],
  ])('treat a %s hash as no match', async (_name, stored) => {
    expect(await verifyPassword('anything', stored)).toBe(false);
  });
});

describe('client secrets', () => {
  it('are 256-bit, prefixed, unique, and verify only against their own hash', () => {
    const a = newClientSecret();
    const b = newClientSecret();
    expect(a).toMatch(/^gpsa_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(verifyClientSecret(a, hashClientSecret(a))).toBe(true);
    expect(verifyClientSecret(b, hashClientSecret(a))).toBe(false);
    expect(verifyClientSecret(a, null)).toBe(false);
    expect(hashClientSecret(a)).not.toContain(a.slice(5));
  });
});
