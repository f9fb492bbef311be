#!/usr/bin/env node
import { main } from '../dist/cli/gpuaas/main.js';

process.exitCode = await main(process.argv);
