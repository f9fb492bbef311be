/**
 * Row types of the platform's tables, as Kysely sees them. Portable column types only: ids are
 * text (UUIDv7), times are ISO 8601 UTC text with millisecond precision (they sort as text),
 * booleans are integers 0/1, structured values are JSON text. Money (later) is bigint micro-units.
 */
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

/** Every table, keyed by name. */
export interface Tables {
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
}
