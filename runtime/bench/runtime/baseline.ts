/**
 * The launch bench's baseline, measured in the same run as the launches: the raw time to pull the
 * same artifact with `skopeo copy docker://… oci:DIR` (nothing verified, nothing unpacked, no
 * hooks) plus the time the app's hooks take when run directly (`sh -c HOOK` in a folder, from
 * this process).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runMeasured } from '../../../sdk/bench/publish/measure.ts';
import type { ChildRun } from '../../../sdk/bench/publish/measure.ts';

/**
 * `skopeo copy --src-tls-verify=false docker://REFERENCE oci:DIR` into a fresh folder, with a fresh
 * HOME/XDG/TMPDIR so no earlier run's state helps it. The folder is removed afterwards.
 */
export async function skopeoPull(reference: string, scratch: string): Promise<ChildRun> {
  rmSync(scratch, { recursive: true, force: true });
  for (const sub of ['data', 'config', 'run', 'tmp'])
    mkdirSync(join(scratch, 'home', sub), { recursive: true });
  const home = join(scratch, 'home');
  try {
    return await runMeasured(
      'skopeo',
      [
        'copy',
        '--quiet',
        '--src-tls-verify=false',
        `docker://${reference}`,
        `oci:${join(scratch, 'layout')}`,
      ],
      {
        env: {
          ...process.env,
          HOME: home,
          XDG_DATA_HOME: join(home, 'data'),
          XDG_CONFIG_HOME: join(home, 'config'),
          XDG_RUNTIME_DIR: join(home, 'run'),
          TMPDIR: join(home, 'tmp'),
        },
      },
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Wall time of `sh -c COMMAND` run directly in `cwd`, ms. */
export function timeHook(command: string, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('sh', ['-c', command], { cwd, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`hook ${command} exited with ${String(code)}`));
    });
  });
}
