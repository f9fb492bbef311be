/**
 * PKCE (RFC 7636) for the console's sign-in: a random verifier and its S256 challenge, with the
 * browser's Web Crypto. `crypto.subtle` exists only in secure contexts (https, or http on
 * loopback), which is also where tokens may be handled at all: elsewhere the console refuses to
 * sign in (see `secureContextProblem`).
 */

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** `bytes` random bytes, base64url: 32 give a 43-character verifier (RFC 7636's minimum). */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The S256 code challenge of a verifier: base64url(SHA-256(verifier)). */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** Why this page cannot sign in, or undefined when it can. */
export function secureContextProblem(scope: { isSecureContext: boolean; location: { origin: string } }) {
  if (scope.isSecureContext && typeof crypto.subtle?.digest === 'function') return undefined;
  return `The console signs in only over https (or http on this machine's loopback). Open it at the platform's https address instead of ${scope.location.origin}.`;
}
