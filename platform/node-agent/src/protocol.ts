/**
 * The platform ↔ node agent protocol (docs/allocations.md, "Nodes and the node agent"): the agent registers its inventory, then
 * heartbeats the states it observes and gets back the states the platform wants. The transport is
 * an interface so the agent loop runs against an in-memory fake in tests and against the REST API
 * (`httpAgentTransport`) in production.
 */
import { createPlatformClient, isApiError, isSdkError } from '@gpuaas/sdk';
import type { ClientRetryOptions, PlatformClientOptions, TokenProvider } from '@gpuaas/sdk';
import type { components } from '@gpuaas/platform-contract';
import { NodeAgentError } from './errors.js';
import { AGENT_VERSION } from './version.js';

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

/**
 * How the agent reaches the platform. Refusals reject with the SDK's `ApiError` (the platform's
 * `code`, `status`, `correlationId`), an unreachable platform with `SdkError` API_UNREACHABLE.
 */
export interface AgentTransport {
  register(body: RegisterNodeBody): Promise<RegisteredNode>;
  heartbeat(nodeId: string, body: HeartbeatBody): Promise<HeartbeatResponse>;
}

export interface HttpAgentTransportOptions {
  /** The platform's base URL, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /**
   * Bearer tokens with scope `nodes:agent` (or an operator's): asked for on every attempt, and
   * with `forceRefresh` once when the platform answers TOKEN_EXPIRED.
   */
  tokenProvider: TokenProvider;
  /** Per attempt; a hung platform must not stall the heartbeat loop forever (default 15 s). */
  timeoutMs?: number;
  /** The request sender's retries (default: 3 retries, backoff from 250 ms with jitter). */
  retry?: ClientRetryOptions;
  fetch?: PlatformClientOptions['fetch'];
  /** Replaced in tests to observe the backoff waits. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The REST transport: `POST /v1/nodes` and `POST /v1/nodes/{node_id}/heartbeat` through the SDK's
 * request sender, which owns the bearer token (refreshed on TOKEN_EXPIRED), the correlation id,
 * one Idempotency-Key per call kept across its retries (a registration or heartbeat whose answer
 * was lost is replayed by the platform, not applied twice) and retries with backoff on connection
 * errors, 429 and 5xx.
 */
export function httpAgentTransport(options: HttpAgentTransportOptions): AgentTransport {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const send =
    options.fetch ??
    ((request: Request, init?: { signal?: AbortSignal | undefined }) => fetch(request, init));
  const client = createPlatformClient({
    baseUrl: options.baseUrl,
    tokenProvider: options.tokenProvider,
    retry: options.retry,
    sleep: options.sleep,
    userAgent: `gpuaas-node-agent/${AGENT_VERSION} node/${process.versions.node}`,
    // Each attempt gets its own deadline, so a timed-out attempt is retried like a lost connection.
    fetch: (request, init) => {
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = init?.signal === undefined ? timeout : AbortSignal.any([init.signal, timeout]);
      return send(request, { signal });
    },
  });

  return {
    async register(body) {
      const { data } = await client.api.POST('/v1/nodes', { body });
      const node = answered(data, 'POST /v1/nodes');
      return { id: node.id, name: node.name };
    },
    async heartbeat(nodeId, body) {
      const { data } = await client.api.POST('/v1/nodes/{node_id}/heartbeat', {
        params: { path: { node_id: nodeId } },
        body,
      });
      return answered(data, 'POST /v1/nodes/{node_id}/heartbeat');
    },
  };
}

/** The sender throws on every refusal, so a missing body is a 2xx without JSON: a proxy in the way. */
function answered<T>(data: T | undefined, what: string): T {
  if (data === undefined)
    throw new NodeAgentError('ANSWER_INVALID', `${what}: the platform answered without a JSON body`);
  return data;
}

/** Whether another instance may answer what this one could not: unreachable, or a 5xx after retries. */
function instanceDown(error: unknown): boolean {
  return (
    (isSdkError(error) && error.code === 'API_UNREACHABLE') || (isApiError(error) && error.status >= 500)
  );
}

/**
 * Several platform instances behind one transport: calls go to the instance that answered last,
 * and move on to the next when it is down (each transport has retried its own). Any instance
 * serves any node, since everything is in the shared database, so a restarted or lost instance
 * costs the agent one failover, not its allocations. Refusals (4xx) are answers and pass through.
 */
export function failoverTransport(
  transports: readonly AgentTransport[],
  onFailover?: (from: number, to: number, error: unknown) => void,
): AgentTransport {
  if (transports.length === 0) throw new NodeAgentError('CONFIG_INVALID', 'no platform URL to connect to');
  let current = 0;
  const call = async <T>(send: (t: AgentTransport) => Promise<T>): Promise<T> => {
    let lastError: unknown;
    for (let tried = 0; tried < transports.length; tried += 1) {
      const index = (current + tried) % transports.length;
      try {
        const answer = await send(transports[index] as AgentTransport);
        current = index;
        return answer;
      } catch (error) {
        if (!instanceDown(error)) throw error;
        lastError = error;
        if (transports.length > 1) onFailover?.(index, (index + 1) % transports.length, error);
      }
    }
    throw lastError;
  };
  return {
    register: (body) => call((t) => t.register(body)),
    heartbeat: (nodeId, body) => call((t) => t.heartbeat(nodeId, body)),
  };
}
