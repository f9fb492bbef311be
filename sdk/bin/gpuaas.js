#!/usr/bin/env node
import { guardNode } from './node-guard.js';

if (guardNode('gpuaas')) {
  const { main } = await import('../dist/cli/gpuaas/main.js');
  process.exitCode = await main(process.argv);
}
