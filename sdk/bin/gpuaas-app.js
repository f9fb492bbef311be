#!/usr/bin/env node
import { guardNode } from './node-guard.js';

if (guardNode('gpuaas-app')) {
  const { main } = await import('../dist/cli/gpuaas-app/main.js');
  process.exitCode = await main(process.argv);
}
