/**
 * The runtime's app events (runtime/src/app/events.ts, streamed by `GET /v1/app/events`) as the
 * platform's `app_instance.*` events. The runtime runs inside the tenant's allocation, so what it
 * sends is checked and bounded here before anything is stored: names must look like names, text
 * is cut, a hook's output keeps its last lines only (the runtime has redacted secret parameters
 * from them already). Each event carries the key its id is derived from (instance-events.ts), the
 * same on every platform instance that follows the runtime.
 */
import type { AppInstanceEventType } from './instance-events.js';

/** The most lines of a failed hook's output an event carries. */
export const HOOK_LAST_LINES = 20;
const MAX_TEXT = 1000;
/** A state, hook or probe name: the runtime's vocabulary may grow, its shape may not. */
const NAME = /^[a-z][a-z_]{0,31}$/;
/** A version as manifests write them (semver and the like), nothing that could carry markup. */
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/;
const SIGNAL = /^SIG[A-Z0-9]{1,12}$/;
const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const UPGRADE_OUTCOMES = new Set(['succeeded', 'rolled_back', 'failed', 'stopped']);

export interface TranslatedEvent {
  type: AppInstanceEventType;
  data: Record<string, unknown>;
  /** The app version the runtime said it is about, when it said one. */
  version: string | undefined;
  once: { key: string; at: number };
  /** Keys under which the same change may be recorded already (a state read off a snapshot). */
  seenAs?: { key: string; at: number }[];
  /** The runtime began fetching a new app: what follows belongs to a launch not recorded yet. */
  startsLaunch?: true;
}

type Json = Record<string, unknown>;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? (value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value) : undefined;
const name = (value: unknown): string | undefined =>
  typeof value === 'string' && NAME.test(value) ? value : undefined;
const version = (value: unknown): string | undefined =>
  typeof value === 'string' && VERSION.test(value) ? value : undefined;
const timeOf = (value: unknown): number | undefined => {
  const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(at) && at > 0 ? at : undefined;
};

/**
 * Follows one runtime's stream (per allocation: a runtime runs one app at a time) and remembers
 * what the platform needs across messages: the last state and the version.
 */
export class RuntimeEventTranslator {
  readonly #scope: string;
  #state: string | undefined;
  #version: string | undefined;

  /** `scope`: the allocation, which keys every event of its runtime. */
  constructor(scope: string) {
    this.#scope = scope;
  }

  get state(): string | undefined {
    return this.#state;
  }

  /**
   * The status document the stream opens with: a change the platform may have missed (the state
   * the app is in, how its last upgrade ended), keyed as the live event was.
   */
  snapshot(message: Json): TranslatedEvent[] {
    const state = name(message.state);
    if (state === undefined) return [];
    const app = message.app as Json | undefined;
    this.#version = version(app?.version) ?? this.#version;
    const previous = this.#state;
    this.#state = state;
    const events: TranslatedEvent[] = [];
    const since = timeOf(message.since);
    if (previous !== state && since !== undefined && state !== 'idle') {
      const key = (at: number) => ({ key: this.#stateKey(state, at), at });
      events.push({
        type: 'app_instance.state_changed',
        data: { from: previous ?? null, to: state, ...reasonOf(message) },
        version: this.#version,
        once: key(since),
        // The live event was stamped a moment after `since` was taken.
        seenAs: [0, 1, 2].map((ms) => key(since + ms)),
        ...(state === 'fetching' && { startsLaunch: true as const }),
      });
    }
    const upgrade = message.last_upgrade as Json | undefined;
    const upgradedAt = timeOf(upgrade?.time);
    if (upgrade !== undefined && upgradedAt !== undefined) {
      events.push(...this.#upgradeEvent(upgrade, upgradedAt));
    }
    return events;
  }

  /** One live event; those the platform does not republish (logs, app status) give nothing. */
  event(message: Json): TranslatedEvent[] {
    const at = timeOf(message.time);
    if (at === undefined) return [];
    const eventVersion = version(message.version);
    if (eventVersion !== undefined) this.#version = eventVersion;
    switch (message.type) {
      case 'state':
        return this.#stateEvent(message, at);
      case 'hook':
        return this.#hookEvent(message, at);
      case 'probe':
        return this.#probeEvent(message, at);
      case 'upgrade':
        return this.#upgradeEvent(message, at);
      default:
        return [];
    }
  }

  #stateEvent(message: Json, at: number): TranslatedEvent[] {
    const to = name(message.state);
    if (to === undefined) return [];
    const from = name(message.previous) ?? (to === 'fetching' ? undefined : this.#state);
    this.#state = to;
    if (from === to) return [];
    return [
      {
        type: 'app_instance.state_changed',
        data: { from: from ?? null, to, ...reasonOf(message) },
        version: this.#version,
        once: { key: this.#stateKey(to, at), at },
        ...(to === 'fetching' && { startsLaunch: true as const }),
      },
    ];
  }

  /** The runtime says how an upgrade ended (after the state changes that were its steps). */
  #upgradeEvent(message: Json, at: number): TranslatedEvent[] {
    const outcome = typeof message.outcome === 'string' ? message.outcome : '';
    if (!UPGRADE_OUTCOMES.has(outcome)) return [];
    const from = version(message.from) ?? null;
    const to = version(message.to) ?? null;
    const reason = text(message.reason);
    const code = typeof message.code === 'string' && CODE.test(message.code) ? message.code : undefined;
    return [
      {
        type: 'app_instance.upgraded',
        data: {
          from_version: from,
          to_version: to,
          outcome,
          ...(reason === undefined ? {} : { reason }),
          ...(code === undefined ? {} : { code }),
        },
        version: this.#version,
        once: { key: `${this.#scope}|upgraded|${from}|${to}|${at}`, at },
      },
    ];
  }

  #hookEvent(message: Json, at: number): TranslatedEvent[] {
    const hook = name(message.hook);
    if (hook === undefined || message.ok !== false) return [];
    const exitCode =
      typeof message.exit_code === 'number' && Number.isInteger(message.exit_code) ? message.exit_code : null;
    const tail = Array.isArray(message.tail) ? message.tail : [];
    const lastLines = tail
      .slice(-HOOK_LAST_LINES)
      .flatMap((line) => (typeof line === 'string' ? [text(line) ?? ''] : []));
    return [
      {
        type: 'app_instance.hook_failed',
        data: {
          hook,
          exit_code: exitCode,
          last_lines: lastLines,
          timed_out: message.timed_out === true,
          ...(typeof message.signal === 'string' && SIGNAL.test(message.signal)
            ? { signal: message.signal }
            : {}),
        },
        version: version(message.version),
        once: { key: `${this.#scope}|hook|${hook}|${at}`, at },
      },
    ];
  }

  #probeEvent(message: Json, at: number): TranslatedEvent[] {
    const probe = name(message.probe);
    if (probe === undefined || typeof message.ok !== 'boolean') return [];
    const status =
      typeof message.status === 'number' && Number.isInteger(message.status) ? message.status : undefined;
    const detail = text(message.message);
    return [
      {
        type: 'app_instance.probe_changed',
        data: {
          probe,
          healthy: message.ok,
          ...(status === undefined ? {} : { status }),
          ...(detail === undefined ? {} : { message: detail }),
        },
        version: this.#version,
        once: { key: `${this.#scope}|probe|${probe}|${message.ok}|${at}`, at },
      },
    ];
  }

  #stateKey(state: string, at: number): string {
    return `${this.#scope}|state|${state}|${at}`;
  }
}

function reasonOf(message: Json): { reason?: string } {
  const reason = text(message.reason);
  return reason === undefined || reason === '' ? {} : { reason };
}
