/**
 * Calls an allocation's runtime control API (runtime/src/control/routes.ts) over the endpoint its node
 * agent reported (`unix:/…/runtime.sock`, or `https://…` on a remote node: TLS pinned to the
 * node's registered certificate, runtime-tls.ts), presenting the runtime secret. Used for app
 * launch, status, stop and logs; the terminal has its own WebSocket relay.
 */
import { request } from 'node:http';
import type { Agent, IncomingMessage } from 'node:http';
import { PlatformError } from '../errors.js';
import { pinnedAgent, pinnedConnect, refuse } from './runtime-tls.js';
import type { PinnedConnect } from './runtime-tls.js';

export interface RuntimeTarget {
  endpoint: string;
  secret: string;
  /** The node's registered runtime certificate (`nodes.runtime_certificate_sha256`); TCP endpoints need it. */
  certificateSha256?: string | null;
}

export interface RuntimeCall {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  timeoutMs?: number;
  /** A launch: whatever the runtime refuses it with is APP_LAUNCH_FAILED, its own code kept. */
  launch?: boolean;
}

/** What a runtime code looks like (runtime/src/errors.ts); anything else is not relayed as one. */
const RUNTIME_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * Where `http.request` reaches a runtime: its Unix socket (`unix:PATH`), or its TCP address over
 * TLS pinned to the node's certificate. A plain `http://` endpoint is refused like a wrong
 * certificate: the runtime secret never crosses the network in clear text.
 */
export function runtimeAddress(
  target: RuntimeTarget,
):
  | { socketPath: string }
  | { host: string; port: string; agent: Agent }
  | { host: string; port: string; createConnection: PinnedConnect } {
  if (target.endpoint.startsWith('unix:')) return { socketPath: target.endpoint.slice('unix:'.length) };
  const url = new URL(target.endpoint.replace(/^ws/, 'http'));
  const pin = target.certificateSha256 ?? null;
  // Pinned connections are kept between calls; anything else is refused by remoteConnect.
  if (/^(https|wss):/.test(target.endpoint) && pin !== null)
    return { host: url.hostname, port: url.port, agent: pinnedAgent(pin) };
  return { host: url.hostname, port: url.port, createConnection: remoteConnect(target) };
}

/** The pinned TLS connect for a TCP endpoint (also the terminal's, terminal/upgrade.ts). */
export function remoteConnect(target: RuntimeTarget): PinnedConnect {
  if (!/^(https|wss):/.test(target.endpoint)) {
    return (_options, oncreate) =>
      refuse(
        oncreate,
        new PlatformError(
          'NODE_CERTIFICATE_MISMATCH',
          `the runtime endpoint ${target.endpoint} is not TLS; remote runtimes are only reached over TLS`,
        ),
      );
  }
  return pinnedConnect(target.certificateSha256 ?? null);
}

/** Opens the request and resolves with the response stream (the caller reads or pipes it). */
export function openRuntime(target: RuntimeTarget, call: RuntimeCall): Promise<IncomingMessage> {
  const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        ...runtimeAddress(target),
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
        error instanceof PlatformError && error.code === 'NODE_CERTIFICATE_MISMATCH'
          ? error
          : new PlatformError(
              'RUNTIME_UNREACHABLE',
              `the allocation's runtime did not answer: ${error.message}`,
              { cause: error },
            ),
      ),
    );
    req.end(payload);
  });
}

/**
 * A JSON call. A refusal of the runtime keeps its code unchanged in `runtime_code` (and in the
 * detail): a launch's is APP_LAUNCH_FAILED, whatever its status (a registry the runtime cannot
 * reach is ARTIFACT_PULL_FAILED, not an unreachable runtime); otherwise 404 is NOT_FOUND, other
 * 4xx APP_LAUNCH_FAILED and 5xx RUNTIME_UNREACHABLE.
 */
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
    const problem = (body ?? {}) as { code?: unknown; detail?: string; message?: string; title?: string };
    const runtimeCode =
      typeof problem.code === 'string' && RUNTIME_CODE.test(problem.code) ? problem.code : undefined;
    const what = `${runtimeCode ?? `HTTP ${status}`}: ${problem.detail ?? problem.message ?? problem.title ?? text.slice(0, 300)}`;
    const relayed = runtimeCode === undefined ? {} : { runtimeCode };
    if (call.launch === true && runtimeCode !== undefined)
      throw new PlatformError(
        'APP_LAUNCH_FAILED',
        `the allocation's runtime refused the launch: ${what}`,
        relayed,
      );
    if (status >= 500) throw new PlatformError('RUNTIME_UNREACHABLE', `the runtime failed: ${what}`, relayed);
    if (status === 404) throw new PlatformError('NOT_FOUND', `the runtime has no app: ${what}`, relayed);
    throw new PlatformError('APP_LAUNCH_FAILED', `the runtime refused: ${what}`, relayed);
  }
  return { status, body: body as T };
}
