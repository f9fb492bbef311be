/** Shared pieces of the gpuaas-platform commands. */
import type { Readable, Writable } from 'node:stream';
import { InvalidArgumentError } from 'commander';

export interface PlatformCliIo {
  /** Where `--password-stdin` reads from (default process.stdin). */
  stdin?: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** Stops `serve` (tests); the real process stops on SIGTERM/SIGINT. */
  signal?: AbortSignal;
}

export interface CliContext {
  io: PlatformCliIo;
  /** A command that ran to the end but found something wrong (a failed check) sets its status here. */
  setExitCode: (code: number) => void;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError('must be 0-65535');
  return port;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

export function printJson(io: PlatformCliIo, value: unknown): void {
  io.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
