#!/usr/bin/env node
import { guardNode } from '@gpuaas/sdk/node-guard';

if (guardNode('gpuaas-app')) {
  const { main } = await import('../dist/gpuaas-app/main.js');
  process.exitCode = await main(process.argv);
}
