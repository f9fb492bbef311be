import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPublicKey, loadSigningKey } from '../../../sign/index.js';
import type { CliIo } from '../../output.js';
import { main } from '../main.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gpuaas-keygen-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture(): Writable & { text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  return Object.assign(stream, { text: () => Buffer.concat(chunks).toString('utf8') });
}

async function run(args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) {
  const stdout = capture();
  const stderr = capture();
  const io: CliIo = {
    stdout,
    stderr,
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env ?? {},
    cwd: dir,
  };
  const code = await main(['node', 'gpuaas-app', ...args], io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

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

const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
const bin = path.join(repoRoot, 'sdk/bin/gpuaas-app.js');
const built = existsSync(path.join(repoRoot, 'sdk/dist/cli/gpuaas-app/commands/keygen.js'));
if (!built) {
  const message = 'gpuaas-app keygen bin test: sdk/dist is not built — run `npx tsc --build` first';
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`\n!!! SKIPPING ${message}\n`);
}

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
