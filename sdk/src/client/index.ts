export { collectAll, createPlatformClient, listAll } from './client.js';
export type { Page, PlatformClient, PlatformClientOptions, RawRequest } from './client.js';
export { ApiError, apiErrorFromBody, isApiError } from './api-error.js';
export type { ApiErrorCode, Problem, ProblemFieldError } from './api-error.js';
export { createRequestSender } from './sender.js';
export type { RequestSender, RequestSenderOptions, RetryOptions as ClientRetryOptions } from './sender.js';
export {
  authFailed,
  clientCredentialsTokenProvider,
  discoverIssuer,
  refreshSession,
  sessionTokenProvider,
  staticTokenProvider,
  tokenProviderFromEnvironment,
} from './tokens.js';
export type {
  ClientCredentialsOptions,
  CredentialSource,
  EnvironmentCredentialOptions,
  FetchLike,
  SessionTokenOptions,
  TokenProvider,
} from './tokens.js';
export { CredentialsStore, defaultCredentialsPath, normalizeApiUrl } from './credentials.js';
export type { CredentialsFile, StoredSession } from './credentials.js';
export { loginWithDeviceCode, loginWithPkce } from './login.js';
export type { DeviceLoginOptions, DevicePrompt, LoginResult, PkceLoginOptions } from './login.js';
export type { paths as PlatformPaths, components as PlatformComponents } from '@gpuaas/platform-contract';
export { createClient } from './resources.js';
export type {
  Allocation,
  CreateAllocationInput,
  GpuaasClient,
  GpuModel,
  Project,
  WaitForAllocationOptions,
} from './resources.js';
export { follow, followEvents } from './follow.js';
export type { EventStreamOptions, FollowOptions, PlatformEvent } from './follow.js';
export { isUuid, resolveProject, resolveProjectId } from './projects.js';
export {
  ALLOCATION_EVENTS,
  FINAL_STATES,
  followAllocation,
  isFinal,
  readAllocation,
  resolveAllocationId,
} from './allocations.js';
export { resolveNodeId } from './nodes.js';
export {
  createNodeCredential,
  listNodeCredentials,
  revokeNodeCredential,
  rotateNodeCredential,
} from './node-credentials.js';
export type { NodeCredential, NodeCredentialWithSecret } from './node-credentials.js';
export { readAppStatus, waitForApp } from './apps.js';
export { waitForAppInstance } from './app-instance-wait.js';
export type { WaitForInstanceOptions } from './app-instance-wait.js';
export {
  grantAppEntitlement,
  launchAppInstance,
  listAppEntitlements,
  listAppInstances,
  listCatalogApps,
  readAppInstance,
  readCatalogApp,
  revokeAppEntitlement,
  stopAppInstance,
} from './app-catalog.js';
export type {
  AppEntitlement,
  AppInstance,
  CatalogApp,
  CatalogFilter,
  CatalogVersion,
  GrantInput,
  LaunchInstanceInput,
} from './app-catalog.js';
export { uninstallAppInstance, updateAppInstance, upgradeAppInstance } from './app-instance-lifecycle.js';
export type { AppConsentDiff, UpdateInstanceInput, UpgradeInstanceInput } from './app-instance-lifecycle.js';
export type { AppStatus, WaitForAppOptions } from './apps.js';
export {
  PENDING_APP_VERSION_STATE,
  addPublisherKey,
  approveAppVersion,
  deprecateAppVersion,
  listAppVersions,
  listPublisherKeys,
  parseVersionReference,
  publishAppVersion,
  readAppTrust,
  readAppVersion,
  registerAppVersion,
  rejectAppVersion,
  resolveAppVersionId,
  retirePublisherKey,
  revokeAppVersion,
} from './app-registry.js';
export type {
  AppAccess,
  AppRegistryResource,
  AppTrust,
  AppVersion,
  AppVersionDetail,
  AppVersionFilter,
  AppVersionState,
  Approval,
  ApprovalScope,
  PublisherKey,
  PublisherKeyInput,
} from './app-registry.js';
export type { FollowAllocationOptions } from './allocations.js';
export {
  approveRefund,
  closeStatement,
  currentPeriod,
  formatMicros,
  grantCredit,
  listBudgets,
  listCharges,
  lowFundsWarning,
  readBalance,
  readBudget,
  readEarnings,
  readStatement,
  readStatementCsv,
  refundCharge,
  requestRefund,
  setBudget,
  topUp,
} from './billing.js';
export type { StatementOptions } from './billing.js';
export {
  createSnapshot,
  createVolume,
  deleteSnapshot,
  deleteVolume,
  findSnapshot,
  findVolume,
  listSnapshots,
  listVolumes,
  parseVolumeMount,
  resizeVolume,
  restoreSnapshot,
  volumePlacement,
} from './storage.js';
export type { StorageSnapshot, StorageVolume, StorageVolumePlacement, VolumeMount } from './storage.js';
export type {
  BillingBalance,
  BillingBudget,
  BillingBudgetOverview,
  BillingEarnings,
  BudgetInput,
  BillingCharge,
  BillingPromotion,
  BillingRefundRequest,
  BillingStatement,
  BillingTransfer,
  CreditInput,
  RefundInput,
  TopUpInput,
} from './billing.js';
