import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RUNTIME_NODE_FLAGS } from '@gpuaas/runtime/node-flags';
import { describe, expect, it } from 'vitest';
import {
  defaultRuntimeCommand,
  runtimeEntry,
  runtimePackageDir,
  runtimeReadOnlyBinds,
} from './runtime-launch.js';
import { nodeInstallDir } from './sandbox.js';

describe('defaultRuntimeCommand', () => {
  const base = {
    allocationId: 'a',
    mode: 'bubblewrap' as const,
    socketPath: '/run/gpuaas/rt.sock',
    homeDir: '/home/app',
    secretFile: '/run/gpuaas/secret',
    runtimeDataDir: '/var/lib/gpuaas-runtime',
    gpus: [],
  };

  it('starts the runtime with its own node flags, the secret file it deletes, and its state folder', () => {
    expect(RUNTIME_NODE_FLAGS).toContain('--max-semi-space-size=1');
    expect(defaultRuntimeCommand(base)).toEqual([
      process.execPath,
      ...RUNTIME_NODE_FLAGS,
      runtimeEntry(),
      'serve',
      '--socket',
      '/run/gpuaas/rt.sock',
      '--secret-file',
      '/run/gpuaas/secret',
      '--remove-secret-file',
      '--data-dir',
      '/var/lib/gpuaas-runtime',
    ]);
  });

  it('in a sandbox: the egress tunnel and the tenant’s uid', () => {
    const command = defaultRuntimeCommand({
      ...base,
      egressSocket: '/run/gpuaas/egress.sock',
      tenantId: 1000,
    });
    expect(command.slice(-6)).toEqual([
      '--egress-socket',
      '/run/gpuaas/egress.sock',
      '--tenant-uid',
      '1000',
      '--tenant-gid',
      '1000',
    ]);
  });
});

describe('runtimeReadOnlyBinds', () => {
  it('binds node, the runtime package, its node_modules and linked siblings, not the whole checkout', () => {
    const binds = runtimeReadOnlyBinds();
    const runtime = runtimePackageDir();
    const checkout = join(runtime, '..');
    expect(binds).toContain(nodeInstallDir());
    expect(binds).toContain(runtime);
    if (existsSync(join(checkout, 'sdk', 'package.json'))) {
      // In this repository: the workspace siblings the runtime depends on, and no other folder.
      expect(binds).toEqual(
        expect.arrayContaining([
          join(checkout, 'node_modules'),
          join(checkout, 'sdk'),
          join(checkout, 'manifest-schema'),
        ]),
      );
      expect(binds).not.toContain(checkout);
      expect(binds).not.toContain(join(checkout, 'platform'));
    }
  });
});
