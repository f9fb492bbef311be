/**
 * The token-provider interface of the platform client and its simplest provider, apart from the
 * OIDC-backed providers (tokens.ts, which loads openid-client): the browser entry
 * (`@gpuaas/sdk/browser`) needs only these.
 */

export interface TokenProvider {
  /** A token to send now; `forceRefresh` when the server said the last one expired. */
  getToken(options?: { forceRefresh?: boolean }): Promise<string>;
  /** Where the credential comes from, for `gpuaas auth status`. */
  readonly source: CredentialSource;
}

export type CredentialSource = 'GPUAAS_TOKEN' | 'token' | 'client_credentials' | 'login';

export function staticTokenProvider(token: string, source: CredentialSource = 'token'): TokenProvider {
  return { source, getToken: () => Promise.resolve(token) };
}
