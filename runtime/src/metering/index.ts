/** Metering: the usage write-ahead log, its shipper, the runtime's own usage and the app-facing API. */
export { openUsageWal, uuidv7 } from './wal.js';
export type {
  AppendResult,
  UsageInput,
  UsageOrigin,
  UsageRecord,
  UsageWal,
  UsageWalOptions,
  UsageWalStats,
} from './wal.js';
export { MAX_USAGE_BATCH, batchBody, createUsageShipper, idempotencyKey, toCloudEvent } from './shipper.js';
export type {
  FlushResult,
  ShipperState,
  ShipperStatus,
  UsageCloudEvent,
  UsageShipper,
  UsageShipperOptions,
} from './shipper.js';
export { OWN_METERS, gpuCountFromEnv, ownUsageId, startOwnUsage } from './usage.js';
export type { OwnMeter, OwnUsageMeter, OwnUsageOptions } from './usage.js';
export { APP_API_MAX_BODY_BYTES, MAX_METER_QUANTITY, scopedEventId, startAppApi } from './app-api.js';
export { MAX_QUANTITY_DIGITS, MAX_QUANTITY_SCALE, quantityPrecisionProblem } from './quantity.js';
export type { AppApi, AppApiMeter, AppApiOptions, AppCredentials } from './app-api.js';
export { METERING_THROUGHPUT_TARGET, measureMeteringThroughput } from './bench.js';
export type { MeteringThroughputOptions, MeteringThroughputResult } from './bench.js';
