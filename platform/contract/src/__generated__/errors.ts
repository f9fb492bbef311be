/* eslint-disable */
// Generated from platform/contract/errors.yaml by `npm run codegen` (platform/contract/scripts/codegen.ts). Do not edit.

export interface ErrorCatalogEntry {
  /** The HTTP status of a problem with this code. */
  readonly status: number;
  /** The problem's `title`. */
  readonly title: string;
  /** What it means and what to do (docs/errors.md). */
  readonly meaning: string;
}

/** The catalog: code → HTTP status, short title and documented meaning (errors.yaml). */
export const PLATFORM_ERRORS = {
  "VALIDATION_FAILED": {
    "status": 400,
    "title": "Request validation failed",
    "meaning": "The request does not match the OpenAPI document; `errors[]` names each field by JSON pointer."
  },
  "MALFORMED_JSON": {
    "status": 400,
    "title": "Malformed JSON",
    "meaning": "The request body is not valid JSON."
  },
  "CURSOR_INVALID": {
    "status": 400,
    "title": "Invalid cursor",
    "meaning": "The `cursor` query parameter was not issued by this endpoint or has been altered."
  },
  "TOKEN_MISSING": {
    "status": 401,
    "title": "Authentication required",
    "meaning": "The endpoint needs a bearer token and the request carries none."
  },
  "TOKEN_INVALID": {
    "status": 401,
    "title": "Invalid token",
    "meaning": "The bearer token is malformed, forged, signed by an unknown key or meant for another audience."
  },
  "TOKEN_EXPIRED": {
    "status": 401,
    "title": "Token expired",
    "meaning": "The bearer token has expired; obtain a new one."
  },
  "FORBIDDEN": {
    "status": 403,
    "title": "Forbidden",
    "meaning": "The caller's role does not allow this action on the resource."
  },
  "INSUFFICIENT_SCOPE": {
    "status": 403,
    "title": "Insufficient scope",
    "meaning": "The token lacks the OAuth scope this endpoint requires."
  },
  "NODE_CREDENTIAL_MISMATCH": {
    "status": 403,
    "title": "Credential of another node",
    "meaning": "A node credential authenticates one node, by name: it was presented for another node's registration or heartbeat. Give each agent its own node's credential (`gpuaas-platform node-credentials issue --node NAME`)."
  },
  "SCOPE_NOT_GRANTABLE": {
    "status": 403,
    "title": "Scope not grantable",
    "meaning": "A service account or app launch asked for a scope above the caller's own rights in the project; `errors[]` names each one."
  },
  "NOT_FOUND": {
    "status": 404,
    "title": "Not found",
    "meaning": "The resource does not exist or the caller may not see it."
  },
  "ROUTE_NOT_FOUND": {
    "status": 404,
    "title": "No such endpoint",
    "meaning": "No endpoint has this path; /v1/openapi.json lists them."
  },
  "METHOD_NOT_ALLOWED": {
    "status": 405,
    "title": "Method not allowed",
    "meaning": "The path exists but not with this HTTP method; the `Allow` header lists the methods it has."
  },
  "ALREADY_EXISTS": {
    "status": 409,
    "title": "Already exists",
    "meaning": "A resource with the same unique name or key exists already."
  },
  "LAST_OWNER": {
    "status": 409,
    "title": "Last owner",
    "meaning": "The change would leave the project without an owner."
  },
  "LAST_OPERATOR": {
    "status": 409,
    "title": "Last operator",
    "meaning": "The change would leave the platform without an operator."
  },
  "IDEMPOTENCY_IN_FLIGHT": {
    "status": 409,
    "title": "Request in flight",
    "meaning": "A request with the same Idempotency-Key is still being processed; retry after `Retry-After`."
  },
  "PRECONDITION_FAILED": {
    "status": 412,
    "title": "Precondition failed",
    "meaning": "The If-Match ETag is stale: the resource changed since it was read. Read it again and retry."
  },
  "PAYLOAD_TOO_LARGE": {
    "status": 413,
    "title": "Payload too large",
    "meaning": "The request body exceeds the configured size limit."
  },
  "UNSUPPORTED_MEDIA_TYPE": {
    "status": 415,
    "title": "Unsupported media type",
    "meaning": "The request body is not `application/json`."
  },
  "MALFORMED_REQUEST": {
    "status": 400,
    "title": "Malformed request",
    "meaning": "The request is not valid HTTP/1.1 (a header holds a control character or is malformed, or the request line cannot be parsed); it was refused before any endpoint saw it."
  },
  "REQUEST_TIMEOUT": {
    "status": 408,
    "title": "Request timeout",
    "meaning": "The request's headers or body did not arrive within the server's time limit; the connection is closed."
  },
  "HEADERS_TOO_LARGE": {
    "status": 431,
    "title": "Request headers too large",
    "meaning": "The request's headers exceed 16 KiB in total; send fewer or shorter headers (a cookie or token may be too large)."
  },
  "IDEMPOTENCY_KEY_REUSED": {
    "status": 422,
    "title": "Idempotency key reused",
    "meaning": "The Idempotency-Key was already used with a different request body, method or path."
  },
  "PRECONDITION_REQUIRED": {
    "status": 428,
    "title": "Precondition required",
    "meaning": "Updates need an If-Match header with the ETag from the last read."
  },
  "RATE_LIMITED": {
    "status": 429,
    "title": "Too many requests",
    "meaning": "The caller exceeded its rate limit; retry after `Retry-After` seconds."
  },
  "MODEL_UNKNOWN": {
    "status": 422,
    "title": "Model unknown",
    "meaning": "The request names a GPU model or SKU that is not in the catalog; `detail` lists the catalog ids."
  },
  "ALLOCATION_UNSATISFIABLE": {
    "status": 422,
    "title": "Allocation unsatisfiable",
    "meaning": "No registered node could ever hold the request (more GPUs than the largest node or NVLink domain of an acceptable model, or a model no node has), so it is refused instead of queued; `detail` names the largest request possible and the models on offer."
  },
  "ALLOCATION_NOT_RUNNING": {
    "status": 409,
    "title": "Allocation not running",
    "meaning": "The operation needs a running allocation (e.g. a terminal token); `detail` gives its state."
  },
  "TERMINAL_TOKEN_INVALID": {
    "status": 401,
    "title": "Terminal token invalid",
    "meaning": "The terminal token is unknown, already used, expired, or bound to another allocation or user."
  },
  "UPGRADE_REQUIRED": {
    "status": 426,
    "title": "Upgrade required",
    "meaning": "The endpoint speaks WebSocket only; connect with an Upgrade request."
  },
  "RUNTIME_UNREACHABLE": {
    "status": 502,
    "title": "Runtime unreachable",
    "meaning": "The allocation's runtime (or its node) could not be reached; the allocation may be unhealthy."
  },
  "NODE_CERTIFICATE_MISMATCH": {
    "status": 502,
    "title": "Node certificate mismatch",
    "meaning": "A remote node's runtime answered with a TLS certificate other than the one its node agent registered (`runtime_certificate_sha256`), or the node registered none: the connection is refused before the runtime secret is sent. Restart the node agent so it registers its current certificate; if it already did, something else answers on the node's address."
  },
  "APP_TRUST_NOT_CONFIGURED": {
    "status": 409,
    "title": "App trust not configured",
    "meaning": "The platform has no app trust policy (`--app-trust-policy`) for an app from outside its own registry (approved versions of its own need none), or no Sigstore trusted root for a version signed keyless."
  },
  "APP_LAUNCH_FAILED": {
    "status": 422,
    "title": "App launch failed",
    "meaning": "The allocation's runtime refused the launch; `runtime_code` carries the runtime's own code unchanged (e.g. ARTIFACT_PULL_FAILED, ARTIFACT_UNTRUSTED, PARAMETERS_INVALID; the runtime table below) and `detail` its reason."
  },
  "APP_NOT_READY": {
    "status": 409,
    "title": "App not ready",
    "meaning": "The allocation runs no app, or its app is not ready (nor degraded), so its endpoints are not relayed yet; `runtime_code` is APP_NOT_READY."
  },
  "APP_ENDPOINT_UNREACHABLE": {
    "status": 502,
    "title": "App endpoint unreachable",
    "meaning": "The app does not accept connections on its endpoint's port inside the allocation, or broke the connection before answering; `runtime_code` is APP_ENDPOINT_UNREACHABLE."
  },
  "APP_UI_CODE_INVALID": {
    "status": 401,
    "title": "App sign-in code invalid",
    "meaning": "The one-time code of an app UI sign-in (`/.gpuaas/signin?code=…` on an instance origin) is unknown, already used, older than 60 seconds, or was issued for another app instance; ask the platform for a new one (`POST /v1/allocations/{id}/app/ui-sessions`, `gpuaas app open`)."
  },
  "USAGE_REPORTER_FORBIDDEN": {
    "status": 403,
    "title": "Not the allocation runtime",
    "meaning": "Usage is reported only by an allocation's runtime, with its launch's service account: people, operators, other service accounts (whatever their scopes) and the runtime of another allocation are refused."
  },
  "USAGE_EVENT_CONFLICT": {
    "status": 409,
    "title": "Usage event conflict",
    "meaning": "An event id the allocation already reported came again with another meter, quantity, unit or origin; nothing of the batch is stored, the stored event is never overwritten, and `errors[]` names each conflicting event."
  },
  "USAGE_EVENT_TOO_LATE": {
    "status": 422,
    "title": "Usage event too late",
    "meaning": "An event happened longer ago than the billing late window (`billing.lateWindowDays`, 35 days by default), so its month may be closed for good; nothing of the batch is stored, the refusal is counted (`gpuaas_usage_events_refused_total{reason=\"too_late\"}`), and `errors[]` names each late event."
  },
  "REFUND_APPROVAL_REQUIRED": {
    "status": 403,
    "title": "Refund needs approval",
    "meaning": "A refund above the configured amount (`billing.refundApprovalAbove`) needs a second operator: file it with `POST /v1/billing/refund-requests` (`gpuaas billing refund … --request`) and have another operator approve it."
  },
  "PUBLISHER_KEY_INVALID": {
    "status": 422,
    "title": "Publisher key invalid",
    "meaning": "A publisher key is not an ECDSA P-256 public key in SPKI PEM, or the request gives both a key and a keyless identity (`issuer` + `subject`), or neither."
  },
  "APP_REFERENCE_INVALID": {
    "status": 422,
    "title": "App reference invalid",
    "meaning": "The app reference cannot be parsed as `host:port/repository:tag` or `…@sha256:…`, or names no artifact (no such tag or digest, or no gpuaas.yaml in it)."
  },
  "APP_SIGNER_UNKNOWN": {
    "status": 422,
    "title": "App signer unknown",
    "meaning": "The artifact is signed, but by no key (or keyless identity) the publisher project has registered and not retired; a registration rejected for it lists this code in its `errors`."
  },
  "APP_VERSION_STATE_CONFLICT": {
    "status": 409,
    "title": "App version state conflict",
    "meaning": "The review action does not apply to the version's state (e.g. approving a rejected version); `detail` names the state and the one asked for."
  },
  "APP_VERSION_NOT_APPROVED": {
    "status": 409,
    "title": "App version not approved",
    "meaning": "The app reference resolves to a version that is not approved, published or deprecated, or whose approval does not cover the allocation's project; a tag that now points at an unapproved digest too."
  },
  "APP_VERSION_REVOKED": {
    "status": 409,
    "title": "App version revoked",
    "meaning": "The app reference resolves to a revoked version: it can no longer be launched."
  },
  "APP_CONSENT_REQUIRED": {
    "status": 422,
    "title": "Consent to the app's permissions required",
    "meaning": "A catalog launch must accept every permission the app's service account gets (`accepted_permissions`; `gpuaas apps launch` shows them and asks, or takes `--yes`); `errors` names the missing ones. An upgrade that widens (a permission or meter added, a price added or raised) needs it again: `consent_diff` shows the changes, `accept_changes: true` accepts new charges (`gpuaas apps instances upgrade --yes`)."
  },
  "APP_UPGRADE_FAILED": {
    "status": 422,
    "title": "App upgrade failed",
    "meaning": "The allocation's runtime did not move the instance to the new version: `runtime_code` says why, unchanged (UPGRADE_ROLLED_BACK: the new version failed and the previous one runs again; APP_FAILED: the rollback failed too; ARTIFACT_UNTRUSTED, APP_STATE_CONFLICT…). The instance keeps its version and launch period unless the app failed."
  },
  "APP_INSTANCE_STATE_CONFLICT": {
    "status": 409,
    "title": "App instance cannot do that now",
    "meaning": "The app instance is not in a state that allows this: it has ended (stopped, failed, uninstalled: launch a new one) or is not launched yet (pending, launching: wait until it runs)."
  },
  "PROFILE_NOT_MET": {
    "status": 409,
    "title": "Allocation does not meet the app's profile",
    "meaning": "The allocation named for a launch does not meet the minimum workload profile of the app's manifest (too few GPUs, another model, too little memory, no common NVLink domain); `errors` lists each shortfall."
  },
  "PROFILE_UNSATISFIABLE": {
    "status": 422,
    "title": "The catalog cannot satisfy the app's profile",
    "meaning": "A catalog launch without an allocation: no registered node could ever hold the app's minimum workload profile (or the `gpus` given instead), even were every GPU free; `errors` lists each shortfall and the closest offer the catalog has. Nothing is created."
  },
  "APP_NOT_ENTITLED": {
    "status": 403,
    "title": "Not entitled to the app",
    "meaning": "The app version is published with access `grant` and the project holds no active grant for it (none given, revoked, or past its `until`): ask the publisher or an operator (`gpuaas apps entitlements grant`)."
  },
  "REGISTRY_UNREACHABLE": {
    "status": 502,
    "title": "Registry unreachable",
    "meaning": "An external OCI registry the request names did not answer (or answered with a server error) after retries."
  },
  "INTERNAL": {
    "status": 500,
    "title": "Internal error",
    "meaning": "An unexpected failure; the `correlation_id` finds it in the logs."
  },
  "RESPONSE_INVALID": {
    "status": 500,
    "title": "Response invalid",
    "meaning": "The server produced a response that does not match its OpenAPI document (checked in tests and development)."
  },
  "PORT_IN_USE": {
    "status": 500,
    "title": "Port in use",
    "meaning": "`gpuaas-platform serve` could not listen: another process holds the address and port. Choose another with `--port` (`GPUAAS_PORT` for `npm start`); exit 2. The server never started, so no HTTP answer carries this code."
  },
  "DATABASE_IN_USE": {
    "status": 500,
    "title": "Database in use",
    "meaning": "`gpuaas-platform serve` found another server running on the same SQLite database (one server per SQLite file; several instances need PostgreSQL); the message names its pid and data folder; exit 2. A server that crashed leaves no lock behind. The server never started, so no HTTP answer carries this code."
  },
  "SLURM_API_UNSUPPORTED": {
    "status": 500,
    "title": "Slurm API unsupported",
    "meaning": "`gpuaas-platform serve --scheduler slurm` found that slurmrestd serves none of the REST API versions the Slurm backend supports (v0.0.38, Slurm 22.05); the message names the versions it serves and those supported (docs/slurm.md); exit 2. The server never started, so no HTTP answer carries this code."
  },
  "SLURM_UNAVAILABLE": {
    "status": 503,
    "title": "Slurm unavailable",
    "meaning": "`gpuaas-platform serve --scheduler slurm` could not read slurmrestd's API (no answer, a refused token, a server error); the message says which and how to mint a token (docs/slurm.md); exit 2. The server never started, so no HTTP answer carries this code."
  },
  "CONFIG_INVALID": {
    "status": 500,
    "title": "Configuration invalid",
    "meaning": "The server was started with an invalid option, database URL or secret key."
  },
  "NOT_READY": {
    "status": 503,
    "title": "Not ready",
    "meaning": "The server cannot reach its database or is shutting down."
  },
  "AMOUNT_INVALID": {
    "status": 400,
    "title": "Invalid amount",
    "meaning": "A decimal amount or quantity is malformed, negative, too precise (over 6 decimals for money, 9 for quantities) or too large."
  },
  "CURRENCY_INVALID": {
    "status": 400,
    "title": "Invalid currency",
    "meaning": "A currency is not a three-letter ISO 4217 code."
  },
  "CURRENCY_MISMATCH": {
    "status": 409,
    "title": "Currency mismatch",
    "meaning": "A transfer joins accounts of different currencies, or an account is reopened in another currency."
  },
  "ACCOUNT_NOT_FOUND": {
    "status": 404,
    "title": "Ledger account not found",
    "meaning": "A transfer names a ledger account that was never opened."
  },
  "ACCOUNT_CONFLICT": {
    "status": 409,
    "title": "Ledger account conflict",
    "meaning": "A ledger account id is already open with another kind, owner or expiry."
  },
  "INSUFFICIENT_FUNDS": {
    "status": 402,
    "title": "Insufficient funds",
    "meaning": "The debit or hold would take the project's available balance (balance − holds) below zero."
  },
  "TRANSFER_ID_CONFLICT": {
    "status": 409,
    "title": "Transfer id reused",
    "meaning": "The transfer id was used before for a different transfer; transfer ids are unique forever."
  },
  "TRANSFER_INVALID": {
    "status": 400,
    "title": "Invalid transfer",
    "meaning": "A transfer is malformed: same debit and credit account, no category, or a missing reason."
  },
  "PENDING_NOT_FOUND": {
    "status": 404,
    "title": "Hold not found",
    "meaning": "A post or void names a pending transfer (hold) that does not exist."
  },
  "PENDING_ALREADY_RESOLVED": {
    "status": 409,
    "title": "Hold already resolved",
    "meaning": "The hold was already posted or voided."
  },
  "POST_EXCEEDS_PENDING": {
    "status": 422,
    "title": "Charge exceeds its hold",
    "meaning": "A post asks for more than its hold reserved."
  },
  "CORRECTION_TARGET_NOT_FOUND": {
    "status": 404,
    "title": "Charge not found",
    "meaning": "A refund or correction names a charge that does not exist."
  },
  "CORRECTION_EXCEEDS_ORIGINAL": {
    "status": 422,
    "title": "Refund exceeds the charge",
    "meaning": "Refunds of a charge would exceed it, or a correction does not move money back the way the charge came."
  },
  "RATING_CONFLICT": {
    "status": 409,
    "title": "Rating conflict",
    "meaning": "A usage event id or GPU interval was rated before from different input (meter, quantity or end)."
  },
  "RATING_OUT_OF_ORDER": {
    "status": 409,
    "title": "Rating out of order",
    "meaning": "A GPU interval is rated before its predecessor, or after the allocation's final interval."
  },
  "METER_UNKNOWN": {
    "status": 422,
    "title": "Unknown meter",
    "meaning": "A usage event names a meter the launch declared no price for."
  },
  "RATING_INPUT_INVALID": {
    "status": 400,
    "title": "Invalid rating input",
    "meaning": "Rating input is out of range: negative price or duration, zero interval, fee over 100 %, an unfinished interval."
  },
  "STATEMENT_PERIOD_INVALID": {
    "status": 400,
    "title": "Invalid statement period",
    "meaning": "A statement period is not a calendar month written YYYY-MM."
  },
  "STATEMENT_PERIOD_OPEN": {
    "status": 409,
    "title": "Statement period not over",
    "meaning": "A statement cannot be closed before its period is over."
  },
  "STATEMENT_OUT_OF_ORDER": {
    "status": 409,
    "title": "Statements close in order",
    "meaning": "Statements close in order: the period before this one (or an earlier one with lines) is still open, or a later one is closed."
  },
  "BUDGET_INVALID": {
    "status": 400,
    "title": "Invalid budget",
    "meaning": "A budget limit is not more than zero, or its alert thresholds are not up to 10 whole percentages from 1 to 1000."
  },
  "VOLUME_NAME_TAKEN": {
    "status": 409,
    "title": "Volume name taken",
    "meaning": "The project already has a volume with this name (volume names are unique in a project)."
  },
  "SNAPSHOT_NAME_TAKEN": {
    "status": 409,
    "title": "Snapshot name taken",
    "meaning": "The project already has a snapshot with this name (snapshot names are unique in a project)."
  },
  "VOLUME_IN_USE": {
    "status": 409,
    "title": "Volume in use",
    "meaning": "The volume is attached read-write to another allocation (or attached at all, for a deletion or a read-write attachment); release that allocation first."
  },
  "VOLUME_NOT_AVAILABLE": {
    "status": 409,
    "title": "Volume not available",
    "meaning": "The volume is being created or deleted, so it cannot be attached, resized, snapshotted or deleted now."
  },
  "VOLUME_SHRINK_REFUSED": {
    "status": 422,
    "title": "Volumes only grow",
    "meaning": "A resize asked for a smaller size; volumes only grow. Restore a snapshot into, or copy the data to, a new smaller volume instead."
  },
  "VOLUME_SITE_MISMATCH": {
    "status": 422,
    "title": "Volumes on different sites",
    "meaning": "An allocation's volumes live on different sites, so no node could mount them all."
  },
  "VOLUME_MOUNT_INVALID": {
    "status": 400,
    "title": "Invalid volume mount",
    "meaning": "Two volumes of an allocation share a name or a mount path, or one mount path lies inside another."
  },
  "STORAGE_QUOTA_EXCEEDED": {
    "status": 422,
    "title": "Storage quota exceeded",
    "meaning": "The project's storage quota (total GiB of volumes and snapshots, number of volumes or of snapshots) would be exceeded; the detail names the limit and what is used."
  },
  "STORAGE_BACKEND_FAILED": {
    "status": 503,
    "title": "Storage backend failed",
    "meaning": "The storage backend could not create, grow, copy or remove a volume's filesystem (disk full, a failing mount); retry later."
  }
} as const satisfies Readonly<Record<string, ErrorCatalogEntry>>;

export type PlatformErrorCode = keyof typeof PLATFORM_ERRORS;
