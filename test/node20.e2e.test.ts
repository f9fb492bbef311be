/**
 * A fresh machine whose first `node` on PATH is the distribution's Node 20 (issue 11, item 4):
 * every bin either re-runs itself under the Node.js 24 that scripts/use-node24.sh installs or
 * stops at once saying exactly what to run, and `npm ci` refuses at once instead of building
 * native addons for the wrong node. Each bin is executed as a user's shell (or npx) does, through
 * its `#!/usr/bin/env node` line, with a fresh HOME.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/processes.js';

/** A node older than 22 on this machine (Debian's), or undefined. */
function oldNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(candidate)) continue;
    const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
    if (Number(/^v(\d+)/.exec(version)?.[1]) < 22) return candidate;
  }
  return undefined;
}

const node20 = oldNode();
const BINS = [
  ['gpuaas', 'sdk/cli/bin/gpuaas.js'],
  ['gpuaas-app', 'sdk/cli/bin/gpuaas-app.js'],
  ['gpuaas-platform', 'platform/bin/gpuaas-platform.js'],
  ['gpuaas-node-agent', 'platform/node-agent/bin/gpuaas-node-agent.js'],
  ['gpuaas-runtime', 'runtime/bin/gpuaas-runtime.js'],
] as const;

describe.skipIf(node20 === undefined)('with Node 20 first on PATH and a fresh HOME', () => {
  let home: string;
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: `${dirname(node20 ?? '/usr/bin/node')}:/usr/bin:/bin`,
    HOME: home,
    ...extra,
  });
  const exec = (bin: string, args: string[], extra?: NodeJS.ProcessEnv, input?: string) =>
    spawnSync(join(repoRoot, bin), args, { env: env(extra), encoding: 'utf8', input, timeout: 60_000 });

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'gpuaas-fresh-home-'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it.each(BINS)('%s without Node 24 installed stops at once and says what to run', (name, bin) => {
    const r = exec(bin, ['--version']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${name}: needs Node.js 22.22 or later`);
    expect(r.stderr).toContain('. scripts/use-node24.sh');
    expect(r.stderr).not.toMatch(/Segmentation|SyntaxError|ERR_/);
  });

  it.each(BINS)('%s with Node 24 installed re-runs itself under it', (_name, bin) => {
    const r = exec(bin, ['--version'], { GPUAAS_NODE: process.execPath });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('0.1.0');
  });

  it('runs the quick start’s `gpuaas-platform users add` (the command that crashed under Node 20)', async () => {
    const data = await mkdtemp(join(tmpdir(), 'gpuaas-node20-data-'));
    try {
      const r = exec(
        'platform/bin/gpuaas-platform.js',
        ['users', 'add', '--data-dir', data, '--email', 'dev@example.com', '--password-stdin', '--operator'],
        { GPUAAS_NODE: process.execPath },
        'change-me-please\n',
      );
      expect(r.stderr).not.toMatch(/Segmentation/);
      expect(r.status, r.stderr).toBe(0);
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  });

  it('passes its exit status through the re-run', () => {
    const r = exec('sdk/cli/bin/gpuaas.js', ['no-such-command'], { GPUAAS_NODE: process.execPath });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unknown command/);
  });

  it('`npm ci` refuses at once instead of building native addons for Node 20', () => {
    const npm = join(dirname(node20 ?? '/usr/bin/node'), 'npm');
    if (!existsSync(npm)) return;
    const r = spawnSync(npm, ['ci', '--dry-run', '--no-audit', '--no-fund'], {
      cwd: repoRoot,
      env: env(),
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/EBADENGINE|notsup/);
    expect(r.stderr).toContain('"node":">=22.22"');
  }, 130_000);
});
