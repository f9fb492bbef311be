/**
 * The browser-safe entry of the sdk (`@gpuaas/sdk/browser`), for the web console and other pages:
 * the typed platform client (openapi-fetch over the contract's generated types, through the one
 * request sender), its errors, the event stream reader and the terminal protocol. Nothing here
 * reaches a Node built-in or a Node-only package (browser.test.ts walks the imports to keep it so):
 * logins are the page's own (authorization code + PKCE), terminals use the browser's WebSocket.
 *
 * @example
 * ```ts
 * import { createPlatformClient } from '@gpuaas/sdk/browser';
 * const client = createPlatformClient({ baseUrl: location.origin, tokenProvider });
 * const { data } = await client.api.GET('/v1/catalog/gpus');
 * ```
 */
export { collectAll, createPlatformClient, listAll } from './client/client.js';
export type { Page, PlatformClient, PlatformClientOptions, RawRequest } from './client/client.js';
export { ApiError, apiErrorFromBody, isApiError } from './client/api-error.js';
export type { ApiErrorCode, Problem, ProblemFieldError } from './client/api-error.js';
export { staticTokenProvider } from './client/token-provider.js';
export type { CredentialSource, TokenProvider } from './client/token-provider.js';
export type { RetryOptions as ClientRetryOptions } from './client/sender.js';
export { followEvents } from './client/follow.js';
export type { EventStreamOptions, PlatformEvent } from './client/follow.js';
export { readEventStream, streamChunks } from './client/sse.js';
export type { SseMessage } from './client/sse.js';
export { ALLOCATION_EVENTS, FINAL_STATES, isFinal } from './client/allocations.js';
export { randomUuid } from './client/uuid.js';
export { SdkError, isSdkError } from './errors.js';
export type { SdkErrorCode } from './errors.js';
export {
  TERMINAL_CLOSE,
  TERMINAL_DEFAULT_COLS,
  TERMINAL_DEFAULT_ROWS,
  TERMINAL_HIGH_WATER_MARK,
  TERMINAL_LOW_WATER_MARK,
  TERMINAL_SUBPROTOCOL,
  TERMINAL_TOKEN_PROTOCOL_PREFIX,
  parseTerminalServerMessage,
} from './terminal/protocol.js';
export type { TerminalClientMessage, TerminalServerMessage } from './terminal/protocol.js';
export type { components as PlatformComponents, paths as PlatformPaths } from '@gpuaas/platform-contract';
