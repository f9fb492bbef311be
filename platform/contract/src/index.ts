/**
 * The platform's contract, in one home: the OpenAPI document (REST), the AsyncAPI document (the
 * event stream) and the TypeScript types generated from the OpenAPI document. The server
 * validates against these documents, the clients speak these types; nobody keeps a copy.
 */
export type { components, operations, paths } from './__generated__/platform-api.js';

/** The OpenAPI 3.1 document (a file URL; read it with `readFile`). */
export const openapiDocument = new URL('../openapi.yaml', import.meta.url);
/** The AsyncAPI 3 document of `GET /v1/events`. */
export const asyncapiDocument = new URL('../asyncapi.yaml', import.meta.url);
