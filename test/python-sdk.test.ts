/**
 * The Python SDK's own checks, run by the suite so CI runs them: its unit tests (pytest with
 * httpx.MockTransport, no platform needed) and `mypy --strict` over the package and its examples
 * (configured in sdk/python/pyproject.toml). The interpreter is chosen by @gpuaas/test-support (python.ts);
 * under CI a missing httpx, pytest or mypy fails instead of skipping.
 */
import { join } from 'node:path';
import { requirePython } from '@gpuaas/test-support';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCommand } from './support/processes.js';

const python = requirePython('python sdk checks', [
  'httpx',
  'websockets',
  'pytest',
  'pytest_asyncio',
  'mypy',
]);
const sdkDir = join(repoRoot, 'sdk/python');
// Caches stay out of the working tree's way (and out of `git status` in CI's codegen check).
const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };

describe.skipIf(python === undefined)('the Python SDK (sdk/python)', () => {
  it('passes its unit tests', { timeout: 180_000 }, async () => {
    const { code, stdout, stderr } = await runCommand(
      python!,
      ['-m', 'pytest', 'sdk/python/tests/unit', '-q', '-p', 'no:cacheprovider'],
      { env },
    );
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toMatch(/\d+ passed/);
    expect(stdout).not.toMatch(/\d+ (failed|error)/);
  });

  it('type-checks with mypy --strict, examples included', { timeout: 300_000 }, async () => {
    // `files` in pyproject.toml names the package and examples/; --strict restates the bar here.
    const { code, stdout, stderr } = await runCommand(python!, ['-m', 'mypy', '--strict'], {
      cwd: sdkDir,
      env,
    });
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toMatch(/^Success: no issues found in \d+ source files/m);
  });
});
