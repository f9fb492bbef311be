/**
 * The console's side of a UI extension: the iframe's sandbox, and the postMessage protocol of
 * manifest-schema/schema/console-messages.schema.json (docs/ui-extensions.md), checked by hand
 * here because the console's CSP allows no compiled validators. Pure functions
 * (extension-protocol.test.ts).
 */

export const PROTOCOL = 'gpuaas.console';
export const VERSION = 1;

/**
 * The iframe's `sandbox` for an extension at `frameUrl`, or undefined when it must not be framed.
 * The extension needs its own origin (its session cookie, its own fetches), so it gets
 * `allow-same-origin` — safe only because that origin is the instance's, never the console's: a
 * page of the console's origin with both allow-scripts and allow-same-origin could lift its own
 * sandbox and act as the console. So anything on the console's origin, or not http(s), is refused.
 */
export function extensionSandbox(frameUrl: string, consoleOrigin: string): string | undefined {
  let url: URL;
  try {
    url = new URL(frameUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.origin === new URL(consoleOrigin).origin) return undefined;
  return 'allow-scripts allow-forms allow-same-origin';
}

export type ConsoleView = 'overview' | 'logs' | 'usage' | 'endpoints' | 'settings';
const VIEWS: readonly ConsoleView[] = ['overview', 'logs', 'usage', 'endpoints', 'settings'];
const LEVELS = ['info', 'success', 'warning', 'error'] as const;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** What an extension may send the console. */
export type ExtensionMessage =
  | { type: 'hello'; id: string; versions: number[] }
  | { type: 'resize'; height: number }
  | { type: 'navigate'; view: ConsoleView }
  | { type: 'toast'; level: (typeof LEVELS)[number]; message: string }
  | { type: 'session-refresh'; id: string };

/** What reading a message gives: one to act on, one to refuse (with the error to answer), or none of ours. */
export type Parsed =
  | { kind: 'message'; message: ExtensionMessage }
  | { kind: 'refused'; code: 'VERSION_UNSUPPORTED' | 'MESSAGE_INVALID'; message: string; replyTo?: string }
  | { kind: 'ignored' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(m: Record<string, unknown>, allowed: readonly string[]): boolean {
  return Object.keys(m).every((k) => ['protocol', 'version', 'type', ...allowed].includes(k));
}

/** Reads a message an extension posted (after its origin and source were checked). */
export function parseExtensionMessage(data: unknown): Parsed {
  if (!isRecord(data) || data.protocol !== PROTOCOL) return { kind: 'ignored' };
  const replyTo = typeof data.id === 'string' && ID.test(data.id) ? data.id : undefined;
  const invalid = (why: string): Parsed => ({
    kind: 'refused',
    code: 'MESSAGE_INVALID',
    message: why,
    ...(replyTo === undefined ? {} : { replyTo }),
  });
  if (data.version !== VERSION) {
    // A hello may offer several versions: ours among them is enough.
    const offers = data.type === 'hello' && Array.isArray(data.versions) && data.versions.includes(VERSION);
    if (!offers) {
      return {
        kind: 'refused',
        code: 'VERSION_UNSUPPORTED',
        message: `this console speaks version ${VERSION}`,
        ...(replyTo === undefined ? {} : { replyTo }),
      };
    }
  }
  switch (data.type) {
    case 'hello': {
      const versions = data.versions;
      if (replyTo === undefined || !Array.isArray(versions) || !onlyKeys(data, ['id', 'versions']))
        return invalid('hello needs an id and versions');
      if (!versions.every((v) => Number.isInteger(v) && (v as number) >= 1)) return invalid('bad versions');
      if (!versions.includes(VERSION))
        return {
          kind: 'refused',
          code: 'VERSION_UNSUPPORTED',
          message: `this console speaks version ${VERSION}`,
          replyTo,
        };
      return { kind: 'message', message: { type: 'hello', id: replyTo, versions: versions as number[] } };
    }
    case 'resize': {
      const h = data.height;
      if (!Number.isInteger(h) || (h as number) < 0 || (h as number) > 100_000 || !onlyKeys(data, ['height']))
        return invalid('resize needs a height of 0 to 100000');
      return { kind: 'message', message: { type: 'resize', height: h as number } };
    }
    case 'navigate': {
      const view = VIEWS.find((v) => v === data.view);
      if (view === undefined || !onlyKeys(data, ['view'])) return invalid('navigate needs a console view');
      return { kind: 'message', message: { type: 'navigate', view } };
    }
    case 'toast': {
      const level = LEVELS.find((l) => l === data.level);
      const message = data.message;
      if (
        level === undefined ||
        typeof message !== 'string' ||
        message.length < 1 ||
        message.length > 280 ||
        !onlyKeys(data, ['level', 'message'])
      )
        return invalid('toast needs a level and a message of 1 to 280 characters');
      return { kind: 'message', message: { type: 'toast', level, message } };
    }
    case 'session-refresh':
      if (replyTo === undefined || !onlyKeys(data, ['id'])) return invalid('session-refresh needs an id');
      return { kind: 'message', message: { type: 'session-refresh', id: replyTo } };
    default:
      return invalid('unknown message type');
  }
}

/** A console → extension message, protocol fields included. */
export function consoleMessage<T extends Record<string, unknown>>(
  body: T,
): T & { protocol: string; version: number } {
  return { protocol: PROTOCOL, version: VERSION, ...body };
}

/** The frame height asked for, kept within what the console lays out. */
export function frameHeight(asked: number): number {
  return Math.min(2000, Math.max(200, Math.round(asked)));
}
