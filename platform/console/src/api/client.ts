/**
 * The console's platform client: the sdk's typed client (openapi-fetch over the contract's types,
 * with its retries, idempotency keys and typed errors) on this origin, with the session's tokens.
 * A refusal of the token itself (401 other than TOKEN_EXPIRED, which the client first answers with
 * one refresh) ends the session: the user signs in again and comes back.
 */
import { createPlatformClient } from '@gpuaas/sdk/browser';
import type { PlatformClient } from '@gpuaas/sdk/browser';
import type { ConsoleSession } from '../auth/session.js';

export type { PlatformClient };

export function createConsoleClient(session: ConsoleSession, origin: string): PlatformClient {
  return createPlatformClient({
    baseUrl: origin,
    tokenProvider: { source: 'login', getToken: (options) => session.getToken(options) },
    retry: { maxRetries: 2 },
    async fetch(request, init) {
      const response = await fetch(request, init?.signal === undefined ? undefined : { signal: init.signal });
      if (response.status === 401) {
        const body = (await response
          .clone()
          .json()
          .catch(() => undefined)) as { code?: unknown } | undefined;
        if (body?.code !== 'TOKEN_EXPIRED') session.expire();
      }
      return response;
    },
  });
}

/** `data` of a typed call (the client throws on refusals, so it is there whenever a call returns). */
export function dataOf<T>(result: { data?: T | undefined }): T {
  if (result.data === undefined) throw new Error('the platform answered without a body');
  return result.data;
}
