/**
 * `@gpuaas/sdk/common`: what every GPUaaS program shares, in a module that loads in a few
 * milliseconds (no HTTP client, no signing, no schema compiler): the error base and its codes, the
 * one table of exit statuses, the duration grammar, the sdk's version, the conventions of the
 * command-line programs built on commander and which headers a relay forwards. The CLIs import it at start-up and load the rest of the
 * library only when a command needs it.
 */
export { SdkError, SDK_ERROR_CODES, isSdkError } from './errors.js';
export type { SdkErrorCode, SdkErrorOptions } from './errors.js';
export { EXIT_CODES, SDK_ERROR_EXIT_CODES, exitCodeFor } from './exit-codes.js';
export type { ExitCode, ExitCodeName } from './exit-codes.js';
export { formatDuration, parseDuration } from './duration.js';
export type { DurationParse, DurationProblem } from './duration.js';
export { SDK_VERSION } from './version.js';
export { requiredOptions, unknownBeforeMissing } from './commander.js';
export { HOP_BY_HOP_HEADERS, endToEndHeaders } from './end-to-end-headers.js';
export {
  ENDPOINT_TUNNEL_AUTHORITY_HEADER,
  ENDPOINT_TUNNEL_BASE_HEADER,
  ENDPOINT_TUNNEL_PROTOCOL,
} from './endpoint-tunnel.js';
