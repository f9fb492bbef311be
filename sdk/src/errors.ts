/**
 * One error base for the sdk. Every failure the sdk reports carries a stable string `code`
 * (tests and callers branch on the code, never on the message) and, where there is one, the
 * underlying `cause`. docs/errors.md lists every code; a test keeps the list and this union in step.
 */
export const SDK_ERROR_CODES = {
  // usage and I/O
  USAGE: 'The command line is wrong: unknown option, missing argument or conflicting flags.',
  IO_ERROR: 'A file or folder could not be read or written.',
  NOT_FOUND: 'A file, folder or registry object that was named does not exist.',
  ALREADY_EXISTS: 'The target exists and the command will not overwrite it without --force.',
  // manifests
  MANIFEST_INVALID: 'The app manifest does not pass validation; the errors list says where and why.',
  CATALOG_INVALID: 'The GPU catalog given with --catalog is not JSON or not a list of GPU models.',
  // templates
  TEMPLATE_NOT_FOUND: 'No template has the given name (`gpuaas-app init --list` shows them).',
  TEMPLATE_INVALID: 'A template is malformed: bad template.json, or a {{placeholder}} init does not know.',
  VENDOR_FAILED:
    'init could not vendor the sdk into the app (npm pack of the installed @gpuaas/sdk failed, or npm is missing).',
  NAME_INVALID:
    'An app or publisher name is not a DNS label (a-z, 0-9, "-", at most 63), or a display name is not 1-80 printable characters.',
  // in-app helpers (@gpuaas/sdk/app) talking to the runtime's local API
  RUNTIME_URL_INVALID: 'GPUAAS_RUNTIME_URL is neither http://HOST:PORT nor unix:/path/to/socket.',
  RUNTIME_UNAVAILABLE: "The runtime's local API could not be reached, or kept failing, after retries.",
  RUNTIME_REJECTED:
    "The runtime refused the call (for example METER_UNKNOWN); details carry the runtime's code.",
  APP_ARGUMENT_INVALID:
    'An in-app helper was called with a bad argument (meter name, quantity, progress or id).',
  PARAMETERS_INVALID:
    'A launch parameter given to an app test context is not declared or breaks its schema in the manifest.',
  RUNTIME_NOT_INSTALLED:
    '`gpuaas-app dev` needs the GPUaaS runtime and @gpuaas/runtime is not installed (`npm i -D @gpuaas/runtime`).',
  // registry and network
  REGISTRY_UNREACHABLE: 'The registry could not be reached after retries.',
  REGISTRY_UNAUTHORIZED: 'The registry refused the credentials (401).',
  REGISTRY_FORBIDDEN: 'The credentials are valid but lack access to the repository (403).',
  REGISTRY_ERROR: 'The registry answered with an error the client cannot recover from.',
  REFERENCE_INVALID: 'An image reference could not be parsed.',
  DIGEST_MISMATCH: 'Content did not match its digest: it was tampered with or corrupted in transit.',
  TAG_CONFLICT: 'A release tag is already bound to another digest and tags are immutable.',
  // signing and trust
  KEY_INVALID: 'A signing or verification key could not be read (wrong format or passphrase).',
  SIGNATURE_NOT_FOUND: 'The artifact has no signature in the registry.',
  SIGNATURE_INVALID: 'A signature does not verify against the trusted keys.',
  SUBJECT_MISMATCH: "A signed statement's subject is not the artifact's manifest digest.",
  ATTESTATION_MISSING: 'An attestation the trust policy requires is missing or not signed by a trusted key.',
  POLICY_INVALID: 'The trust policy file is malformed.',
  POLICY_NO_MATCH: 'No trust policy scope matches the repository, so the artifact is refused.',
  PREDICATE_TYPE_MISMATCH: "A signed statement's predicateType is not the one the caller expected.",
  SIGNING_FAILED: 'Signing failed: the key could not sign, or Fulcio/Rekor refused or could not be reached.',
  // packing and OCI image layouts
  PACK_LAYER_CONFLICT: 'A file is matched by more than one named layer in files.layers.',
  SYMLINK_ESCAPE: 'A symbolic link in the app folder points outside it, so it cannot be packed.',
  LAYOUT_INVALID: 'A folder is not a valid OCI image layout (oci-layout or index.json missing or malformed).',
  // platform REST client and the gpuaas CLI
  API_UNREACHABLE:
    'The platform API could not be reached, or kept answering 5xx/429, after retries; details carry the URL.',
  API_RESPONSE_INVALID:
    'The platform answered with something that is not the documented JSON or problem+json.',
  AUTH_REQUIRED:
    'No credential was found: run `gpuaas auth login`, or set GPUAAS_TOKEN or GPUAAS_CLIENT_ID/GPUAAS_CLIENT_SECRET.',
  AUTH_FAILED:
    'The identity provider refused the login, the refresh or the client credentials (or could not be reached).',
  CREDENTIALS_INVALID: 'The credentials file is not readable JSON in the expected shape.',
  NAME_AMBIGUOUS:
    'A name given for a project or an allocation matches several the caller can see; details list the candidates (id, organisation): give the id.',
  PROJECT_REQUIRED:
    'A project-scoped command found no project to use: none given (--project, GPUAAS_PROJECT, `gpuaas projects use`) and the caller has several projects or none; details list them.',
  // web terminal (gpuaas ssh / exec)
  TERMINAL_UNREACHABLE:
    'The terminal endpoint could not be reached, timed out, or does not speak gpuaas.terminal.v1.',
  TERMINAL_UNAUTHORIZED: 'The terminal endpoint refused the token (HTTP 401 or close code 4401).',
  TERMINAL_FORBIDDEN: 'The token is valid but does not give access to this terminal (403 or 4403).',
  TERMINAL_NOT_FOUND: 'The allocation or its terminal does not exist (404 or 4404).',
  TERMINAL_TOKEN_EXPIRED: 'The terminal token was used already or has expired (410 or 4410); get a new one.',
  TERMINAL_CLOSED:
    'The terminal connection ended before the remote process exited; details carry the close code.',
  // allocations (gpuaas allocations create --wait, release --wait, ops drain --wait)
  ALLOCATION_ENDED:
    'The allocation reached a final state (failed, released, preempted) other than the one waited for; details carry its state_reason.',
  WAIT_TIMEOUT: 'The state waited for was not reached within --timeout; the last state is in the details.',
  APP_ENDED:
    "The app waited for (`gpuaas app launch --wait`) ended failed or stopped instead of ready, while its allocation keeps running; details carry the runtime's own code unchanged (`runtime_code`, e.g. HOOK_FAILED) and its reason.",
  // internal
  INTERNAL: 'An unexpected failure inside the sdk; the message has details.',
} as const;

export type SdkErrorCode = keyof typeof SDK_ERROR_CODES;

export interface SdkErrorOptions {
  cause?: unknown;
  /** Structured details safe to print (never credentials). */
  details?: Record<string, unknown>;
}

export class SdkError<Code extends SdkErrorCode = SdkErrorCode> extends Error {
  override readonly name: string = 'SdkError';
  readonly code: Code;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: Code, message: string, options: SdkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

export function isSdkError(error: unknown): error is SdkError {
  return error instanceof SdkError;
}
