import { RUNTIME_NODE_FLAGS } from '@gpuaas/runtime/node-flags';
import { describe, expect, it } from 'vitest';
import { defaultRuntimeCommand, runtimeEntry } from './runtime-launch.js';

describe('defaultRuntimeCommand', () => {
  it('starts the runtime with the runtime’s own node flags, before its bin', () => {
    const command = defaultRuntimeCommand({
      allocationId: 'a',
      mode: 'none',
      socketPath: '/run/gpuaas/rt.sock',
      homeDir: '/home/app',
      gpus: [],
    });
    expect(RUNTIME_NODE_FLAGS).toContain('--max-semi-space-size=1');
    expect(command).toEqual([
      process.execPath,
      ...RUNTIME_NODE_FLAGS,
      runtimeEntry(),
      'serve',
      '--socket',
      '/run/gpuaas/rt.sock',
    ]);
  });
});
