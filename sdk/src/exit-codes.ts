/**
 * The exit statuses of every GPUaaS command-line program (`gpuaas`, `gpuaas-app`,
 * `gpuaas-platform`): one table, so a script branches on the same number whichever program it ran.
 * docs/cli.md documents the table and docs/errors.md the status of each sdk code; tests keep both
 * equal to the maps below.
 */
import { ApiError } from './client/api-error.js';
import { isSdkError } from './errors.js';
import type { SdkErrorCode } from './errors.js';

export const EXIT_CODES = {
  OK: 0,
  /** A check failed (an invalid manifest, an untrusted artifact) or the platform refused the request (4xx). */
  REFUSED: 1,
  /** The command line is wrong, or a local file, configuration or registry problem. */
  USAGE: 2,
  /** No credential, or the login, refresh or token was refused. */
  AUTH: 3,
  /** The platform has no such resource (404). */
  NOT_FOUND: 4,
  /** The platform or the terminal could not be reached, or kept failing (5xx, 429) after retries. */
  UNAVAILABLE: 5,
  /** An allocation waited for reached another final state (failed, released, preempted). */
  ALLOCATION_ENDED: 6,
  /** `--timeout` passed before the state waited for. */
  WAIT_TIMEOUT: 7,
  /** An app waited for ended failed or stopped; its allocation keeps running. */
  APP_ENDED: 8,
  /** A bug: an error no code describes. */
  INTERNAL: 70,
} as const;

export type ExitCodeName = keyof typeof EXIT_CODES;
export type ExitCode = (typeof EXIT_CODES)[ExitCodeName];

const { REFUSED, USAGE, AUTH, NOT_FOUND, UNAVAILABLE } = EXIT_CODES;

/**
 * The exit status of each sdk error code. A Record, so a new code does not compile until it has
 * one. Registry failures stay USAGE (2): `gpuaas-app` documented them so before the platform codes
 * (3, 5) existed, and scripts rely on it.
 */
export const SDK_ERROR_EXIT_CODES: Readonly<Record<SdkErrorCode, ExitCode>> = {
  USAGE,
  IO_ERROR: USAGE,
  NOT_FOUND: USAGE,
  ALREADY_EXISTS: USAGE,
  MANIFEST_INVALID: REFUSED,
  CATALOG_INVALID: USAGE,
  TEMPLATE_NOT_FOUND: USAGE,
  TEMPLATE_INVALID: USAGE,
  VENDOR_FAILED: USAGE,
  NAME_INVALID: USAGE,
  RUNTIME_URL_INVALID: USAGE,
  RUNTIME_UNAVAILABLE: USAGE,
  RUNTIME_REJECTED: USAGE,
  APP_ARGUMENT_INVALID: USAGE,
  PARAMETERS_INVALID: USAGE,
  RUNTIME_NOT_INSTALLED: USAGE,
  REGISTRY_UNREACHABLE: USAGE,
  REGISTRY_UNAUTHORIZED: USAGE,
  REGISTRY_FORBIDDEN: USAGE,
  REGISTRY_ERROR: USAGE,
  REFERENCE_INVALID: USAGE,
  DIGEST_MISMATCH: REFUSED,
  TAG_CONFLICT: REFUSED,
  KEY_INVALID: USAGE,
  SIGNATURE_NOT_FOUND: REFUSED,
  SIGNATURE_INVALID: REFUSED,
  SUBJECT_MISMATCH: REFUSED,
  ATTESTATION_MISSING: REFUSED,
  POLICY_INVALID: USAGE,
  POLICY_NO_MATCH: REFUSED,
  PREDICATE_TYPE_MISMATCH: REFUSED,
  SIGNING_FAILED: USAGE,
  PACK_LAYER_CONFLICT: REFUSED,
  SYMLINK_ESCAPE: REFUSED,
  LAYOUT_INVALID: USAGE,
  API_UNREACHABLE: UNAVAILABLE,
  API_RESPONSE_INVALID: UNAVAILABLE,
  AUTH_REQUIRED: AUTH,
  AUTH_FAILED: AUTH,
  CREDENTIALS_INVALID: USAGE,
  NAME_AMBIGUOUS: USAGE,
  PROJECT_REQUIRED: USAGE,
  TERMINAL_UNREACHABLE: UNAVAILABLE,
  TERMINAL_UNAUTHORIZED: AUTH,
  TERMINAL_FORBIDDEN: REFUSED,
  TERMINAL_NOT_FOUND: NOT_FOUND,
  TERMINAL_TOKEN_EXPIRED: AUTH,
  TERMINAL_CLOSED: UNAVAILABLE,
  ALLOCATION_ENDED: EXIT_CODES.ALLOCATION_ENDED,
  WAIT_TIMEOUT: EXIT_CODES.WAIT_TIMEOUT,
  APP_ENDED: EXIT_CODES.APP_ENDED,
  INTERNAL: EXIT_CODES.INTERNAL,
};

/** A refusal by the platform, by its HTTP status: the problem's code is for people and logs. */
function exitCodeForApiError(error: ApiError): ExitCode {
  if (error.status === 401 || error.code.startsWith('TOKEN_')) return AUTH;
  if (error.status === 404) return NOT_FOUND;
  if (error.status === 429 || error.status >= 500) return UNAVAILABLE;
  return REFUSED;
}

/**
 * The code of a CommanderError (`commander.unknownOption`, …). Recognised by its code rather than by
 * `instanceof`: each program may load its own copy of commander, and the library needs none at run time.
 */
function commanderErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') return undefined;
  return error.code.startsWith('commander.') ? error.code : undefined;
}

/**
 * The exit status for whatever a command failed with: a command-line error of commander (help and
 * `--version` are not failures), an SdkError by its code, a refusal by the platform (ApiError) by
 * its status; anything else is INTERNAL. It takes the error itself, never its code: a code string
 * does not compile (it would say nothing about the error's kind and end as INTERNAL).
 *
 * @example
 * process.exitCode = exitCodeFor(new SdkError('MANIFEST_INVALID', 'bad manifest')); // 1
 */
export function exitCodeFor<E>(error: E extends string ? never : E): ExitCode {
  return exitCodeOf(error);
}

function exitCodeOf(error: unknown): ExitCode {
  const commanderCode = commanderErrorCode(error);
  if (commanderCode !== undefined) {
    const notFailures = ['commander.helpDisplayed', 'commander.version', 'commander.help'];
    return notFailures.includes(commanderCode) ? EXIT_CODES.OK : USAGE;
  }
  if (isSdkError(error)) return SDK_ERROR_EXIT_CODES[error.code];
  if (error instanceof ApiError) return exitCodeForApiError(error);
  return EXIT_CODES.INTERNAL;
}
