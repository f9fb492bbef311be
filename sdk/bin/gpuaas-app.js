#!/usr/bin/env node
import { main } from '../dist/cli/gpuaas-app/main.js';

process.exitCode = await main(process.argv);
