/**
 * Row types of the platform's tables, as Kysely sees them. Portable column types only: ids are
 * text (UUIDv7), times are ISO 8601 UTC text with millisecond precision (they sort as text),
 * booleans are integers 0/1, structured values are JSON text. Money (later) is bigint micro-units.
 */
import type { BillingEngineTables } from '../billing/engine-schema.js';
import type { BillingRefundTables } from '../billing/refund-requests.js';
import type { BillingTables } from '../billing/schema.js';
import type { BillingBudgetTables, BillingStatementTables } from '../billing/statement-schema.js';
import type { StorageTables } from '../storage/schema.js';
import type { ColumnType } from 'kysely';

export interface OrganizationsTable {
  id: string;
  name: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface UsersTable {
  id: string;
  email: string;
  display_name: string | null;
  /** 1 for a platform operator. */
  operator: number;
  /** `scrypt$N$r$p$salt$hash` for local logins (auth/passwords.ts); null: no password login. */
  password_hash?: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface ProjectsTable {
  id: string;
  organization_id: string;
  name: string;
  description: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export type ProjectRole = 'owner' | 'member' | 'viewer';

export interface MembershipsTable {
  project_id: string;
  user_id: string;
  role: ProjectRole;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface ServiceAccountsTable {
  id: string;
  project_id: string;
  name: string;
  /** Space-separated OAuth scopes. */
  scopes: string;
  /** Hash of the secret; the secret itself is shown once and never stored. */
  secret_hash: string | null;
  created_by: string | null;
  created_at: string;
  revoked_at: string | null;
  /** Last secret rotation; tokens issued before it are refused. */
  secret_rotated_at?: string | null;
  /** Set for a launch's service account: revoked when that allocation ends. */
  allocation_id?: string | null;
}

export interface AuditEventsTable {
  id: string;
  occurred_at: string;
  actor_type: 'user' | 'service_account' | 'anonymous' | 'system';
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  project_id: string | null;
  result: 'success' | 'failure';
  status: number;
  correlation_id: string;
  ip: string | null;
  /** JSON text. */
  details: string | null;
}

export interface IdempotencyKeysTable {
  /** Whose key it is (`user:<id>`, `sa:<id>`, `ip:<addr>`): keys of different callers never meet. */
  scope: string;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  state: 'in_flight' | 'done';
  response_status: number | null;
  /** JSON text: the response headers worth replaying. */
  response_headers: string | null;
  response_body: string | null;
  created_at: string;
  /** When the in-flight lock was taken; a lock older than the lock timeout may be taken over. */
  locked_at: string;
  expires_at: string;
}

export interface RateLimitWindowsTable {
  bucket: string;
  window_start: string;
  count: number;
  expires_at: string;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  /** Public JWK as JSON text. */
  public_jwk: string;
  /** Private JWK, encrypted (see auth/keys.ts) as JSON text. */
  private_jwk: string;
  status: 'active' | 'retired';
  created_at: string;
}

export interface OidcPayloadsTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: string | null;
  consumed_at: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface GpuSkusTable {
  id: string;
  /** The model name as nvidia-smi reports it; GPUs map to a SKU by this name. */
  model: string;
  memory_gib: number;
  interconnect: string;
  /** Price per GPU-hour in micro-units (bigint: PostgreSQL returns it as text). */
  price_micros: number | string | bigint;
  currency: string;
  /** JSON array of region names. */
  regions: string;
  created_at: string;
  updated_at: string;
}

export type NodeStatus = 'ready' | 'unreachable';

export interface NodesTable {
  id: string;
  name: string;
  region: string;
  status: NodeStatus;
  /** 0 while cordoned. */
  schedulable: number;
  /** JSON object. */
  labels: string;
  agent_version: string;
  /** SHA-256 (hex) of the TLS certificate its runtimes are pinned to; null for a local node. */
  runtime_certificate_sha256: string | null;
  last_heartbeat_at: string | null;
  registered_at: string;
  updated_at: string;
  version: number;
}

export interface GpusTable {
  /** `<node id>:<index>`. */
  id: string;
  node_id: string;
  idx: number;
  uuid: string | null;
  model: string;
  memory_mib: number;
  nvlink_domain: string;
  /** 0 once the node's inventory stopped listing it. */
  present: number;
}

export type AllocationState =
  'queued' | 'scheduled' | 'provisioning' | 'running' | 'releasing' | 'released' | 'failed' | 'preempted';

export interface AllocationsTable {
  id: string;
  project_id: string;
  name: string | null;
  created_by: string | null;
  state: AllocationState;
  state_reason: string;
  pending_reason: string | null;
  pending_message: string | null;
  priority: number;
  gpu_count: number;
  /** JSON array of acceptable model names, most preferred first (SKU ids resolved at create). */
  models: string;
  min_memory_mib: number | null;
  topology: 'node' | 'nvlink';
  node_id: string | null;
  /** JSON array of the GPUs given (kept after release, for history). */
  gpus: string;
  ttl_seconds: number | null;
  expires_at: string | null;
  idle_timeout_seconds: number | null;
  last_activity_at: string | null;
  provisioning_deadline: string | null;
  /** Where the runtime listens (`unix:/…` or `ws://…`), reported by the node agent. */
  endpoint: string | null;
  runtime_secret: string | null;
  /** 1 once the node agent confirmed the sandbox is gone (or there never was one). */
  torn_down: number;
  released_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface AllocationGpusTable {
  gpu_id: string;
  allocation_id: string;
  project_id: string;
  node_id: string;
}

export interface AllocationTransitionsTable {
  id: string;
  allocation_id: string;
  from_state: AllocationState | null;
  to_state: AllocationState;
  reason: string;
  actor: string;
  at: string;
}

export interface TerminalTokensTable {
  /** SHA-256 of the token (base64url); the token itself is never stored. */
  token_hash: string;
  allocation_id: string;
  /** `user:<id>` or `sa:<id>`: who may use it. */
  principal: string;
  /** JSON argv, or null for a login shell. */
  command: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface ProjectQuotasTable {
  project_id: string;
  nominal_gpus: number;
  max_gpus: number;
  updated_at: string;
}

export interface PlatformEventsTable {
  id: string;
  type: string;
  source: string;
  subject: string;
  correlation_id: string;
  project_id: string | null;
  /** JSON text. */
  data: string;
  occurred_at: string;
}

export interface UsageEventsTable {
  /** The event id chosen by the reporter: counted once within its allocation (key: allocation_id, id). */
  id: string;
  allocation_id: string;
  project_id: string;
  meter: string;
  /** Exact decimal text (JSON numbers are parsed without float arithmetic on sums). */
  quantity: string;
  unit: string | null;
  origin: 'app' | 'runtime';
  source: string;
  occurred_at: string;
  received_at: string;
  /** `sa:<id>` or `user:<id>`. */
  reported_by: string;
}

/** Every table, keyed by name (the billing ledger's are declared beside its code). */
export interface Tables
  extends
    BillingTables,
    BillingEngineTables,
    BillingRefundTables,
    BillingStatementTables,
    BillingBudgetTables,
    StorageTables {
  organizations: OrganizationsTable;
  users: UsersTable;
  projects: ProjectsTable;
  memberships: MembershipsTable;
  service_accounts: ServiceAccountsTable;
  audit_events: AuditEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  rate_limit_windows: RateLimitWindowsTable;
  signing_keys: SigningKeysTable;
  oidc_payloads: OidcPayloadsTable;
  settings: SettingsTable;
  gpu_skus: GpuSkusTable;
  nodes: NodesTable;
  gpus: GpusTable;
  allocations: AllocationsTable;
  allocation_gpus: AllocationGpusTable;
  allocation_transitions: AllocationTransitionsTable;
  terminal_tokens: TerminalTokensTable;
  project_quotas: ProjectQuotasTable;
  platform_events: PlatformEventsTable;
  usage_events: UsageEventsTable;
  publisher_keys: PublisherKeysTable;
  app_versions: AppVersionsTable;
  app_launches: AppLaunchesTable;
  app_instances: AppInstancesTable;
  app_entitlements: AppEntitlementsTable;
  leases: LeasesTable;
  node_credentials: NodeCredentialsTable;
}

/** A node agent's credential (migration 0018, nodes/credentials.ts); never deleted. */
export interface NodeCredentialsTable {
  id: string;
  /** The node it authenticates (registrations and heartbeats of that name only). */
  node_name: string;
  /** Hash of the secret (shown once); null once revoked. */
  secret_hash: string | null;
  /** The operator identity the agent acts as (tokens limited to `nodes:agent`). */
  agent_user_id: string;
  created_by: string | null;
  created_at: string;
  /** Set by a rotation: accepted until then (the overlap). */
  expires_at: string | null;
  revoked_at: string | null;
  /** The credential this one rotated. */
  replaces: string | null;
}

/** A lease on one job of background work (migration 0017, platform/src/leases/). */
export interface LeasesTable {
  /** The job, e.g. `scheduler`. */
  name: string;
  /** The instance that holds it (LeaseRunner's owner id). */
  owner: string;
  /** New at every acquisition; a job's writes are fenced by it. */
  token: string;
  acquired_at: string;
  renewed_at: string;
  /** Free for anyone to take from this time on, unless renewed before. */
  expires_at: string;
}

/** A project's app signing key or keyless identity (migration 0011); retired, never deleted. */
export interface PublisherKeysTable {
  id: string;
  project_id: string;
  /** Hex SHA-256 of the SPKI DER (of issuer + subject for a keyless identity). */
  key_id: string;
  kind: 'key' | 'keyless';
  name: string;
  /** SPKI PEM (kind key). */
  public_key: string | null;
  issuer: string | null;
  subject: string | null;
  created_by: string;
  created_at: string;
  retired_at: string | null;
}

export type AppVersionState =
  'submitted' | 'verified' | 'rejected' | 'approved' | 'published' | 'deprecated' | 'revoked';

/** One registered app artifact digest and its review (migration 0011). */
export interface AppVersionsTable {
  id: string;
  /** The publisher project. */
  project_id: string;
  /** host:port */
  registry: string;
  /** `ns/app` */
  repository: string;
  tag: string | null;
  digest: string;
  /** The manifest's name and version ('' when the manifest could not be read). */
  app: string;
  version: string;
  state: AppVersionState;
  /** JSON of the parsed gpuaas.yaml (`null` when it could not be read). */
  manifest: string;
  signer_key_id: string | null;
  /** JSON array of {code, message, pointer?} for a rejected registration. */
  errors: string | null;
  submitted_by: string;
  submitted_at: string;
  updated_at: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
  reason: string | null;
  approval_scope: 'platform' | 'organization' | 'project' | null;
  approval_scope_id: string | null;
  release_reference: string | null;
  approval_digest: string | null;
  revoked_at: string | null;
  /** Set at publish (migration 0013); null: `paid` when the manifest has prices, else `free`. */
  access: AppAccess | null;
  /** JSON array of the release channels it is published in (migration 0016; default `["stable"]`). */
  channels: ColumnType<string, string | undefined, string>;
}

/** Who may launch a published app: anyone it is approved for (`free`, `paid`), or granted projects. */
export type AppAccess = 'free' | 'paid' | 'grant';

/** A project's grant to launch a `grant` app (migration 0013). */
export interface AppEntitlementsTable {
  id: string;
  /** `publisher/app`. */
  app: string;
  publisher_project_id: string;
  project_id: string;
  /** Exclusive end (ISO time); null: no end. */
  until: string | null;
  granted_by: string;
  granted_at: string;
  revoked_by: string | null;
  revoked_at: string | null;
}

/** One app launch in an allocation (migration 0011): the version and prices it ran with. */
export interface AppLaunchesTable {
  id: string;
  allocation_id: string;
  project_id: string;
  version_id: string | null;
  reference: string;
  digest: string;
  service_account_id: string | null;
  launched_by: string;
  launched_at: string;
  ended_at: string | null;
  /** JSON: {currency, hourly_price_micros, meters, publisher_project_id, fee_bps}. */
  pricing: string | null;
  /** The app instance this launch period belongs to (migration 0015); null for a launch by reference. */
  instance_id: string | null;
}

export type AppInstanceState = 'pending' | 'launching' | 'running' | 'failed' | 'stopped';

/**
 * A catalog app installed in an allocation (migration 0015), across its launch periods (each an
 * `app_launches` row with this `instance_id`).
 */
export interface AppInstancesTable {
  id: string;
  project_id: string;
  /** `publisher/app`. */
  app: string;
  /** The version installed now. */
  version_id: string;
  allocation_id: string;
  state: AppInstanceState;
  /** JSON {code, detail} once failed. */
  failure: string | null;
  channel: string;
  upgrades: 'manual' | 'automatic';
  /** JSON string array. */
  accepted_permissions: string;
  /** JSON object of the launch parameters (never a secret). */
  parameters: string;
  /** AES-256-GCM sealed JSON of the secrets (apps/instance-secrets.ts); null once ended. */
  sealed_secrets: string | null;
  /** `user:<id>` or `service_account:<id>`, like app_launches.launched_by. */
  created_by: string;
  created_at: string;
  updated_at: string;
  ended_at: string | null;
}
