/**
 * `callAppEndpoint` (openapi.yaml) is served by the relay mounted before the OpenAPI pipeline
 * (http/app-endpoint-routes.ts): it takes any method, sub-path and body, which the pipeline cannot.
 * Its handler here only completes the binding of every operationId; a request reaching it means
 * the relay was not mounted.
 */
import { PlatformError } from '../errors.js';
import type { Handlers, Services } from './services.js';

export function appEndpointHandlers(_s: Services): Handlers {
  return {
    callAppEndpoint: () => {
      throw new PlatformError('INTERNAL', "an app's endpoints are served by the relay, which is not mounted");
    },
  };
}
