/**
 * The platform ↔ node agent protocol (docs/allocations.md, "Nodes and the node agent"): the agent registers its inventory, then
 * heartbeats the states it observes and gets back the states the platform wants. The transport is
 * an interface so the agent loop runs against an in-memory fake in tests and against the REST API
 * (`httpAgentTransport`) in production.
 */
import { PLATFORM_ERRORS, PlatformError } from '../../errors.js';
import type { components } from '@gpuaas/platform-contract';
import type { PlatformErrorCode } from '../../errors.js';

// The protocol's shapes are the contract's (openapi.yaml): never a copy kept here.
type Schemas = components['schemas'];
export type RegisterGpu = Schemas['InventoryGpu'];
export type RegisterNodeBody = Schemas['NodeRegistration'];
/** What the agent keeps of its registration. */
export type RegisteredNode = Pick<Schemas['Node'], 'id' | 'name'>;
export type ObservedState = Schemas['ObservedAllocation']['state'];
export type AllocationReport = Schemas['ObservedAllocation'];
export type HeartbeatBody = Schemas['Heartbeat'];
export type AssignmentGpu = Schemas['Assignment']['gpus'][number];
export type Assignment = Schemas['Assignment'];
export type HeartbeatResponse = Schemas['HeartbeatReply'];

export interface AgentTransport {
  register(body: RegisterNodeBody): Promise<RegisteredNode>;
  heartbeat(nodeId: string, body: HeartbeatBody): Promise<HeartbeatResponse>;
}

export interface HttpAgentTransportOptions {
  /** The platform's base URL, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** A bearer token with scope `nodes:agent` (or an operator's); asked for on every request. */
  token: () => Promise<string> | string;
  /** Per-request timeout; a hung platform must not stall the heartbeat loop forever. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The REST transport: `POST /v1/nodes` and `POST /v1/nodes/{id}/heartbeat`. */
export function httpAgentTransport(options: HttpAgentTransportOptions): AgentTransport {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function post<T>(path: string, body: unknown): Promise<T> {
    const url = `${base}${path}`;
    const token = await options.token();
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new PlatformError('NOT_READY', `POST ${url}: platform unreachable: ${message}`, { cause: error });
    }
    const text = await response.text();
    if (!response.ok) throw problemError(`POST ${url}`, response.status, text);
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new PlatformError('INTERNAL', `POST ${url}: response is not JSON: ${text.slice(0, 200)}`, {
        cause: error,
      });
    }
  }

  return {
    register: (body) => post<RegisteredNode>('/v1/nodes', body),
    heartbeat: (nodeId, body) =>
      post<HeartbeatResponse>(`/v1/nodes/${encodeURIComponent(nodeId)}/heartbeat`, body),
  };
}

/**
 * The platform's errors are PlatformErrors of the same catalog, so a problem+json answer becomes
 * one again (same code, so the agent can branch on NOT_FOUND after a node was deleted).
 */
function problemError(what: string, status: number, text: string): PlatformError {
  let code: PlatformErrorCode = status === 404 ? 'NOT_FOUND' : 'INTERNAL';
  let detail = text.slice(0, 500);
  try {
    const problem = JSON.parse(text) as { code?: unknown; detail?: unknown; title?: unknown };
    if (typeof problem.code === 'string' && problem.code in PLATFORM_ERRORS) {
      code = problem.code as PlatformErrorCode;
    }
    const parts = [problem.code, problem.title, problem.detail].filter((p) => typeof p === 'string');
    if (parts.length > 0) detail = parts.join(': ');
  } catch {
    // Not problem+json (a proxy's HTML page, say): the raw text is the best detail there is.
  }
  return new PlatformError(code, `${what} failed with HTTP ${status}: ${detail}`);
}
