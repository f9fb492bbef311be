/**
 * Runs async work after a handler has produced its response but before the response is sent:
 * the audit record and the idempotency record are durable by the time the client sees the
 * answer, so an immediate retry or audit query on any instance finds them.
 */
import type { Response } from 'express';

/**
 * What to send instead of the handler's answer, when a hook finds it cannot stand (the request
 * transaction did not commit). `status` and `problem` are already set on the response by the hook.
 */
export interface Replacement {
  body: string;
  contentType: string;
}

export type BeforeEndHook = (body: Buffer | undefined) => Promise<void | Replacement>;

interface Hooked {
  hooks: BeforeEndHook[];
  onError: (error: unknown) => void;
}

const HOOKED = Symbol('gpuaas.beforeEnd');

/** Registers `hook` on the response; hooks run in registration order, errors go to `onError`. */
export function beforeEnd(res: Response, hook: BeforeEndHook, onError: (error: unknown) => void): void {
  const holder = res as Response & { [HOOKED]?: Hooked };
  const existing = holder[HOOKED];
  if (existing !== undefined) {
    existing.hooks.push(hook);
    return;
  }
  const state: Hooked = { hooks: [hook], onError };
  holder[HOOKED] = state;
  const originalEnd = res.end.bind(res) as (...args: unknown[]) => Response;
  let ending = false;
  (res as { end: (...args: unknown[]) => Response }).end = (...args: unknown[]) => {
    if (ending) return res;
    ending = true;
    const [chunk, encoding] = args;
    const body =
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : Buffer.isBuffer(chunk)
          ? chunk
          : undefined;
    void (async () => {
      let replacement: Replacement | undefined;
      for (const h of state.hooks) {
        try {
          replacement = (await h(body)) ?? replacement;
        } catch (error) {
          state.onError(error);
        }
      }
      if (replacement === undefined) {
        originalEnd(...args);
      } else if (res.headersSent) {
        // The head (the handler's status) is fixed already: cut the connection rather than let the
        // client read an answer for a change that did not happen.
        res.destroy();
      } else {
        for (const name of ['etag', 'location', 'content-length', 'idempotent-replayed'])
          res.removeHeader(name);
        res.setHeader('Content-Type', replacement.contentType);
        originalEnd(replacement.body);
      }
    })();
    return res;
  };
}
