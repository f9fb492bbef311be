#!/usr/bin/env node
import { guardNode } from '@gpuaas/sdk/node-guard';

if (guardNode('gpuaas-node-agent')) {
  const { main } = await import('../dist/cli/main.js');
  process.exitCode = await main(process.argv);
}
