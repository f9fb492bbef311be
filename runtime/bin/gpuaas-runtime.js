#!/usr/bin/env -S node --max-semi-space-size=1 --max-opt=2 --single-threaded
// The flags are RUNTIME_NODE_FLAGS (src/node-flags.ts, which says why); a test keeps them in step.
import { guardNode } from '@gpuaas/sdk/node-guard';

if (guardNode('gpuaas-runtime')) {
  const { main } = await import('../dist/cli/main.js');
  process.exitCode = await main(process.argv);
}
