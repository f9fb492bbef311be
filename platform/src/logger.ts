/**
 * The platform's pino logger. Every line carries the current request's correlation id (from the
 * AsyncLocalStorage context), so one id finds a request's log lines, audit record and response.
 * Bodies are never logged; lines go to stdout asynchronously unless a destination is given.
 */
import pino from 'pino';
import type { DestinationStream, Level, Logger } from 'pino';
import { currentContext } from './context.js';

export type { Logger };

export function createLogger(options: {
  level: Level | 'silent';
  destination: DestinationStream | undefined;
}): Logger {
  const destination = options.destination ?? pino.destination({ dest: 1, sync: false });
  return pino(
    {
      level: options.level,
      base: { service: 'gpuaas-platform' },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin() {
        const context = currentContext();
        return context === undefined ? {} : { correlation_id: context.correlationId };
      },
      redact: { paths: ['authorization', 'headers.authorization', 'token', 'secret'], censor: '[redacted]' },
    },
    destination,
  );
}
