/**
 * Web terminal client (`@gpuaas/sdk/terminal`): the `gpuaas.terminal.v1` protocol, a session
 * over a WebSocket, and helpers that connect a session to the local terminal or stream a command.
 */
export {
  TERMINAL_CLOSE,
  TERMINAL_DEFAULT_COLS,
  TERMINAL_DEFAULT_ROWS,
  TERMINAL_DEFAULT_TERM,
  TERMINAL_HIGH_WATER_MARK,
  TERMINAL_LOW_WATER_MARK,
  TERMINAL_MAX_SIZE,
  TERMINAL_SUBPROTOCOL,
  TERMINAL_TOKEN_PROTOCOL_PREFIX,
  isTerminalSize,
  parseTerminalClientMessage,
  parseTerminalServerMessage,
} from './protocol.js';
export type { TerminalClientMessage, TerminalServerMessage } from './protocol.js';
export { openTerminal, terminalError } from './client.js';
export type {
  OpenTerminalOptions,
  TerminalExit,
  TerminalSession,
  WebSocketConstructor,
  WebSocketLike,
} from './client.js';
export { attachTty, execCommand, exitStatusOf } from './attach.js';
export type { AttachTtyOptions, ExecCommandOptions, TerminalInput, TerminalOutput } from './attach.js';
