/**
 * Middleware that every request passes: the request context (correlation id, log line, metrics,
 * trace span), matching against the OpenAPI document, and request/response validation.
 */
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { PlatformError } from '../errors.js';
import type { FieldError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PlatformMetrics } from '../metrics.js';
import { correlationIdFrom, runWithContext } from '../context.js';
import type { RequestContext } from '../context.js';
import { toFieldErrors } from './openapi.js';
import type { ApiDocument, OperationDef } from './openapi.js';

/** What the pipeline knows about the matched operation, kept in `res.locals.op`. */
export interface MatchedOperation {
  def: OperationDef;
  /** Path parameters, validated. */
  params: Record<string, string>;
  /** Query parameters, validated, coerced to their schema types, defaults applied. */
  query: Record<string, unknown>;
}

/** The matched operation of a request (set by `matchOperation`). */
export function operationOf(res: Response): MatchedOperation {
  const op = res.locals.op as MatchedOperation | undefined;
  if (op === undefined) throw new Error('operationOf() called before matchOperation');
  return op;
}

const tracer = trace.getTracer('gpuaas-platform');

/** Operations whose successful requests are logged at debug rather than info. */
const QUIET_OPERATIONS = new Set(['nodeHeartbeat', 'callAppEndpoint']);

/** What a finished request is counted and logged as. */
export interface RequestRoute {
  /** The operation's path template, or `unmatched`. */
  route: string;
  operationId: string | undefined;
}

/**
 * A request's context (correlation id, answered in `X-Correlation-Id`), and at its finish one log
 * line, its metrics and its span. `routeOf` is asked at the finish, when the route is known.
 * Express requests start here through `requestContext`; the endpoint relay, which enters below
 * Express (http/relay-listener.ts), calls it directly.
 */
export function beginRequest(
  req: IncomingMessage,
  res: ServerResponse,
  ip: string | undefined,
  observers: { logger: Logger; metrics: PlatformMetrics },
  routeOf: () => RequestRoute,
): RequestContext {
  const { logger, metrics } = observers;
  const method = req.method ?? 'GET';
  const header = req.headers['x-correlation-id'];
  const context: RequestContext = {
    correlationId: correlationIdFrom(Array.isArray(header) ? header[0] : header),
    principal: undefined,
    ip,
  };
  res.setHeader('X-Correlation-Id', context.correlationId);
  const started = process.hrtime.bigint();
  const span = tracer.startSpan(`${method} request`, {
    attributes: { 'http.request.method': method, 'gpuaas.correlation_id': context.correlationId },
  });
  res.on('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const { route, operationId } = routeOf();
    metrics.requests.inc({ method, route, status: String(res.statusCode) });
    metrics.duration.observe({ method, route }, seconds);
    span.updateName(`${method} ${route}`);
    span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    // Node heartbeats arrive every second from every node, and relayed requests are an app's own
    // traffic (counted in the metrics): successful ones are logged at debug.
    const level = res.statusCode < 400 && QUIET_OPERATIONS.has(operationId ?? '') ? 'debug' : 'info';
    // Above the level the line is dropped anyway: skip building it.
    if (!logger.isLevelEnabled(level)) return;
    // The correlation id is given, not entered as the context for the logger's mixin to find: one
    // AsyncLocalStorage run less per request, and the line's own fields win over the mixin's.
    logger[level](
      {
        correlation_id: context.correlationId,
        method,
        route,
        status: res.statusCode,
        duration_ms: Math.round(seconds * 1e4) / 10,
        operation: operationId,
        principal:
          context.principal === undefined ? undefined : `${context.principal.type}:${context.principal.id}`,
      },
      'request',
    );
  });
  return context;
}

/** Correlation id, AsyncLocalStorage context, one log line, metrics and a span per request. */
export function requestContext(logger: Logger, metrics: PlatformMetrics): RequestHandler {
  return (req, res, next) => {
    const context = beginRequest(req, res, req.ip, { logger, metrics }, () => {
      const op = res.locals.op as MatchedOperation | undefined;
      return { route: op?.def.path ?? 'unmatched', operationId: op?.def.operationId };
    });
    res.locals.context = context;
    runWithContext(context, next);
  };
}

/** Finds the operation or answers 404 ROUTE_NOT_FOUND / 405 METHOD_NOT_ALLOWED. */
export function matchOperation(api: ApiDocument): RequestHandler {
  return (req, res, next) => {
    const match = api.match(req.method, req.path);
    if (match.kind === 'not-found') {
      throw new PlatformError('ROUTE_NOT_FOUND', `no endpoint at ${req.path}`);
    }
    if (match.kind === 'method-not-allowed') {
      throw new PlatformError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${req.path}`, {
        headers: { Allow: match.allowed.join(', ') },
      });
    }
    const op: MatchedOperation = { def: match.operation, params: match.params, query: {} };
    res.locals.op = op;
    next();
  };
}

/** Rejects bodies that are not JSON before reading them, then parses JSON with the size limit. */
export function parseBody(limitBytes: number): RequestHandler {
  const json = express.json({
    limit: limitBytes,
    strict: true,
    type: ['application/json', 'application/*+json'],
  });
  return (req, res, next) => {
    const op = operationOf(res);
    const hasBody =
      req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (op.def.body === undefined || !hasBody) {
      next();
      return;
    }
    if (req.is(['application/json', 'application/*+json']) === false) {
      throw new PlatformError(
        'UNSUPPORTED_MEDIA_TYPE',
        `send the body as application/json (got ${req.headers['content-type'] ?? 'none'})`,
      );
    }
    json(req, res, next);
  };
}

/** Validates path, query, header parameters and the body against the operation's schemas. */
export function validateRequest(): RequestHandler {
  return (req, res, next) => {
    const op = operationOf(res);
    const errors: FieldError[] = [];

    const params = { ...op.params };
    if (!op.def.path_.validate(params)) errors.push(...toFieldErrors(op.def.path_.validate.errors, 'path'));

    const query = { ...(req.query as Record<string, unknown>) };
    if (!op.def.query.validate(query)) errors.push(...toFieldErrors(op.def.query.validate.errors, 'query'));

    const headers: Record<string, unknown> = {};
    for (const name of op.def.header.names) {
      if (req.headers[name] !== undefined) headers[name] = req.headers[name];
    }
    if (!op.def.header.validate(headers))
      errors.push(...toFieldErrors(op.def.header.validate.errors, 'header'));

    const body: unknown = req.body;
    if (op.def.body !== undefined) {
      if (body === undefined) {
        if (op.def.body.required)
          errors.push({ in: 'body', pointer: '/', detail: 'a JSON body is required' });
      } else if (!op.def.body.validate(body)) {
        errors.push(...toFieldErrors(op.def.body.validate.errors, 'body'));
      }
    }
    if (errors.length > 0) {
      const summary = errors
        .slice(0, 3)
        .map((e) => `${e.in} ${e.pointer}: ${e.detail}`)
        .join('; ');
      throw new PlatformError('VALIDATION_FAILED', `${errors.length} invalid field(s): ${summary}`, {
        errors,
      });
    }
    op.params = params;
    op.query = query;
    next();
  };
}

/**
 * Checks JSON responses against the operation's response schema. `throw` (tests) turns a mismatch
 * into a 500 RESPONSE_INVALID so the test sees it; `warn` logs and sends the response anyway.
 */
export function validateResponses(mode: 'off' | 'warn' | 'throw', logger: Logger): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    if (mode === 'off') {
      next();
      return;
    }
    const original = res.json.bind(res);
    res.json = (body: unknown) => {
      const op = res.locals.op as MatchedOperation | undefined;
      const responses = op?.def.responses;
      const validate =
        responses?.get(String(res.statusCode)) ??
        responses?.get(`${String(res.statusCode).charAt(0)}XX`) ??
        responses?.get('default');
      if (op !== undefined && validate !== undefined && !validate(body)) {
        const errors = toFieldErrors(validate.errors, 'body');
        const message = `response of ${op.def.operationId} (${res.statusCode}) does not match openapi.yaml: ${errors
          .map((e) => `${e.pointer} ${e.detail}`)
          .join('; ')}`;
        if (mode === 'throw') throw new PlatformError('RESPONSE_INVALID', message);
        logger.warn({ errors }, message);
      }
      return original(body);
    };
    next();
  };
}
