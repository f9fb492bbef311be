/**
 * The platform's contract, in one home: the OpenAPI document (REST), the AsyncAPI document (the
 * event stream), the error-code catalog (errors.yaml) and what is generated from them: the API's
 * types, its OAuth scopes and the catalog as constants. The server validates against these
 * documents and answers with these codes, the clients speak these types; nobody keeps a copy.
 */
export type { components, operations, paths } from './__generated__/platform-api.js';
export { PLATFORM_ERRORS } from './__generated__/errors.js';
export type { ErrorCatalogEntry, PlatformErrorCode } from './__generated__/errors.js';
export { SCOPES, SCOPE_DESCRIPTIONS } from './__generated__/scopes.js';
export type { Scope } from './__generated__/scopes.js';

/** The OpenAPI 3.1 document (a file URL; read it with `readFile`). */
export const openapiDocument = new URL('../openapi.yaml', import.meta.url);
/** The AsyncAPI 3 document of `GET /v1/events`. */
export const asyncapiDocument = new URL('../asyncapi.yaml', import.meta.url);
/** The error-code catalog the generated `PLATFORM_ERRORS` comes from. */
export const errorCatalogDocument = new URL('../errors.yaml', import.meta.url);
