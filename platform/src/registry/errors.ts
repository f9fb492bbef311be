/**
 * The registry's errors. They speak the OCI Distribution Specification's own vocabulary
 * (spec.md "Error Codes"), not the platform's catalog: OCI clients (skopeo, docker, the SDK) read
 * `{ errors: [{ code, message, detail }] }` and branch on these codes, so the registry answers in
 * that shape and the HTTP layer maps each code to its status here, in one table.
 */
export type RegistryErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS'
  | 'RANGE_INVALID';

/** HTTP status of each code (RANGE_INVALID is our name for the spec's bare 416 on chunk order). */
export const REGISTRY_ERROR_STATUS: Readonly<Record<RegistryErrorCode, number>> = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 400,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  SIZE_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 415,
  TOOMANYREQUESTS: 429,
  RANGE_INVALID: 416,
};

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly code: RegistryErrorCode;
  readonly detail: unknown;
  /** Headers the answer needs (`Range` on 416, `WWW-Authenticate` on 401). */
  readonly headers: Record<string, string> | undefined;
  readonly status: number;

  constructor(
    code: RegistryErrorCode,
    message: string,
    options: {
      detail?: unknown;
      cause?: unknown;
      headers?: Record<string, string>;
      /** When the spec wants another status than the code's usual one (405, 413). */
      status?: number;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.detail = options.detail;
    this.headers = options.headers;
    this.status = options.status ?? REGISTRY_ERROR_STATUS[code];
  }
}
