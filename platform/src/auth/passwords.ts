/**
 * Password and client-secret hashing. Passwords are low-entropy, so they get scrypt with a random
 * salt; service-account secrets are 256-bit random values, for which one SHA-256 is as strong and
 * keeps the token endpoint cheap. Every comparison is constant-time.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';

const SCRYPT = { N: 16_384, r: 8, p: 1, keyLength: 32 } as const;

function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptOptions) {
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Hashes a password as `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.keyLength, {
    N: SCRYPT.N,
    r: SCRYPT.r,
    p: SCRYPT.p,
  });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

/** True when `password` matches `stored`; false for any malformed or missing hash. */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parts = (stored ?? '').split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (N === undefined || r === undefined || p === undefined || expected.length === 0) return false;
  // Bounded so a tampered row cannot make one login allocate gigabytes.
  if (!(N >= 2 && N <= 1 << 20 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return false;
  const actual = await scryptAsync(password, salt, expected.length, { N, r, p, maxmem: 256 * N * r + 1024 });
  return timingSafeEqual(actual, expected);
}

/** A new service-account secret: 256 random bits, prefixed so leaked secrets are recognisable. */
export function newClientSecret(): string {
  return `gpsa_${randomBytes(32).toString('base64url')}`;
}

/** The stored form of a high-entropy client secret. */
export function hashClientSecret(secret: string): string {
  return `sha256$${createHash('sha256').update(secret, 'utf8').digest('base64url')}`;
}

/** Constant-time check of a presented secret against its stored hash. */
export function verifyClientSecret(secret: string, stored: string | null | undefined): boolean {
  if (stored === null || stored === undefined) return false;
  const a = Buffer.from(hashClientSecret(secret));
  const b = Buffer.from(stored);
  return a.length === b.length && timingSafeEqual(a, b);
}
