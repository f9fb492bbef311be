/**
 * Every operation's handler, bound once: each operationId of openapi.yaml to exactly one handler.
 * The server refuses to start otherwise (bind.test.ts checks it without starting one).
 */
import { allocationHandlers } from './allocations.js';
import { appCatalogHandlers } from './app-catalog.js';
import { appEntitlementHandlers } from './app-entitlements.js';
import { appInstanceHandlers } from './app-instances.js';
import { appInstanceLifecycleHandlers } from './app-instance-lifecycle.js';
import { appRegistryHandlers } from './app-registry.js';
import { appReviewHandlers } from './app-review.js';
import { appEndpointHandlers } from './app-endpoints.js';
import { appHandlers } from './apps.js';
import { appUiHandlers } from './app-ui.js';
import { auditHandlers } from './audit.js';
import { billingHandlers } from './billing.js';
import { identityHandlers } from './identity.js';
import { memberHandlers } from './members.js';
import { nodeHandlers } from './nodes.js';
import { operatorHandlers } from './operators.js';
import { serviceAccountHandlers } from './service-accounts.js';
import { storageHandlers } from './storage.js';
import type { AnyHandler, Handlers, Services } from './services.js';
import { systemHandlers } from './system.js';
import { usageHandlers } from './usage.js';

/** The handler groups of the API, one per area. */
export function handlerGroups(s: Services): Handlers[] {
  return [
    systemHandlers(s),
    identityHandlers(s),
    operatorHandlers(s),
    memberHandlers(s),
    auditHandlers(s),
    serviceAccountHandlers(s),
    nodeHandlers(s),
    allocationHandlers(s),
    usageHandlers(s),
    appHandlers(s),
    appEndpointHandlers(s),
    appUiHandlers(s),
    appRegistryHandlers(s),
    appCatalogHandlers(s),
    appEntitlementHandlers(s),
    appInstanceHandlers(s),
    appInstanceLifecycleHandlers(s),
    appReviewHandlers(s),
    billingHandlers(s),
    storageHandlers(s),
  ];
}

/**
 * Binds `operationIds` (the document's) to the groups' handlers. Throws when an operation has no
 * handler, two handlers, or a handler names an operation the document lacks.
 */
export function bindHandlers(
  operationIds: readonly string[],
  groups: readonly Handlers[],
): ReadonlyMap<string, AnyHandler> {
  const bound = new Map<string, AnyHandler>();
  for (const group of groups) {
    for (const [operationId, handler] of Object.entries(group) as [string, AnyHandler | undefined][]) {
      if (handler === undefined) continue;
      if (bound.has(operationId)) throw new Error(`operation ${operationId} has two handlers`);
      bound.set(operationId, handler);
    }
  }
  const documented = new Set(operationIds);
  const unknown = [...bound.keys()].filter((id) => !documented.has(id));
  if (unknown.length > 0)
    throw new Error(`handlers for operations the document lacks: ${unknown.join(', ')}`);
  const missing = operationIds.filter((id) => !bound.has(id));
  if (missing.length > 0) throw new Error(`no handler for operation ${missing.join(', ')}`);
  return bound;
}
