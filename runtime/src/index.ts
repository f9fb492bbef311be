export { RUNTIME_ERRORS, RuntimeError, isRuntimeError } from './errors.js';
export type { RuntimeErrorCode } from './errors.js';
export { RUNTIME_SECRET_ENV, defaultShell, startRuntimeServer } from './server.js';
export type { RuntimeServer, RuntimeServerOptions } from './server.js';
export { createRouter, sendError, sendJson } from './routes.js';
export type { RouteContext, Router, RuntimeRoute } from './routes.js';
export { bearerCheck } from './auth.js';
export { main } from './cli/main.js';
export type { RuntimeCliIo } from './cli/main.js';
