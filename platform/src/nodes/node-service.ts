/**
 * Nodes for operators (people with the operator flag, or an agent's operator token limited to
 * `nodes:agent`): listing, cordoning, draining, and the node-agent protocol (registration and
 * heartbeats). Whatever frees or adds capacity wakes the scheduler.
 */
import type { components } from '@gpuaas/platform-contract';
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import type { KeysetPage } from '../db/keyset.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { isOperator } from '../identity/access.js';
import { isoTime } from '../ids.js';
import type { Logger } from '../logger.js';
import { NodeCredentialService } from './credentials.js';
import { heartbeat } from './heartbeat.js';
import { registerNode } from './nodes.js';
import type { Assignment, ObservedAllocation, Registration } from './nodes.js';
import type { AllocationService } from '../allocations/service.js';
import { nodeView, requireNode } from '../allocations/views.js';
import type { NodeRow } from '../allocations/views.js';

type Node = components['schemas']['Node'];

export interface NodeServiceDeps {
  db: Kysely<Tables>;
  compute: AllocationService;
  logger: Logger;
  /** How often agents should beat (told to them in every reply). */
  heartbeatIntervalMs: number;
  provisioningTimeoutSeconds: number;
}

export class NodeService {
  /** Issuing, rotating and revoking the credentials remote agents authenticate with. */
  readonly credentials: NodeCredentialService;
  readonly #deps: NodeServiceDeps;

  constructor(deps: NodeServiceDeps) {
    this.#deps = deps;
    this.credentials = new NodeCredentialService({ db: deps.db });
  }

  /** A page of nodes by id (`limit + 1` rows). */
  async list(principal: Principal, page: KeysetPage): Promise<NodeRow[]> {
    requireOperator(principal, 'list nodes');
    let query = this.#deps.db
      .selectFrom('nodes')
      .selectAll()
      .orderBy('id')
      .limit(page.limit + 1);
    if (page.after !== undefined) query = query.where('id', '>', page.after);
    return query.execute();
  }

  /** A node as the API shows it (its GPUs and allocations). */
  view(node: NodeRow): Promise<Node> {
    return nodeView(this.#deps.db, node);
  }

  async get(principal: Principal, id: string): Promise<Node> {
    requireOperator(principal, 'read nodes');
    return this.view(await requireNode(this.#deps.db, id));
  }

  /** Creates the node or updates its inventory (same name → same id). */
  async register(principal: Principal, registration: Registration): Promise<Node> {
    requireOperator(principal, 'register nodes');
    requireBoundTo(principal, registration.name);
    const { db, compute } = this.#deps;
    const node = await registerNode(db, compute.bus, registration);
    void compute.scheduling.trigger();
    return this.view(node);
  }

  /** Applies what the agent observed; answers what the platform wants on the node. */
  async heartbeat(
    principal: Principal,
    nodeId: string,
    observed: ObservedAllocation[],
  ): Promise<{ heartbeat_interval_ms: number; assignments: Assignment[] }> {
    requireOperator(principal, 'send node heartbeats');
    const { db, compute, logger, provisioningTimeoutSeconds, heartbeatIntervalMs } = this.#deps;
    if (principal.type === 'user' && principal.node !== undefined) {
      requireBoundTo(principal, (await requireNode(db, nodeId)).name);
    }
    const { assignments, changed } = await heartbeat(db, compute.bus, nodeId, observed, {
      logger,
      provisioningTimeoutSeconds,
    });
    if (changed) void compute.scheduling.trigger();
    return { heartbeat_interval_ms: heartbeatIntervalMs, assignments };
  }

  /** Cordon (`schedulable: false`: no new allocations) or uncordon. */
  async setSchedulable(principal: Principal, id: string, schedulable: boolean): Promise<Node> {
    requireOperator(principal, schedulable ? 'uncordon nodes' : 'cordon nodes');
    const node = await requireNode(this.#deps.db, id);
    await this.#setSchedulable(node, schedulable);
    if (schedulable) void this.#deps.compute.scheduling.trigger();
    return this.view(await requireNode(this.#deps.db, id));
  }

  /**
   * Cordons the node; with `release`, releases every allocation on it (as `node_drained`), with
   * `wait` leaves them to finish. `remaining` are the allocations still on it.
   */
  async drain(
    principal: Principal,
    id: string,
    mode: components['schemas']['DrainRequest']['mode'],
  ): Promise<components['schemas']['DrainResult']> {
    const operator = requireOperator(principal, 'drain nodes');
    const { db, compute } = this.#deps;
    const node = await requireNode(db, id);
    await this.#setSchedulable(node, false);
    const held = await db
      .selectFrom('allocations')
      .select('id')
      .where('node_id', '=', node.id)
      .where('state', 'in', ['scheduled', 'provisioning', 'running'])
      .orderBy('id')
      .execute();
    const released: string[] = [];
    if (mode === 'release') {
      for (const a of held) {
        await compute.release(a.id, `user:${operator.id}`, 'node_drained');
        released.push(a.id);
      }
    }
    const view = await this.view(await requireNode(db, node.id));
    return { node: view, released, remaining: view.allocations.filter((a) => !released.includes(a)) };
  }

  async #setSchedulable(node: NodeRow, schedulable: boolean): Promise<void> {
    await this.#deps.db
      .updateTable('nodes')
      .set({ schedulable: schedulable ? 1 : 0, updated_at: isoTime(), version: node.version + 1 })
      .where('id', '=', node.id)
      .execute();
  }
}

/** A node credential speaks for its own node only (by name: its id is the platform's to give). */
function requireBoundTo(principal: Principal, nodeName: string): void {
  if (principal.type !== 'user' || principal.node === undefined || principal.node.name === nodeName) return;
  throw new PlatformError(
    'NODE_CREDENTIAL_MISMATCH',
    `node credential ${principal.node.credentialId} is for node "${principal.node.name}", not "${nodeName}"`,
  );
}

function requireOperator(principal: Principal, action: string): Principal {
  if (!isOperator(principal)) throw new PlatformError('FORBIDDEN', `only operators may ${action}`);
  return principal;
}
