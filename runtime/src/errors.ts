/**
 * One error base for the runtime and one catalog of its codes. HTTP answers of the runtime's
 * local API carry `{ code, message }` with the code's status; a terminal that fails after the
 * WebSocket upgrade sends `{"type":"error","code":…}` instead. docs/errors.md lists every code
 * (the "runtime" table) and a test keeps the two in step.
 */

interface CatalogEntry {
  /** HTTP status of an API answer with this code; undefined for codes never sent over HTTP. */
  status: number | undefined;
  meaning: string;
}

export const RUNTIME_ERRORS = {
  REQUEST_INVALID: {
    status: 400,
    meaning:
      'A query parameter is malformed: cols/rows not 1-65535, a bad term, or command not a JSON array of strings.',
  },
  UNAUTHORIZED: {
    status: 401,
    meaning: 'The request lacks `authorization: Bearer <runtime secret>` or carries another secret.',
  },
  ROUTE_NOT_FOUND: { status: 404, meaning: 'No endpoint of the runtime has this path.' },
  METHOD_NOT_ALLOWED: { status: 405, meaning: 'The path exists but not with this HTTP method.' },
  UPGRADE_REQUIRED: { status: 426, meaning: 'The endpoint speaks WebSocket only (GET /v1/terminal).' },
  SPAWN_FAILED: {
    status: undefined,
    meaning: "The terminal's process could not be started; sent as an error message, then close 1011.",
  },
  CONFIG_INVALID: {
    status: undefined,
    meaning: 'The runtime was started with a bad option: no secret, or a socket path that is too long.',
  },
  EGRESS_REFUSED: {
    status: 502,
    meaning:
      "The node agent's egress tunnel refused or could not open a connection: the destination is not on the allocation's allow-list (the platform and the trust policy's registries) or is down.",
  },
  SOCKET_IN_USE: {
    status: undefined,
    meaning: 'Another process is serving on the socket path, so the runtime will not replace it.',
  },
  MANIFEST_INVALID: {
    status: 422,
    meaning:
      "The app folder has no gpuaas-app.yaml or it fails validation; details carry the validator's errors.",
  },
  PARAMETERS_INVALID: {
    status: 400,
    meaning: 'A launch parameter is unknown, has the wrong type or breaks its schema, or is not mutable.',
  },
  HOOK_FAILED: {
    status: undefined,
    meaning: 'A lifecycle hook exited non-zero or timed out after its retries; details carry its last lines.',
  },
  APP_FAILED: {
    status: 409,
    meaning:
      'The app could not be started, crash-looped, or never became ready within its startup budget; sent by `POST /v1/app/upgrade` with `wait` when the rollback failed too.',
  },
  APP_STATE_CONFLICT: {
    status: 409,
    meaning: 'The app is not in a state that allows this action (e.g. upgrade while not ready).',
  },
  UPGRADE_ROLLED_BACK: {
    status: 409,
    meaning:
      'The new version failed during an upgrade; the previous version runs again (sent by `POST /v1/app/upgrade` with `wait`).',
  },
  ARTIFACT_REFERENCE_INVALID: {
    status: 400,
    meaning: 'The artifact reference is malformed or names neither a tag nor a digest.',
  },
  ARTIFACT_NOT_FOUND: {
    status: 404,
    meaning: 'The registry has no artifact under this reference.',
  },
  ARTIFACT_UNTRUSTED: {
    status: 403,
    meaning:
      "The trust policy (or the trusted keys) refused the artifact; details carry the policy's code and reasons.",
  },
  ARTIFACT_TAMPERED: {
    status: 422,
    meaning:
      'A manifest or blob did not match its digest (or carried more bytes than declared) while it was downloaded; details name the blob.',
  },
  ARTIFACT_CACHE_TAMPERED: {
    status: 422,
    meaning:
      "The artifact's copy in the runtime's cache changed after it was verified: a cached manifest or config no longer matches its digest, or a file of the unpacked app differs from the record taken when it was sealed; the copy is dropped (the next launch downloads it again) and details name the entry.",
  },
  ARTIFACT_LAYER_CORRUPT: {
    status: 422,
    meaning:
      'A layer matches its digest (it is what the publisher signed) but its gzip stream is corrupt: bad data, a wrong checksum, or data after its end; details name the blob.',
  },
  ARTIFACT_TOO_LARGE: {
    status: 422,
    meaning:
      "The artifact's files add up to more than the runtime's unpack limit (the allocation's disk size): unpacking stops before the entry that would cross it; details name the entry and the limit.",
  },
  ARTIFACT_TRUNCATED: {
    status: 422,
    meaning:
      'A layer ended early: the download stopped before its declared size, or its gzip stream stops mid-way although it matches its digest; details name the blob and the bytes received.',
  },
  LAUNCH_ABORTED: {
    status: 409,
    meaning:
      'The launch was stopped (`POST /v1/app/stop`, or the runtime shutting down) while its artifact was being fetched; nothing was started and the runtime is free for the next launch.',
  },
  ARTIFACT_INVALID: {
    status: 422,
    meaning:
      'The artifact is not a GPUaaS app: wrong media types, an invalid manifest in its config, or a malformed layer.',
  },
  ARTIFACT_UNSAFE: {
    status: 422,
    meaning:
      'A layer entry would land outside the app folder (absolute path, `..`, a link escaping the tree) or is a hard link or device.',
  },
  ARTIFACT_PULL_FAILED: {
    status: 502,
    meaning: 'The registry could not be reached, refused the credentials, or answered with an error.',
  },
  ARTIFACT_CACHE_FAILED: {
    status: 500,
    meaning: 'The artifact cache could not be written (disk full, permissions).',
  },
  METER_UNKNOWN: {
    status: 400,
    meaning:
      'The meter name is not declared under `meters` in the manifest; the answer names the declared meters.',
  },
  METER_INVALID: {
    status: 400,
    meaning:
      'A meter report is malformed: quantity not a number from 0 to 1e15 with at most 9 decimals and 15 significant digits, id not 1-200 printable ASCII characters, or a batch without events or with too many.',
  },
  BODY_INVALID: {
    status: 400,
    meaning:
      'The request body is not JSON of the expected shape (for example a status without message, or progress outside 0-1).',
  },
  BODY_TOO_LARGE: {
    status: 413,
    meaning: 'The request body is larger than the local API accepts (8 MiB).',
  },
  NO_CREDENTIALS: {
    status: 404,
    meaning: 'The runtime holds no platform credential for the app (dev mode, or the launch gave none).',
  },
  CREDENTIALS_UNAVAILABLE: {
    status: 503,
    meaning: 'The runtime could not get a platform credential just now (token endpoint unreachable); retry.',
  },
  USAGE_LOG_FAILED: {
    status: 503,
    meaning:
      'The usage write-ahead log could not be written or fsynced, or is closed; nothing was acknowledged.',
  },
  USAGE_REJECTED: {
    status: undefined,
    meaning:
      'The platform refused a usage batch with a 4xx other than 429; the events stay in the log and the shipper retries every 30 s.',
  },
  USAGE_EVENT_CONFLICT: {
    status: undefined,
    meaning:
      'The platform holds other usage under an event id of the allocation (409): the stored event counts, this one is logged at error level with its content, counted in `usage_shipping.conflicts` and set aside, and the rest of its batch is sent again.',
  },
  USAGE_EVENT_TOO_LATE: {
    status: undefined,
    meaning:
      'The platform refused an event older than its late window (422): it can never be billed, so it is logged at error level with its content, counted in `usage_shipping.tooLate` and set aside, and the rest of its batch is sent again.',
  },
  APP_ENDPOINT_NOT_FOUND: {
    status: 404,
    meaning:
      "The running app's manifest declares no http endpoint of this name under `endpoints` (tcp endpoints are not relayed).",
  },
  APP_NOT_READY: {
    status: 409,
    meaning:
      'No app runs here, or it is not ready (nor degraded): its endpoints are relayed only once readiness passed.',
  },
  APP_ENDPOINT_UNREACHABLE: {
    status: 502,
    meaning:
      "The app does not accept connections on the endpoint's port (127.0.0.1:<port> inside the allocation), or broke the connection before answering.",
  },
  INTERNAL: { status: 500, meaning: 'An unexpected failure inside the runtime; its log has details.' },
} as const satisfies Record<string, CatalogEntry>;

export type RuntimeErrorCode = keyof typeof RUNTIME_ERRORS;

export class RuntimeError<Code extends RuntimeErrorCode = RuntimeErrorCode> extends Error {
  override readonly name: string = 'RuntimeError';
  readonly code: Code;
  /** Machine-readable specifics (validator errors, a hook's last lines). */
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: Code,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }

  /** HTTP status for API answers; 500 for codes that are never sent over HTTP. */
  get status(): number {
    return RUNTIME_ERRORS[this.code].status ?? 500;
  }
}

export function isRuntimeError(error: unknown): error is RuntimeError {
  return error instanceof RuntimeError;
}
