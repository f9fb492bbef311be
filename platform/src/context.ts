/**
 * Per-request context carried through async calls (AsyncLocalStorage), so the logger, the audit
 * writer and any deep code see the request's correlation id and principal without threading them
 * through every signature.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Principal } from './auth/principal.js';

export interface RequestContext {
  correlationId: string;
  /** Set by the authentication middleware; undefined for anonymous requests. */
  principal: Principal | undefined;
  /** Client address as Express sees it (honours `trust proxy`). */
  ip: string | undefined;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The current request's context, or undefined outside a request. */
export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Accepted shape of a caller-supplied X-Correlation-Id; anything else is replaced. */
export const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._-]{8,128}$/;

/** The caller's id when it is well-formed, a new one otherwise. */
export function correlationIdFrom(header: string | undefined): string {
  return header !== undefined && CORRELATION_ID_PATTERN.test(header) ? header : randomUUID();
}
