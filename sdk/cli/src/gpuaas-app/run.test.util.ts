/**
 * Running `gpuaas-app` in the CLI's tests: in-process with captured output, or as the built bin
 * in a child process, and key pairs made the way a user makes them (`gpuaas-app keygen`).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { CliIo } from '../output.js';
import { main } from './main.js';

/** The built bin (after `tsc --build`), as a user runs it. */
export const bin = fileURLToPath(new URL('../../bin/gpuaas-app.js', import.meta.url));

/**
 * Whether `tsc --build` has built what the bin runs (sdk/cli/dist). A bin test skips without it,
 * saying so; under CI it fails instead, so a missing build never passes as green.
 */
export function binIsBuilt(test: string): boolean {
  const built = existsSync(fileURLToPath(new URL('../../dist/gpuaas-app/main.js', import.meta.url)));
  if (!built) {
    const message = `${test}: sdk/cli/dist is not built — run \`npx tsc --build\` first`;
    if (process.env.CI === 'true') throw new Error(message);
    console.warn(`\n!!! SKIPPING ${message}\n`);
  }
  return built;
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
  options: { cwd: string; env?: NodeJS.ProcessEnv; tty?: boolean; stdin?: string },
): Promise<CliRun> {
  const stdout = capture();
  const stderr = capture();
  const stdin = Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]);
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

export interface TestKeys {
  keyPath: string;
  pubPath: string;
  keyId: string;
}

/** An unencrypted P-256 pair at `prefix`.key / `prefix`.pub, made by `gpuaas-app keygen`. */
export async function makeKeys(prefix: string): Promise<TestKeys> {
  const run = await runCli(['keygen', '--out', prefix, '--no-gitignore', '--json'], { cwd: process.cwd() });
  if (run.code !== 0) throw new Error(`gpuaas-app keygen failed (${run.code}): ${run.stderr}`);
  const written = JSON.parse(run.stdout) as { privateKey: string; publicKey: string; keyId: string };
  return { keyPath: written.privateKey, pubPath: written.publicKey, keyId: written.keyId };
}
