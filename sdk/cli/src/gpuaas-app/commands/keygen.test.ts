import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPublicKey, loadSigningKey } from '@gpuaas/sdk';
import { bin, binIsBuilt, runCli } from '../run.test.util.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gpuaas-keygen-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) =>
  runCli(args, { cwd: dir, ...options });

describe('gpuaas-app keygen (in-process)', () => {
  it('writes PREFIX.key (0600) and PREFIX.pub relative to the cwd and prints JSON paths', async () => {
    const result = await run(['keygen', '--out', 'keys-acme', '--json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toEqual({
      privateKey: path.join(dir, 'keys-acme.key'),
      publicKey: path.join(dir, 'keys-acme.pub'),
      keyId: expect.stringMatching(/^[a-f0-9]{64}$/),
      gitignore: null,
    });
    expect((await stat(json.privateKey)).mode & 0o777).toBe(0o600);
    expect((await loadPublicKey(json.publicKey)).keyId).toBe(json.keyId);
    expect(result.stderr).toMatch(/not encrypted/);
  });

  it('encrypts with a passphrase from stdin, keeping inner spaces', async () => {
    const result = await run(['keygen', '--out', 'k', '--passphrase-stdin'], { stdin: ' two words \n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/key id: +[a-f0-9]{64}/);
    const pem = await readFile(path.join(dir, 'k.key'), 'utf8');
    expect(pem).toContain('ENCRYPTED PRIVATE KEY');
    await expect(
      loadSigningKey(path.join(dir, 'k.key'), { passphrase: ' two words ' }),
    ).resolves.toBeDefined();
    await expect(loadSigningKey(path.join(dir, 'k.key'), { passphrase: 'two words' })).rejects.toThrow(
      /passphrase/,
    );
  });

  it('encrypts with a passphrase from a named environment variable', async () => {
    const result = await run(['keygen', '--out', 'k', '--passphrase-env', 'MY_PW', '--json'], {
      env: { MY_PW: 'pw' },
    });
    expect(result.code).toBe(0);
    await expect(loadSigningKey(path.join(dir, 'k.key'), { passphrase: 'pw' })).resolves.toBeDefined();
  });

  it.each([
    ['both passphrase sources', ['--passphrase-stdin', '--passphrase-env', 'X'], 'USAGE'],
    ['an unset passphrase variable', ['--passphrase-env', 'UNSET'], 'USAGE'],
    ['an empty stdin', ['--passphrase-stdin'], 'USAGE'],
  ])('refuses %s with exit 2', async (_name, extra, code) => {
    const result = await run(['keygen', '--out', 'k', ...extra, '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error.code).toBe(code);
    expect(existsSync(path.join(dir, 'k.key'))).toBe(false);
  });

  it('refuses to overwrite without --force (ALREADY_EXISTS, exit 2) and replaces with it', async () => {
    await writeFile(path.join(dir, 'k.key'), 'precious');
    const refused = await run(['keygen', '--out', 'k']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error\[ALREADY_EXISTS\]: .*k\.key already exists/m);
    expect(await readFile(path.join(dir, 'k.key'), 'utf8')).toBe('precious');

    const forced = await run(['keygen', '--out', 'k', '--force']);
    expect(forced.code).toBe(0);
    expect((await stat(path.join(dir, 'k.key'))).mode & 0o777).toBe(0o600);
    await expect(loadSigningKey(path.join(dir, 'k.key'))).resolves.toBeDefined();
  });

  it('creates the folder of --out DIR/PREFIX when it is missing', async () => {
    const result = await run(['keygen', '--out', 'keys/nested/acme', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).privateKey).toBe(path.join(dir, 'keys/nested/acme.key'));
    expect((await stat(path.join(dir, 'keys/nested/acme.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, 'keys/nested'))).mode & 0o777).toBe(0o700);
  });

  it('inside a git work tree, adds the private key (not the public one) to .gitignore, once', async () => {
    await promisify(execFile)('git', ['init', '-q', dir]);
    const first = await run(['keygen', '--out', 'signing', '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).gitignore).toBe(path.join(dir, '.gitignore'));
    expect(first.stderr).toMatch(/added .*signing\.key to .*\.gitignore/);
    const forced = await run(['keygen', '--out', 'signing', '--force', '--json']);
    expect(JSON.parse(forced.stdout).gitignore).toBeNull();
    expect((await readFile(path.join(dir, '.gitignore'), 'utf8')).match(/^\/signing\.key$/gm)).toHaveLength(
      1,
    );
    // What `git add .` would take: the public key and the .gitignore, never the private key.
    await promisify(execFile)('git', ['add', '.'], { cwd: dir });
    const { stdout } = await promisify(execFile)('git', ['diff', '--cached', '--name-only'], { cwd: dir });
    expect(stdout.trim().split('\n').sort()).toEqual(['.gitignore', 'signing.pub']);
  });

  it('with --no-gitignore leaves .gitignore alone', async () => {
    await promisify(execFile)('git', ['init', '-q', dir]);
    const result = await run(['keygen', '--out', 'keys/k', '--no-gitignore', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).gitignore).toBeNull();
    expect(existsSync(path.join(dir, 'keys/.gitignore'))).toBe(false);
  });

  it('requires --out', async () => {
    const result = await run(['keygen']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--out/);
  });
});

const built = binIsBuilt('gpuaas-app keygen bin test');

describe.skipIf(!built)('gpuaas-app keygen (built bin)', () => {
  it('writes a key pair with mode 0600 and prints its paths', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, 'keygen', '--out', 'bin-key', '--json', '--passphrase-env', 'PW'],
      {
        cwd: dir,
        env: { ...process.env, PW: 'secret' },
      },
    );
    const json = JSON.parse(stdout);
    expect(json.privateKey).toBe(path.join(dir, 'bin-key.key'));
    expect((await stat(json.privateKey)).mode & 0o777).toBe(0o600);
    expect((await loadSigningKey(json.privateKey, { passphrase: 'secret' })).keyId).toBe(json.keyId);

    const again = await promisify(execFile)(process.execPath, [bin, 'keygen', '--out', 'bin-key'], {
      cwd: dir,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(again).toMatchObject({ code: 2, stderr: expect.stringMatching(/error\[ALREADY_EXISTS\]/) });
  });
});
