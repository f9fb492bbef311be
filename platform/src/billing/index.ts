/**
 * Billing's domain library: the double-entry ledger, rating and holds (see README.md). No HTTP
 * here: the API, CLI and enforcement loop call these functions.
 */
export { ACCOUNTS, checkCurrency, getBalance, openAccounts } from './accounts.js';
export type { AccountBalance, AccountSpec } from './accounts.js';
export { checkLedger } from './check.js';
export type { BalanceDifference, BalanceField, LedgerCheckReport } from './check.js';
export { asBillingDb, inTransaction } from './db.js';
export type { BillingDb, BillingTransaction } from './db.js';
export { BILLING_ERRORS, BillingError, isBillingError } from './errors.js';
export type { BillingErrorCode, BillingErrorOptions } from './errors.js';
export {
  intervalHoldAmount,
  lastRatedInterval,
  resumeGpuMeter,
  settleGpuInterval,
  startGpuMeter,
} from './gpu-meter.js';
export type { GpuMeter, SettledInterval, SettleInput } from './gpu-meter.js';
export { holdTransferId, placeHold } from './holds.js';
export type { HoldInput } from './holds.js';
export {
  createPendingTransfer,
  createTransfer,
  findOpenPending,
  getTransfer,
  postPendingTransfer,
  voidPendingTransfer,
} from './ledger.js';
export type {
  PendingTransferInput,
  PostPendingInput,
  Transfer,
  TransferDetails,
  TransferInput,
  TransferOutcome,
  VoidPendingInput,
} from './ledger.js';
export { BILLING_MIGRATION_NAME, billingLedgerMigration } from '../db/migrations/0006_billing_ledger.js';
export { formatMoney, MAX_MICROS, MICROS_PER_UNIT, parseMoney, toMicros } from './money.js';
export { expirePromotions, grantPromotion, projectBalance, refund, topUp } from './operations.js';
export type { ProjectBalance, PromotionInput, RefundInput, TopUpInput } from './operations.js';
export {
  cumulativeGpuCharge,
  finalIntervalIndex,
  gpuIntervalCharge,
  intervalBounds,
  parseQuantity,
  formatQuantity,
  rateUsage,
} from './rating.js';
export type { MeterPrice, UsageCarry, UsageRating } from './rating.js';
export type * from './schema.js';
export { rateUsageEvents } from './usage-rater.js';
export type { LaunchPricing, RatedUsageEvent, UsageEventInput } from './usage-rater.js';
