/**
 * Metering throughput measured in a child process started with the runtime's node flags, since
 * the app API runs inside the runtime process and those flags (a small young generation, no
 * TurboFan, GC on the main thread) bear on its speed. Run as a script, it prints the result.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { measureMeteringThroughput } from '@gpuaas/runtime';
import type { MeteringThroughputResult } from '@gpuaas/runtime';

export function meteringInChild(nodeFlags: readonly string[]): Promise<MeteringThroughputResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...nodeFlags, fileURLToPath(import.meta.url), 'run'],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`metering bench failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as MeteringThroughputResult);
      },
    );
  });
}

if (process.argv[2] === 'run' && process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(await measureMeteringThroughput()));
}
