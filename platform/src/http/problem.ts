/**
 * The ONE place errors become responses: RFC 9457 `application/problem+json` with the catalog's
 * `code`, the request's `correlation_id` and, for validation failures, `errors[]` with JSON
 * pointers. Errors that are not PlatformErrors become INTERNAL (details go to the log only) —
 * except the body parser's, which are the client's fault and map to their own codes.
 */
import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, Response } from 'express';
import { isBillingError } from '../billing/errors.js';
import type { BillingError } from '../billing/errors.js';
import { PLATFORM_ERRORS, PlatformError, isPlatformError } from '../errors.js';
import type { PlatformErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import { currentContext } from '../context.js';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: PlatformErrorCode;
  correlation_id: string;
  errors?: PlatformError['errors'];
  /** The allocation runtime's own code (docs/errors.md, "runtime"), when it refused. */
  runtime_code?: string;
  /** With APP_CONSENT_REQUIRED on an upgrade: what the new version changes. */
  consent_diff?: PlatformError['consentDiff'];
}

/** Relative URI of a code's documentation (served by /docs/errors). */
export function problemType(code: PlatformErrorCode): string {
  return `/docs/errors#${code}`;
}

/** Maps errors thrown by Express's body parser (they carry a `type`) onto catalog errors. */
function fromBodyParser(error: unknown): PlatformError | undefined {
  if (error === null || typeof error !== 'object' || !('type' in error)) return undefined;
  const type = error.type;
  switch (type) {
    case 'entity.parse.failed':
      return new PlatformError('MALFORMED_JSON', 'the request body is not valid JSON', { cause: error });
    case 'entity.too.large':
      return new PlatformError('PAYLOAD_TOO_LARGE', 'the request body exceeds the size limit', {
        cause: error,
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new PlatformError(
        'UNSUPPORTED_MEDIA_TYPE',
        'the request body encoding or charset is not supported',
        {
          cause: error,
        },
      );
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new PlatformError('VALIDATION_FAILED', 'the request body could not be read completely', {
        cause: error,
      });
    default:
      return undefined;
  }
}

/**
 * The billing library's codes are in the catalog with the same status (errors.test.ts keeps them
 * in step); its hint, which says what to do, joins the message.
 */
function fromBillingError(error: BillingError): PlatformError {
  const detail = error.hint === undefined ? error.message : `${error.message} (${error.hint})`;
  return new PlatformError(error.code, detail, { cause: error });
}

/** Normalises anything thrown into a PlatformError. */
export function toPlatformError(error: unknown): PlatformError {
  if (isPlatformError(error)) return error;
  if (isBillingError(error)) return fromBillingError(error);
  if (error instanceof URIError) {
    return new PlatformError('VALIDATION_FAILED', 'the request path is not valid percent-encoding', {
      cause: error,
    });
  }
  return (
    fromBodyParser(error) ?? new PlatformError('INTERNAL', 'an unexpected error occurred', { cause: error })
  );
}

/** The RFC 9457 document of an error (also written by the WebSocket upgrade path, outside Express). */
export function problemDocument(
  error: PlatformError,
  instance: string,
  correlationId: string,
): ProblemDocument {
  const problem: ProblemDocument = {
    type: problemType(error.code),
    title: PLATFORM_ERRORS[error.code].title,
    status: error.status,
    detail: error.message,
    instance,
    code: error.code,
    correlation_id: correlationId,
  };
  if (error.errors !== undefined && error.errors.length > 0) problem.errors = error.errors;
  if (error.runtimeCode !== undefined) problem.runtime_code = error.runtimeCode;
  if (error.consentDiff !== undefined) problem.consent_diff = error.consentDiff;
  return problem;
}

/** Writes a problem response (without response validation: this is the last resort). */
export function sendProblem(res: Response, error: PlatformError, instance: string): void {
  const correlationId = currentContext()?.correlationId ?? String(res.getHeader('x-correlation-id') ?? '');
  const problem = problemDocument(error, instance, correlationId);
  // Set before the answer is written: the audit trail reads it as the response ends.
  res.locals.problem = problem;
  writeProblemDocument(res, error, problem);
}

/** The same on a plain Node response: the endpoint relay answers below Express. */
export function writeProblem(
  res: ServerResponse,
  error: PlatformError,
  instance: string,
  correlationId: string,
): void {
  writeProblemDocument(res, error, problemDocument(error, instance, correlationId));
}

function writeProblemDocument(res: ServerResponse, error: PlatformError, problem: ProblemDocument): void {
  for (const [name, value] of Object.entries(error.headers ?? {})) res.setHeader(name, value);
  const body = JSON.stringify(problem);
  res.writeHead(error.status, {
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** The final error middleware. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      // Mid-stream failure (e.g. an export): the status is gone; cut the connection so the client
      // sees an incomplete body rather than a truncated file that looks complete.
      logger.error({ err: error }, 'error after the response started');
      next(error);
      return;
    }
    const platformError = toPlatformError(error);
    if (platformError.status >= 500) {
      logger.error({ err: error, method: req.method, path: req.path }, platformError.message);
    }
    sendProblem(res, platformError, req.path);
  };
}
