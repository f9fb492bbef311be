/**
 * Helpers shared by the publishing tests: an app folder (a copy of examples/echo-llm), key pairs,
 * the gpuaas-app CLI run in-process with captured output, and a tamper helper for registry storage.
 */
import { execFile } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { main } from '../cli/gpuaas-app/main.js';
import type { CliIo } from '../cli/output.js';
import {
  loadPublicKey,
  loadSigningKey,
  writeKeyPair,
  type PublicKey,
  type SigningKey,
} from '../sign/keys.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const bin = path.join(repoRoot, 'sdk/bin/gpuaas-app.js');
const example = path.join(repoRoot, 'examples/echo-llm');

/** Copies examples/echo-llm to `dir`, plus `extra` files (to make content, and so the digest, differ). */
export async function makeApp(dir: string, extra: Record<string, string> = {}): Promise<string> {
  await cp(example, dir, { recursive: true });
  for (const [name, text] of Object.entries(extra)) await writeFile(path.join(dir, name), text);
  return dir;
}

export interface TestKeys {
  keyPath: string;
  pubPath: string;
  key: SigningKey;
  pub: PublicKey;
}

/** An unencrypted P-256 pair at `prefix`.key / `prefix`.pub. */
export async function makeKeys(prefix: string): Promise<TestKeys> {
  const written = await writeKeyPair(prefix);
  return {
    keyPath: written.privateKeyPath,
    pubPath: written.publicKeyPath,
    key: await loadSigningKey(written.privateKeyPath),
    pub: await loadPublicKey(written.publicKeyPath),
  };
}

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

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `gpuaas-app ARGS` in-process; the environment is only what is passed (no ambient credentials). */
export async function runCli(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; tty?: boolean },
): Promise<CliRun> {
  const stdout = capture();
  const stderr = capture();
  const stdin = Readable.from([]);
  if (options.tty === true) {
    Object.assign(stdin, { isTTY: true });
    Object.assign(stderr, { isTTY: true });
  }
  const io: CliIo = {
    stdout,
    stderr,
    stdin,
    // HOME pointed at the cwd so no ~/.docker/config.json of the machine leaks in.
    env: { HOME: options.cwd, ...options.env },
    cwd: options.cwd,
  };
  const code = await main(['node', 'gpuaas-app', ...args], io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Runs the built bin as a child process; resolves with the exit status instead of rejecting. */
export async function runBin(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CliRun> {
  const env = { PATH: process.env.PATH, HOME: options.cwd, ...options.env };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      cwd: options.cwd,
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/**
 * Replaces `from` by `to` (same length, so sizes still match) in a file of registry storage: the
 * bytes change but stay valid JSON or a plausible blob, as an attacker with disk access would leave them.
 */
export async function tamper(file: string, from: string, to: string): Promise<void> {
  if (from.length !== to.length) throw new Error('tamper keeps the size: from and to must be equally long');
  const text = await readFile(file, 'latin1');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  await writeFile(file, text.replace(from, to), 'latin1');
}

/** Flips one byte in the middle of a file of registry storage. */
export async function flipByte(file: string): Promise<void> {
  const bytes = await readFile(file);
  const at = Math.floor(bytes.length / 2);
  bytes[at] = (bytes[at] ?? 0) ^ 0xff;
  await writeFile(file, bytes);
}
