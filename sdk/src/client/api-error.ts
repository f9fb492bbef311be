/**
 * The typed error the platform client throws for every refused request: the RFC 9457 problem
 * document the platform answered with, flattened. It never carries the request's credentials
 * (no headers, no body), so it is safe to log and print.
 */
import type { components } from '@gpuaas/platform-contract';

export type Problem = components['schemas']['Problem'];
/** Codes listed in docs/errors.md#platform; a newer server may send codes this client predates. */
export type ApiErrorCode = Problem['code'] | (string & {});
export type ProblemFieldError = NonNullable<Problem['errors']>[number];

export class ApiError extends Error {
  override readonly name: string = 'ApiError';
  /** The platform's stable code (branch on it, not on the message). */
  readonly code: ApiErrorCode;
  readonly status: number;
  /** Ties the failure to the platform's logs and audit record. */
  readonly correlationId: string | undefined;
  readonly title: string;
  readonly detail: string | undefined;
  /** Validation failures, one per bad value. */
  readonly errors: readonly ProblemFieldError[];
  /** Method and path (no query string, no host credentials) of the refused request. */
  readonly request: string;
  /** When an allocation's runtime refused (APP_LAUNCH_FAILED…): its own code, unchanged. */
  readonly runtimeCode: string | undefined;
  /** With APP_CONSENT_REQUIRED on an upgrade: what the new version changes (`consent_diff`). */
  readonly consentDiff: Problem['consent_diff'];

  constructor(init: {
    code: ApiErrorCode;
    status: number;
    title: string;
    detail?: string | undefined;
    correlationId?: string | undefined;
    errors?: readonly ProblemFieldError[] | undefined;
    request: string;
    runtimeCode?: string | undefined;
    consentDiff?: Problem['consent_diff'];
  }) {
    super(init.detail ?? init.title);
    this.code = init.code;
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.correlationId = init.correlationId;
    this.errors = init.errors ?? [];
    this.request = init.request;
    this.runtimeCode = init.runtimeCode;
    this.consentDiff = init.consentDiff;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Builds the ApiError for a non-2xx response. A body that is not a problem document (a proxy's
 * HTML page, say) still yields an error with a synthetic code derived from the status.
 */
export function apiErrorFromBody(
  status: number,
  body: unknown,
  request: string,
  correlationHeader: string | null,
): ApiError {
  if (isRecord(body) && typeof body.code === 'string' && typeof body.title === 'string') {
    const errors = Array.isArray(body.errors) ? (body.errors as ProblemFieldError[]) : undefined;
    return new ApiError({
      code: body.code,
      status,
      title: body.title,
      detail: typeof body.detail === 'string' ? body.detail : undefined,
      correlationId:
        typeof body.correlation_id === 'string' ? body.correlation_id : (correlationHeader ?? undefined),
      errors,
      request,
      runtimeCode: typeof body.runtime_code === 'string' ? body.runtime_code : undefined,
      consentDiff: isRecord(body.consent_diff) ? (body.consent_diff as Problem['consent_diff']) : undefined,
    });
  }
  return new ApiError({
    code: `HTTP_${status}`,
    status,
    title: `HTTP ${status}`,
    detail: `the platform answered ${status} without a problem document`,
    correlationId: correlationHeader ?? undefined,
    request,
  });
}
