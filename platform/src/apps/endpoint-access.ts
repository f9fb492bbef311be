/**
 * The endpoint relay's access decision, remembered for a moment. Deciding needs the caller's
 * standing (a service account's row and its creator's role) and the allocation with the caller's
 * role in its project (apps/endpoint-proxy.ts endpointRuntime): database reads that cost more than
 * relaying a small request. An app's client sends many requests in a row with one token to one
 * allocation, so the decision is kept per (token, allocation) — one token names one subject, so
 * this is the subject's decision for that allocation, without letting another token of the same
 * subject (one issued before a secret rotation, say) ride on it.
 *
 * Why this is safe:
 * - an entry lives at most ENDPOINT_ACCESS_TTL_MS (1 s), less than the 5 s for which every
 *   instance already honours a user's cached standing (auth/standing.ts USER_CACHE_TTL_MS), and in
 *   the same range as the event bus's cross-instance delivery;
 * - on this instance it is dropped at once when the allocation changes state (a release, a node
 *   lost) or anyone's access changes (a member removed or demoted, a service account revoked or
 *   rotated, the operator flag): those events reach this instance's bus, and other instances' too
 *   within a poll, while any entry exists (the subscription lasts as long as the entries do);
 * - only grants are kept: a refusal is decided afresh every time, so access given is seen at once;
 * - the token itself is still verified on every request (signature and expiry, TokenService).
 */
import type { Kysely } from 'kysely';
import type { RuntimeTarget } from '../allocations/runtime-client.js';
import type { Principal } from '../auth/principal.js';
import { currentStanding } from '../auth/standing.js';
import type { UserDirectory } from '../auth/standing.js';
import type { Tables } from '../db/schema.js';
import { ACCESS_CHANGED } from '../events/access.js';
import type { EventBus, PlatformEvent } from '../events/bus.js';
import { endpointRuntime } from './endpoint-proxy.js';

/** The longest an access decision is reused. */
export const ENDPOINT_ACCESS_TTL_MS = 1_000;
const ENTRY_LIMIT = 10_000;
/** Events after which decisions about one allocation no longer hold. */
const ALLOCATION_EVENTS = new Set(['allocation.state_changed', 'allocation.node_unreachable']);

export interface EndpointDecision {
  /** The caller with their standing now (operator flag, a service account's acting role). */
  principal: Principal;
  target: RuntimeTarget;
}

interface Entry {
  allocationId: string;
  until: number;
  decision: Promise<EndpointDecision>;
}

export interface EndpointAccessOptions {
  db: Kysely<Tables>;
  users: UserDirectory;
  /** Where releases and access changes are announced; without it entries only expire. */
  bus?: Pick<EventBus, 'subscribe'>;
  ttlMs?: number;
  now?: () => number;
}

export class EndpointAccessCache {
  readonly #options: EndpointAccessOptions;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  #unsubscribe: (() => void) | undefined;
  #sweeper: NodeJS.Timeout | undefined;

  constructor(options: EndpointAccessOptions) {
    this.#options = options;
    this.#ttlMs = options.ttlMs ?? ENDPOINT_ACCESS_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The decision for `verified` (what `token` was verified as) reaching the endpoints of
   * `allocationId`: reused within the TTL, else decided now (concurrent callers share one
   * decision). Rejects as endpointRuntime does.
   */
  decide(token: string, verified: Principal, allocationId: string): Promise<EndpointDecision> {
    const key = `${allocationId}\u0000${token}`;
    const now = this.#now();
    const hit = this.#entries.get(key);
    if (hit !== undefined && hit.until > now) return hit.decision;
    const decision = this.#decideNow(verified, allocationId);
    const entry: Entry = { allocationId, until: now + this.#ttlMs, decision };
    if (this.#entries.size >= ENTRY_LIMIT) this.#entries.clear();
    this.#entries.set(key, entry);
    this.#watch();
    // A refusal is not kept: whatever changes next is seen by the next request.
    decision.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return decision;
  }

  /** How many decisions are held (for tests). */
  get size(): number {
    return this.#entries.size;
  }

  /** Forgets everything and stops listening. */
  close(): void {
    this.#entries.clear();
    this.#stopWatching();
  }

  async #decideNow(verified: Principal, allocationId: string): Promise<EndpointDecision> {
    const { db, users } = this.#options;
    const principal = await currentStanding(db, users, verified);
    const { target } = await endpointRuntime(db, principal, allocationId);
    return { principal, target };
  }

  /** Listens for invalidating events while there are entries; sweeps expired ones meanwhile. */
  #watch(): void {
    if (this.#sweeper !== undefined) return;
    this.#unsubscribe = this.#options.bus?.subscribe((event) => this.#forget(event));
    this.#sweeper = setInterval(() => this.#sweep(), this.#ttlMs);
    this.#sweeper.unref();
  }

  #stopWatching(): void {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) if (entry.until <= now) this.#entries.delete(key);
    if (this.#entries.size === 0) this.#stopWatching();
  }

  #forget(event: PlatformEvent): void {
    // Rare, and a demoted creator also demotes the service accounts it made: start over.
    if (event.type === ACCESS_CHANGED) {
      this.#entries.clear();
      return;
    }
    if (!ALLOCATION_EVENTS.has(event.type)) return;
    const allocationId = event.data.allocation_id ?? event.subject.slice('allocation/'.length);
    for (const [key, entry] of this.#entries)
      if (entry.allocationId === allocationId) this.#entries.delete(key);
  }
}
