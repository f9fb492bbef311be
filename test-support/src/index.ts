export { hasTool, isCi, requireTools } from './tools.js';
export { choosePython, pythonSdkSource, requirePython } from './python.js';
export {
  adminPostgresUrl,
  createTestDatabase,
  createTestStore,
  postgresReachable,
  requirePostgres,
  testDialects,
} from './postgres.js';
export type { TestDialect, TestPostgresDatabase, TestStore } from './postgres.js';
export { freePort, startHttpServer, startRegistry } from './registry.js';
export type {
  RecordedRequest,
  RegistryAuth,
  StartRegistryOptions,
  TestHttpServer,
  TestRegistry,
} from './registry.js';
export type { BenchRow } from './bench.js';
export { httpLoad, median, percentile } from './http-load.js';
export { ownCpuMs, processTreeCpu } from './process-cpu.js';
export type { HttpLoadResult, HttpLoadTarget } from './http-load.js';
export { keyTrustPolicy } from './trust-policy.js';
export { flipByte, makeApp, tamper } from './app-fixtures.js';
export { openEventStream } from './event-stream.js';
export type { EventStream, StreamMessage } from './event-stream.js';
export { requireSlurm, startSlurmCluster } from './slurm.js';
export type { SlurmCluster } from './slurm.js';
