/** Probes, metrics, the JWKS and the OpenAPI document. */
import { PlatformError } from '../errors.js';
import type { Handlers, Services } from './services.js';

export function systemHandlers(s: Services): Handlers {
  return {
    getHealth: (_req, res) => {
      res.json({ status: 'ok' });
    },
    getReadiness: async (_req, res) => {
      if (!s.accepting()) throw new PlatformError('NOT_READY', 'the server is shutting down');
      const held = s.readinessHeld?.();
      if (held !== undefined) throw new PlatformError('NOT_READY', `not ready yet: ${held}`);
      try {
        await s.database.ping();
      } catch (error) {
        throw new PlatformError('NOT_READY', 'the database does not answer', { cause: error });
      }
      res.json({ status: 'ok' });
    },
    getMetrics: async (_req, res) => {
      res.type(s.metrics.registry.contentType).send(await s.metrics.registry.metrics());
    },
    getJwks: (_req, res) => {
      res.setHeader('Cache-Control', 'public, max-age=300');
      res.json(s.keys.jwks());
    },
    getOpenApiDocument: (_req, res) => {
      res.setHeader('Cache-Control', 'public, max-age=300');
      res.json(s.api.document);
    },
  };
}
