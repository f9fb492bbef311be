/**
 * A terminal's parameters, read from the upgrade request's query string before the upgrade, so a
 * malformed request is refused with HTTP 400 rather than a half-open session.
 */
import {
  TERMINAL_DEFAULT_COLS,
  TERMINAL_DEFAULT_ROWS,
  TERMINAL_DEFAULT_TERM,
  isTerminalSize,
} from '@gpuaas/sdk/terminal';
import { RuntimeError } from '../errors.js';

export interface TerminalParams {
  cols: number;
  rows: number;
  term: string;
  /** argv to run; undefined means the login shell. */
  command: string[] | undefined;
}

const TERM_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
const MAX_ARGV_BYTES = 128 * 1024;

function size(query: URLSearchParams, key: 'cols' | 'rows', fallback: number): number {
  const raw = query.get(key);
  if (raw === null) return fallback;
  const value = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!isTerminalSize(value))
    throw new RuntimeError('REQUEST_INVALID', `${key} must be an integer from 1 to 65535`);
  return value;
}

function command(raw: string | null): string[] | undefined {
  if (raw === null) return undefined;
  if (raw.length > MAX_ARGV_BYTES) throw new RuntimeError('REQUEST_INVALID', 'command is too long');
  let argv: unknown;
  try {
    argv = JSON.parse(raw);
  } catch {
    throw new RuntimeError('REQUEST_INVALID', 'command must be a JSON array of strings');
  }
  if (
    !Array.isArray(argv) ||
    argv.length === 0 ||
    !argv.every((arg): arg is string => typeof arg === 'string' && !arg.includes('\0')) ||
    argv[0] === ''
  ) {
    throw new RuntimeError(
      'REQUEST_INVALID',
      'command must be a non-empty JSON array of strings without NUL',
    );
  }
  return argv;
}

export function parseTerminalParams(query: URLSearchParams): TerminalParams {
  const term = query.get('term') ?? TERMINAL_DEFAULT_TERM;
  if (!TERM_NAME.test(term)) throw new RuntimeError('REQUEST_INVALID', 'term must be a terminal type name');
  return {
    cols: size(query, 'cols', TERMINAL_DEFAULT_COLS),
    rows: size(query, 'rows', TERMINAL_DEFAULT_ROWS),
    term,
    command: command(query.get('command')),
  };
}
