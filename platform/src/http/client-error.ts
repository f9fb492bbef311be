/**
 * Requests Node's HTTP parser refuses before Express sees them — headers over `maxHeaderSize`
 * (16 KiB), a control character in a header, a request line that is not HTTP — used to get Node's
 * bare `400 Bad Request` / `431` with no body. They get the API's problem+json with a catalog
 * code instead, written straight to the socket (there is no request object to answer through).
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PLATFORM_ERRORS, PlatformError } from '../errors.js';
import type { PlatformErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import { correlationIdFrom } from '../context.js';
import { problemDocument } from './problem.js';

interface ParserError extends Error {
  code?: string;
  /** The bytes the parser choked on (Node ≥ 12). */
  rawPacket?: Buffer;
}

/** The catalog error for a parser failure: its status follows Node's own choice. */
function errorFor(code: string | undefined): PlatformError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new PlatformError('HEADERS_TOO_LARGE', 'the request headers exceed 16 KiB');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new PlatformError('REQUEST_TIMEOUT', 'the request did not arrive completely in time');
    case 'HPE_INVALID_HEADER_TOKEN':
      return new PlatformError(
        'MALFORMED_REQUEST',
        'a request header holds a character HTTP does not allow (a control character, for example)',
      );
    default:
      return new PlatformError(
        'MALFORMED_REQUEST',
        `the request is not valid HTTP/1.1 (${code ?? 'unknown'})`,
      );
  }
}

/** The path of the refused request when its request line survived, for the problem's `instance`. */
function instanceOf(raw: Buffer | undefined): string {
  const line = /^[A-Z]{3,10} (\/[!-~]{0,200})/.exec(raw?.subarray(0, 256).toString('latin1') ?? '');
  return line?.[1]?.split('?')[0] ?? '/';
}

/** Answers the server's unparsable requests with problem+json (RFC 9457) and closes them. */
export function answerClientErrors(server: Server, logger: Logger): void {
  server.on('clientError', (error: ParserError, socket: Duplex) => {
    // A reset connection or one whose response already started cannot take an answer.
    const started = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage
      ?.headersSent;
    if (error.code === 'ECONNRESET' || !socket.writable || started === true) {
      socket.destroy();
      return;
    }
    const platformError = errorFor(error.code);
    const code: PlatformErrorCode = platformError.code;
    const correlationId = correlationIdFrom(undefined);
    const body = JSON.stringify(problemDocument(platformError, instanceOf(error.rawPacket), correlationId));
    logger.debug(
      { code, parser: error.code, correlation_id: correlationId },
      'refused an unparsable request',
    );
    socket.end(
      [
        `HTTP/1.1 ${platformError.status} ${PLATFORM_ERRORS[code].title}`,
        'Content-Type: application/problem+json',
        `Content-Length: ${Buffer.byteLength(body)}`,
        `X-Correlation-Id: ${correlationId}`,
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  });
}
