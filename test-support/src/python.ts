/**
 * The Python interpreter the tests run the Python SDK (`sdk/python`) with: `$GPUAAS_PYTHON`, else
 * `/usr/bin/python3` when it imports httpx (Debian's python3-httpx; a pyenv `python3` first on
 * PATH usually has none), else `python3`. Without the packages a developer's run skips with a loud
 * notice; under CI (`CI=true`, where .ci/run installs them with apt-get) it fails.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isCi } from './tools.js';

/** The Python SDK's source folder (src/ and dist/ sit side by side): tests import it from there. */
export const pythonSdkSource = fileURLToPath(new URL('../../sdk/python/src', import.meta.url));

function imports(python: string, modules: readonly string[]): boolean {
  try {
    execFileSync(python, ['-c', modules.map((m) => `import ${m}`).join('; ')], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The interpreter choice described above, whether or not it has the modules. */
export function choosePython(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GPUAAS_PYTHON) return env.GPUAAS_PYTHON;
  if (existsSync('/usr/bin/python3') && imports('/usr/bin/python3', ['httpx'])) return '/usr/bin/python3';
  return 'python3';
}

/**
 * The interpreter when it imports every module (e.g. `httpx`, `pytest`); undefined (skip, with a
 * notice) when it does not, except under CI, where that throws.
 */
export function requirePython(suite: string, modules: readonly string[]): string | undefined {
  const python = choosePython();
  if (imports(python, modules)) return python;
  const message = `${suite}: ${python} cannot import ${modules.join(', ')} — install python3-httpx, python3-websockets, python3-pytest and python3-pytest-asyncio (.ci/run), or set GPUAAS_PYTHON`;
  if (isCi()) throw new Error(`CI=true and ${message}`);
  console.warn(`\n!!! SKIPPING ${message}\n`);
  return undefined;
}
