/**
 * What the platform answers when an app's endpoint cannot be reached: the runtime's own refusals
 * (marked with `x-gpuaas-runtime-code`) as the platform's errors with `runtime_code` kept, and a
 * runtime that does not answer. Shared by the per-request relay and the endpoint tunnels.
 */
import type { IncomingMessage } from 'node:http';
import { PlatformError, isPlatformError } from '../errors.js';

/** The runtime marks its own refusals with this header (runtime/src/control/endpoints.ts). */
export const RUNTIME_CODE_HEADER = 'x-gpuaas-runtime-code';

/** The runtime's refusal as the platform's error, its own code kept in `runtime_code`. */
export async function runtimeRefusal(res: IncomingMessage, code: string): Promise<PlatformError> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  let message = `HTTP ${res.statusCode ?? 0}`;
  try {
    const said = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { message?: unknown }).message;
    if (typeof said === 'string') message = said;
  } catch {
    // Not the runtime's JSON: the status says enough.
  }
  return refusalFor(code, message);
}

export function refusalFor(code: string, message: string): PlatformError {
  const options = { runtimeCode: code };
  switch (code) {
    case 'APP_ENDPOINT_NOT_FOUND':
      return new PlatformError('NOT_FOUND', message, options);
    case 'APP_NOT_READY':
      return new PlatformError('APP_NOT_READY', message, options);
    case 'APP_ENDPOINT_UNREACHABLE':
      return new PlatformError('APP_ENDPOINT_UNREACHABLE', message, options);
    default:
      return new PlatformError(
        'RUNTIME_UNREACHABLE',
        `the runtime refused the relay: ${code}: ${message}`,
        options,
      );
  }
}

export function unreachable(error: Error): PlatformError {
  // A runtime that is not the node's (runtime-tls.ts) is refused as such, not as unreachable.
  if (isPlatformError(error) && error.code === 'NODE_CERTIFICATE_MISMATCH') return error;
  return new PlatformError(
    'RUNTIME_UNREACHABLE',
    `the allocation's runtime did not answer: ${error.message}`,
    {
      cause: error,
    },
  );
}
