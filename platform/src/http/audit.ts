/**
 * The audit trail: every mutating request (operations with `x-audit` in openapi.yaml) writes who,
 * what, which target, when, the result and the correlation id — successes and refusals alike,
 * except 429s (recording floods would amplify them). The record is written before the response
 * is sent, so whoever sees the answer can find the record; in an idempotent request it commits
 * in the same transaction as the change (http/request-transaction.ts).
 */
import type { RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import { recordAuditEvent } from '../audit/record.js';
import type { AuditTarget } from '../audit/record.js';
import type { Logger } from '../logger.js';
import { beforeEnd } from './before-end.js';
import type { RequestContext } from '../context.js';
import { operationOf } from './pipeline.js';
import { addRecord } from './request-transaction.js';
import type { ProblemDocument } from './problem.js';

export type { AuditTarget };

/** Handlers call this once they know the target (e.g. the id of what they just created). */
export function setAuditTarget(res: Response, target: AuditTarget): void {
  res.locals.auditTarget = target;
}

export function auditTrail(db: Kysely<Tables>, logger: Logger): RequestHandler {
  return (_req, res, next) => {
    const op = operationOf(res);
    const audit = op.def.audit;
    if (audit === undefined) {
      next();
      return;
    }
    // In an idempotent request's transaction the record commits with the change, or is written on
    // its own after a rollback (http/request-transaction.ts), with the status the client gets.
    const write = async () => {
      if (res.statusCode === 429) return;
      // High-frequency calls (node heartbeats) record only their refusals.
      if (audit.only === 'failure' && res.statusCode < 400) return;
      const context = res.locals.context as RequestContext;
      const target = res.locals.auditTarget as AuditTarget | undefined;
      const params = Object.values(op.params);
      const problem = res.locals.problem as ProblemDocument | undefined;
      const details: Record<string, unknown> = { ...target?.details };
      if (problem !== undefined) details.code = problem.code;
      if (res.getHeader('idempotent-replayed') === 'true') details.replayed = true;
      await recordAuditEvent(db, {
        actor_type: context.principal?.type ?? 'anonymous',
        actor_id: context.principal?.id ?? null,
        action: audit.action,
        target_type: audit.target,
        // Before a handler names the target (refusals), the last path parameter is the target.
        target_id: target?.id ?? params[params.length - 1] ?? null,
        project_id: target?.projectId ?? op.params.project_id ?? null,
        result: res.statusCode < 400 ? 'success' : 'failure',
        status: res.statusCode,
        correlation_id: context.correlationId,
        ip: context.ip ?? null,
        details: Object.keys(details).length === 0 ? null : JSON.stringify(details),
      });
    };
    beforeEnd(
      res,
      () => addRecord(res, write),
      (error) => logger.error({ err: error }, 'could not write the audit record'),
    );
    next();
  };
}
