import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RUNTIME_NODE_FLAGS } from './node-flags.js';

describe('RUNTIME_NODE_FLAGS', () => {
  it('are the flags on the bin’s #! line, so running the bin directly gets them too', () => {
    const bin = readFileSync(new URL('../bin/gpuaas-runtime.js', import.meta.url), 'utf8');
    expect(bin.split('\n')[0]).toBe(`#!/usr/bin/env -S node ${RUNTIME_NODE_FLAGS.join(' ')}`);
  });

  it('are accepted by this Node.js (node exits 9 on an unknown flag)', () => {
    const run = spawnSync(
      process.execPath,
      [
        ...RUNTIME_NODE_FLAGS,
        '-e',
        'const v8 = require("v8"); process.stdout.write(JSON.stringify(v8.getHeapStatistics()))',
      ],
      { encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveProperty('total_heap_size');
  });
});
