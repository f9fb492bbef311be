/**
 * One subscriber of the event stream (SSE or WebSocket): hands it the events it asked for and may
 * see, in arrival order, and keeps checking that it still may. Its standing is re-read (operator
 * flag, service account revoked or rotated, creator's role) and its project access re-checked
 * when an `access.changed` event may concern it and every RECHECK_MS besides (changes made outside
 * the API, an instance that died before publishing). When it lost access to what it was reading
 * (the project it filtered on, a project whose events it received, its operator flag, its token)
 * the stream is closed: the caller may reconnect and get what it may still see.
 */
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import type { Tables } from '../db/schema.js';
import { PlatformError, isPlatformError } from '../errors.js';
import { isOperator, projectAccess } from '../identity/access.js';
import type { Logger } from '../logger.js';
import { accessChangeSubject } from './access.js';
import type { EventBus, PlatformEvent } from './bus.js';

/** The longest an open stream goes without re-checking its subscriber's access. */
export const RECHECK_MS = 15_000;

export interface EventSubscriptionOptions {
  db: Kysely<Tables>;
  bus: EventBus;
  logger: Logger;
  principal: Principal;
  /** The principal as the database has it now; throws a PlatformError when it no longer stands. */
  refresh(principal: Principal): Promise<Principal>;
  /** Event types wanted (all when empty). */
  types: string[];
  /** Only this project's events (any the caller may see when undefined). */
  projectId: string | undefined;
  write(event: PlatformEvent): void;
  /** Ends the stream, once, because access ended. */
  close(reason: PlatformError): void;
  recheckMs?: number;
}

export interface EventSubscription {
  /** Hands an event to the subscriber as the bus would (replays after Last-Event-ID). */
  offer(event: PlatformEvent): void;
  stop(): void;
}

export function subscribeEvents(options: EventSubscriptionOptions): EventSubscription {
  const { db, projectId, types } = options;
  let principal = options.principal;
  let visible = new Map<string, Promise<boolean>>();
  /** Projects whose events this subscriber received: losing one of them ends the stream. */
  const received = new Set<string>();
  let closed = false;
  let chain = Promise.resolve();

  const canSee = (project: string | null): Promise<boolean> => {
    if (isOperator(principal)) return Promise.resolve(true);
    if (project === null) return Promise.resolve(false);
    let answer = visible.get(project);
    if (answer === undefined) {
      answer = projectAccess(db, principal, project, 'viewer').then(
        () => true,
        () => false,
      );
      visible.set(project, answer);
    }
    return answer;
  };

  const end = (reason: PlatformError) => {
    if (closed) return;
    closed = true;
    stop();
    options.close(reason);
  };

  /** `about`: the project an access change named, checked even if none of its events came yet. */
  const recheck = async (about: string | null = null) => {
    let next: Principal;
    try {
      next = await options.refresh(principal);
    } catch (error) {
      if (!isPlatformError(error)) throw error;
      end(error);
      return;
    }
    if (isOperator(principal) && !isOperator(next)) {
      end(new PlatformError('FORBIDDEN', 'the operator flag was removed: reconnect to see what you may'));
      return;
    }
    principal = next;
    visible = new Map();
    const kept = new Set(received);
    for (const project of [
      projectId,
      about,
      principal.type === 'service_account' ? principal.projectId : null,
    ]) {
      if (project !== undefined && project !== null) kept.add(project);
    }
    for (const project of kept) {
      if (!(await canSee(project))) {
        end(new PlatformError('FORBIDDEN', `your access to project ${project} ended`));
        return;
      }
    }
  };

  const mayConcern = (event: PlatformEvent): boolean => {
    const subject = accessChangeSubject(event);
    if (subject === undefined) return false;
    if (principal.type === 'user') return subject === `user:${principal.id}`;
    // A service account also acts with its creator's role: any change in its project may matter.
    return (
      subject === `sa:${principal.id}` ||
      event.project_id === principal.projectId ||
      event.project_id === null
    );
  };

  const enqueue = (work: () => Promise<void>) => {
    chain = chain
      .then(async () => {
        if (!closed) await work();
      })
      .catch((error: unknown) => options.logger.warn({ err: error }, 'event stream re-authorisation failed'));
  };

  const offer = (event: PlatformEvent) =>
    enqueue(async () => {
      if (mayConcern(event)) await recheck(event.project_id);
      if (closed) return;
      if (types.length > 0 && !types.includes(event.type)) return;
      if (projectId !== undefined && event.project_id !== projectId) return;
      if (!(await canSee(event.project_id))) return;
      if (event.project_id !== null) received.add(event.project_id);
      options.write(event);
    });

  const unsubscribe = options.bus.subscribe(offer);
  const timer = setInterval(() => enqueue(() => recheck()), options.recheckMs ?? RECHECK_MS);
  timer.unref();
  function stop() {
    clearInterval(timer);
    unsubscribe();
  }
  return {
    offer,
    stop() {
      closed = true;
      stop();
    },
  };
}
