/**
 * One error base for the platform over ONE catalog of its codes, which the contract owns
 * (platform/contract/errors.yaml, generated into @gpuaas/platform-contract). Every failure the API
 * reports is an RFC 9457 problem document whose `code` comes from this catalog; docs/errors.md
 * lists every code with its status and meaning, and a test keeps the two in step both ways.
 */

import { PLATFORM_ERRORS } from '@gpuaas/platform-contract';
import type { PlatformErrorCode } from '@gpuaas/platform-contract';

// The catalog (code → status, title, meaning) is part of the contract: platform/contract/errors.yaml.
export { PLATFORM_ERRORS };
export type { PlatformErrorCode };

/** One problem-detail entry for a field, per RFC 9457 §3 extension members. */
export interface FieldError {
  /** Where the value came from. */
  in: 'body' | 'query' | 'path' | 'header';
  /** JSON pointer into the body, or `/<name>` for a parameter. */
  pointer: string;
  detail: string;
}

export interface PlatformErrorOptions {
  cause?: unknown;
  errors?: FieldError[];
  /** Extra response headers (e.g. `Retry-After`, `Allow`). */
  headers?: Record<string, string>;
  /** The code an allocation's runtime answered with, relayed unchanged as `runtime_code`. */
  runtimeCode?: string;
  /** With APP_CONSENT_REQUIRED on an upgrade: what changes (apps/consent-diff.ts), as `consent_diff`. */
  consentDiff?: ConsentDiffExtension;
}

/** The `consent_diff` problem extension (openapi.yaml AppConsentDiff); apps/consent-diff.ts builds it. */
export interface ConsentDiffExtension {
  from_version: string;
  to_version: string;
  permissions_added: string[];
  permissions_removed: string[];
  meters_added: string[];
  meters_removed: string[];
  prices_changed: { item: string; from: string | null; to: string | null }[];
  widening: boolean;
}

/** The platform's one error base. The final error middleware turns it into problem+json. */
export class PlatformError<Code extends PlatformErrorCode = PlatformErrorCode> extends Error {
  override readonly name: string = 'PlatformError';
  readonly code: Code;
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;
  readonly runtimeCode: string | undefined;
  readonly consentDiff: ConsentDiffExtension | undefined;

  constructor(code: Code, message: string, options: PlatformErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = PLATFORM_ERRORS[code].status;
    this.errors = options.errors;
    this.headers = options.headers;
    this.runtimeCode = options.runtimeCode;
    this.consentDiff = options.consentDiff;
  }
}

export function isPlatformError(error: unknown): error is PlatformError {
  return error instanceof PlatformError;
}
