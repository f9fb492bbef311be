import { createHash, timingSafeEqual } from 'node:crypto';

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * A check of `authorization: Bearer <secret>` headers. Both sides are hashed first, so the
 * comparison takes the same time whatever the length or content of what was presented.
 */
export function bearerCheck(secret: string): (header: string | undefined) => boolean {
  const expected = createHash('sha256').update(secret).digest();
  return (header) => {
    const presented = BEARER.exec(header ?? '')?.[1];
    const digest = createHash('sha256')
      .update(presented ?? '')
      .digest();
    return timingSafeEqual(digest, expected) && presented !== undefined;
  };
}
