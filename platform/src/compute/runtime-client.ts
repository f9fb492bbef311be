/**
 * Calls an allocation's runtime control API (runtime/src/control.ts) over the endpoint its node
 * agent reported (`unix:/…/runtime.sock` or `http(s)://…`), presenting the runtime secret. Used
 * for app launch, status, stop and logs; the terminal has its own WebSocket relay.
 */
import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { PlatformError } from '../errors.js';

export interface RuntimeTarget {
  endpoint: string;
  secret: string;
}

export interface RuntimeCall {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  timeoutMs?: number;
}

/** Opens the request and resolves with the response stream (the caller reads or pipes it). */
export function openRuntime(target: RuntimeTarget, call: RuntimeCall): Promise<IncomingMessage> {
  const unix = target.endpoint.startsWith('unix:') ? target.endpoint.slice('unix:'.length) : undefined;
  const base = unix === undefined ? new URL(target.endpoint.replace(/^ws/, 'http')) : undefined;
  const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        ...(unix !== undefined ? { socketPath: unix } : { host: base?.hostname, port: base?.port }),
        method: call.method,
        path: call.path,
        headers: {
          authorization: `Bearer ${target.secret}`,
          accept: 'application/json',
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
        timeout: call.timeoutMs ?? 30_000,
      },
      resolve,
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${call.timeoutMs ?? 30_000} ms`)));
    req.on('error', (error) =>
      reject(
        new PlatformError(
          'RUNTIME_UNREACHABLE',
          `the allocation's runtime did not answer: ${error.message}`,
          { cause: error },
        ),
      ),
    );
    req.end(payload);
  });
}

/** A JSON call; runtime problem documents become APP_LAUNCH_FAILED (4xx) or RUNTIME_UNREACHABLE (5xx). */
export async function callRuntime<T>(
  target: RuntimeTarget,
  call: RuntimeCall,
): Promise<{ status: number; body: T }> {
  const res = await openRuntime(target, call);
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new PlatformError(
      'RUNTIME_UNREACHABLE',
      `the runtime answered ${res.statusCode} with something that is not JSON`,
    );
  }
  const status = res.statusCode ?? 0;
  if (status >= 400) {
    const problem = body as { code?: string; detail?: string; message?: string; title?: string };
    const what = `${problem.code ?? `HTTP ${status}`}: ${problem.detail ?? problem.message ?? problem.title ?? text.slice(0, 300)}`;
    if (status >= 500) throw new PlatformError('RUNTIME_UNREACHABLE', `the runtime failed: ${what}`);
    if (status === 404) throw new PlatformError('NOT_FOUND', `the runtime has no app: ${what}`);
    throw new PlatformError('APP_LAUNCH_FAILED', `the runtime refused: ${what}`);
  }
  return { status, body: body as T };
}
