/**
 * Node flags `gpuaas-runtime serve` is started with (the node agent puts them before the bin;
 * `npm run bench:runtime` measures with them). Kept in a module of its own, free of imports, so
 * the agent can read it without loading the runtime.
 */
export const RUNTIME_NODE_FLAGS: readonly string[] = [];
