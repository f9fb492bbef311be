#!/usr/bin/env node
import { guardNode } from '@gpuaas/sdk/node-guard';

if (guardNode('gpuaas')) {
  const { main } = await import('../dist/gpuaas/main.js');
  process.exitCode = await main(process.argv);
}
