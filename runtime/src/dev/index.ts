/** `gpuaas-runtime dev`: an app from its folder under the real runtime, for app authors and CI. */
export { DEV_EXIT, runDev } from './dev.js';
export type { DevIo, DevOptions } from './dev.js';
export { createPrinter, formatEvent, usageEvent } from './output.js';
export type { DevEvent, DevOutputEvent, ErrorEvent, Printer, UsageEvent } from './output.js';
export { DEV_DIGEST } from './run.js';
export type { DevRun, RunResult } from './run.js';
export { folderFingerprint, ignoreRule, watchFolder } from './watch.js';
export type { FolderWatcher, IgnoreRule, WatchOptions } from './watch.js';
