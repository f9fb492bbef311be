/**
 * The platform's pino logger. Every line carries the current request's correlation id (from the
 * AsyncLocalStorage context), so one id finds a request's log lines, audit record and response.
 * Bodies are never logged; lines go to stdout asynchronously unless a destination is given.
 *
 * Lines are written in batches: at 4 KiB or every LOG_FLUSH_MS, whichever comes first, and
 * synchronously at exit (pino registers that). One write per line cost the relay a system call
 * per request (a tenth of its CPU); a batch costs at most LOG_FLUSH_MS of delay, and a process
 * killed with SIGKILL loses at most that much of its log.
 */
import pino from 'pino';
import type { DestinationStream, Level, Logger } from 'pino';
import { currentContext } from './context.js';

export type { Logger };

/** How long a log line may wait for others to be written with it. */
export const LOG_FLUSH_MS = 100;
const LOG_BATCH_BYTES = 4096;

export function createLogger(options: {
  level: Level | 'silent';
  destination: DestinationStream | undefined;
}): Logger {
  const destination =
    options.destination ??
    pino.destination({ dest: 1, sync: false, minLength: LOG_BATCH_BYTES, periodicFlush: LOG_FLUSH_MS });
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
