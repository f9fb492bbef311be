/* eslint-disable */
// Generated from manifest-schema/schema/console-messages.schema.json by `npm run codegen`. Do not edit.

/**
 * What the platform console and an app's console UI extension (an endpoint with `ui` in gpuaas-app.yaml, served in an iframe from its instance origin) send each other with window.postMessage. Every message carries `protocol: "gpuaas.console"` and the protocol `version` it is written in; a receiver ignores messages of another protocol, answers a version it does not speak with `error` (code VERSION_UNSUPPORTED), and checks `event.origin` (the console: the instance origin; the extension: its parent's origin, `location.ancestorOrigins[0]`) and `event.source` before reading anything. docs/ui-extensions.md describes the exchange.
 */
export type ConsoleMessage =
  Hello | Welcome | Resize | Navigate | Toast | SessionRefresh | Session | Theme | ErrorReply;
/**
 * Marks a message of this protocol among whatever else a window receives.
 */
export type Protocol = 'gpuaas.console';
/**
 * The protocol version the message is written in. This schema describes version 1.
 */
export type Version = number;
/**
 * Chosen by the sender of a request; the answer carries it as `replyTo`.
 */
export type Id = string;
/**
 * The console's colour scheme.
 */
export type ThemeName = 'light' | 'dark';

/**
 * Extension → console, once its page has loaded: the protocol versions it speaks. The console answers `welcome`; it sends nothing before.
 */
export interface Hello {
  protocol: Protocol;
  version: Version;
  /**
   * The message type.
   */
  type: 'hello';
  id: Id;
  /**
   * Every protocol version the extension speaks.
   *
   * @minItems 1
   *
   * Items: A protocol version.
   */
  versions: [number, ...number[]];
}
/**
 * Console → extension, answering `hello`: the version both use from now on and what the extension may adapt to.
 */
export interface Welcome {
  protocol: Protocol;
  version: Version;
  /**
   * The message type.
   */
  type: 'welcome';
  replyTo: Id;
  theme: ThemeName;
  /**
   * The console's language, a BCP 47 tag.
   */
  locale: string;
  /**
   * The app instance (allocation) the extension belongs to.
   */
  allocationId: string;
}
/**
 * Extension → console: the height its content needs, so the console sizes the iframe (within its own limits).
 */
export interface Resize {
  protocol: Protocol;
  version: Version;
  /**
   * The message type.
   */
  type: 'resize';
  /**
   * CSS pixels.
   */
  height: number;
}
/**
 * Extension → console: asks the console to show one of its own views of this instance. The console never navigates to a URL an extension gives.
 */
export interface Navigate {
  protocol: Protocol;
  version: Version;
  /**
   * The message type.
   */
  type: 'navigate';
  /**
   * The console's view of the app instance to open.
   */
  view: 'overview' | 'logs' | 'usage' | 'endpoints' | 'settings';
}
/**
 * Extension → console: a short notice the console shows as its own toast, labelled with the app's name.
 */
export interface Toast {
  protocol: Protocol;
  version: Version;
  /**
   * The message type.
   */
  type: 'toast';
  /**
   * How the console styles it.
   */
  level: 'info' | 'success' | 'warning' | 'error';
  /**
   * Plain text (never rendered as HTML).
   */
  message: string;
}
/**
 * Extension → console: its session (the instance token, valid 5 minutes) ends soon or has ended; asks for a new one-time sign-in code. The console answers `session` or `error`.
 */
export interface SessionRefresh {
  protocol: Protocol;
  version: Version;
  /**
   * The message type.
   */
  type: 'session-refresh';
  id: Id;
}
/**
 * Console → extension, answering `session-refresh`: a fresh sign-in URL on the extension's own origin (single use, valid 60 seconds). The extension fetches it same-origin (`fetch(signinUrl, { credentials: 'same-origin' })`), which renews its session cookie.
 */
export interface Session {
  protocol: Protocol;
  version: Version;
  /**
   * The message type.
   */
  type: 'session';
  replyTo: Id;
  /**
   * `<instance origin>/.gpuaas/signin?code=…`.
   */
  signinUrl: string;
  /**
   * When the code expires.
   */
  expiresAt: string;
}
/**
 * Console → extension: the user switched the console's theme.
 */
export interface Theme {
  protocol: Protocol;
  version: Version;
  /**
   * The message type.
   */
  type: 'theme';
  theme: ThemeName;
}
/**
 * Either way: a request could not be served (`replyTo` names it), or a message was not understood.
 */
export interface ErrorReply {
  protocol: Protocol;
  version: Version;
  /**
   * The message type.
   */
  type: 'error';
  replyTo?: Id;
  /**
   * VERSION_UNSUPPORTED: no common protocol version; MESSAGE_INVALID: not valid against this schema; SESSION_REFUSED: the platform gave no new code (the user lost access, the app stopped); NOT_ALLOWED: the console does not do that for extensions.
   */
  code: 'VERSION_UNSUPPORTED' | 'MESSAGE_INVALID' | 'SESSION_REFUSED' | 'NOT_ALLOWED';
  /**
   * For people, not for programs: branch on `code`.
   */
  message: string;
}
