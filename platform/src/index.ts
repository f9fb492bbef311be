export { createPlatform } from './platform.js';
export type { ListenOptions, Platform, PlatformState } from './platform.js';
export { compileOptions } from './config.js';
export type { CompileResult, PlatformConfig, PlatformOptions, RateLimitPolicy } from './config.js';
export { PLATFORM_ERRORS, PlatformError, isPlatformError } from './errors.js';
export type { FieldError, PlatformErrorCode, PlatformErrorOptions } from './errors.js';
export { createDatabase, dialectOf } from './db/database.js';
export type { DatabaseOptions, PlatformDatabase, SqlDialect } from './db/database.js';
export { MIGRATIONS, migrateToLatest } from './db/migrations/index.js';
export { LEASE } from './platform.js';
export { LeaseLost, LeaseRunner, fenceLease, isLeaseLost, listLeases } from './leases/index.js';
export type { JobLease, LeasedJob, LeaseRunnerOptions } from './leases/index.js';
export type { ProjectRole, Tables } from './db/schema.js';
export { SigningKeyStore, loadSecretKey } from './auth/keys.js';
export { ExternalIssuers } from './auth/external.js';
export type { TrustedIssuer } from './auth/external.js';
export { hashPassword, verifyPassword } from './auth/passwords.js';
export { CLI_CLIENT_ID, serviceAccountClientId } from './oidc/clients.js';
export { OIDC_PREFIX, OIDC_TTL, apiResourceOf } from './oidc/provider.js';
export type { OidcMount } from './oidc/routes.js';
export { TokenService } from './auth/tokens.js';
export type { IssueTokenInput, IssuedToken, TokenServiceOptions } from './auth/tokens.js';
export { SCOPES, hasScope, roleAtLeast } from './auth/principal.js';
export type { Principal, Scope, ServiceAccountPrincipal, UserPrincipal } from './auth/principal.js';
export { ApiDocument, loadApiDocument } from './http/openapi.js';
export type { OperationDef } from './http/openapi.js';
export { startTracing } from './tracing.js';
export type { Tracing } from './tracing.js';
export { isoTime, newId } from './ids.js';
export { main } from './cli/main.js';
export type { PlatformCliIo } from './cli/main.js';
export { proxyTerminal, terminalUpstreamUrl } from './terminal/proxy.js';
export type { ProxyTerminalOptions, TerminalProxyResult, TerminalUpstream } from './terminal/proxy.js';
export {
  endpointRequestHeaders,
  endpointResponseHeaders,
  relayEndpointRequest,
  relayEndpointUpgrade,
} from './apps/endpoint-proxy.js';
export type { EndpointRequest } from './apps/endpoint-proxy.js';
