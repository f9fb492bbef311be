/**
 * Gate for tests that need a system tool. Without the tool a developer's `npm test` skips the
 * suite with a loud notice; under CI (`CI=true`) a missing tool is a failure, because CI installs
 * every tool and a silent skip there would hide a broken install step.
 */
import { execFileSync } from 'node:child_process';

const cache = new Map<string, boolean>();

export function hasTool(command: string): boolean {
  let found = cache.get(command);
  if (found === undefined) {
    try {
      execFileSync('sh', ['-c', `command -v ${JSON.stringify(command)}`], { stdio: 'ignore' });
      found = true;
    } catch {
      found = false;
    }
    cache.set(command, found);
  }
  return found;
}

export function isCi(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

/**
 * Returns true when every tool is present. When one is missing: throws under CI, otherwise prints
 * a notice and returns false so the caller can `describe.skipIf(!available)`.
 */
export function requireTools(suite: string, ...commands: string[]): boolean {
  const missing = commands.filter((c) => !hasTool(c));
  if (missing.length === 0) return true;
  const message = `${suite}: missing ${missing.join(', ')} — install with .ci/run (apt-get) to run these tests`;
  if (isCi()) throw new Error(`CI=true and ${message}`);
  console.warn(`\n!!! SKIPPING ${message}\n`);
  return false;
}
