/**
 * The listening platform's request listener: a request for an app's endpoint
 * (`/v1/allocations/{id}/app/endpoints/{name}/…` on the platform's own host) is relayed before
 * Express is entered; every other request goes to the Express application.
 *
 * Why: a relayed request is the app's traffic, and its budget is a fraction of the app's own cost
 * (bench:apps: at least 0.8× the throughput of a request made to the runtime directly). Through
 * Express it passed a dozen layers (the docs pages, the OpenID Provider, the registry mount, the
 * console) only to be let go by each. It still gets everything those layers gave it: the
 * correlation id, log line, metrics and span (beginRequest), the caller's address and scheme as
 * the platform's `trust proxy` setting reads them (Express's own getters), the same authorization,
 * rate limit and relay (http/app-endpoint-routes.ts), and refusals as problem documents. Requests
 * on an instance origin (`<allocation>.apps.<host>`) and anything that is not a relay take the
 * usual way, so the routing order is the one Express has.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Express, Request } from 'express';
import { runWithContext } from '../context.js';
import type { Logger } from '../logger.js';
import type { PlatformMetrics } from '../metrics.js';
import { matchAppEndpoint, relayRequest } from './app-endpoint-routes.js';
import type { AppEndpointDeps, Matched, RelayCaller } from './app-endpoint-routes.js';
import { beginRequest } from './pipeline.js';
import { toPlatformError, writeProblem } from './problem.js';

/** What the relay's operation is counted and logged as (openapi.yaml `callAppEndpoint`). */
const RELAY_ROUTE = {
  route: '/v1/allocations/{allocation_id}/app/endpoints/{endpoint}',
  operationId: 'callAppEndpoint',
};
const RELAY_PREFIX = '/v1/allocations/';

export interface RelayListenerDeps extends AppEndpointDeps {
  logger: Logger;
  metrics: PlatformMetrics;
  /** Whether `host` is an instance origin's (apps/ui-origin.ts), answered by Express's first layer. */
  isAppsHost: (host: string | undefined) => boolean;
}

/** The relay request `req` is, or undefined when Express should have it. */
function relayOf(req: IncomingMessage, deps: RelayListenerDeps): Matched | undefined {
  const url = req.url ?? '/';
  if (!url.startsWith(RELAY_PREFIX) || deps.isAppsHost(req.headers.host)) return undefined;
  try {
    return matchAppEndpoint(url);
  } catch {
    // Not an endpoint name: Express's middleware answers that refusal the usual way.
    return undefined;
  }
}

/** The caller's address and scheme through Express's getters, which apply `trust proxy`. */
function callerOf(app: Express, req: IncomingMessage): RelayCaller {
  const view = Object.create(app.request) as Request;
  Object.assign(view, { headers: req.headers, socket: req.socket, connection: req.socket });
  return { ip: view.ip, proto: view.protocol };
}

export function relayFirst(app: Express, deps: RelayListenerDeps): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const matched = relayOf(req, deps);
    if (matched === undefined) {
      app(req, res);
      return;
    }
    const caller = callerOf(app, req);
    const context = beginRequest(req, res, caller.ip, deps, () => RELAY_ROUTE);
    void runWithContext(context, () =>
      relayRequest(deps, req, res, matched, context, caller).catch((error: unknown) => {
        const refusal = toPlatformError(error);
        if (refusal.status >= 500)
          deps.logger.error({ err: error, method: req.method, path: matched.prefix }, refusal.message);
        if (res.headersSent) res.destroy();
        else writeProblem(res, refusal, (req.url ?? '/').split('?')[0] ?? '/', context.correlationId);
      }),
    );
  };
}
