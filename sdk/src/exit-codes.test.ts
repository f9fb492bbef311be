import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { ApiError } from './client/api-error.js';
import { SdkError } from './errors.js';
import { EXIT_CODES, exitCodeFor } from './exit-codes.js';

/** The rows `| exit | name | meaning |` of docs/cli.md's table of exit statuses, as name → exit. */
function documentedExitCodes(): Map<string, number> {
  const doc = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
  const section = doc.split(/^## /m).find((s) => s.startsWith('Errors and exit statuses'));
  expect(section, 'docs/cli.md has a "## Errors and exit statuses" section').toBeDefined();
  const rows = new Map<string, number>();
  for (const line of (section ?? '').split('\n')) {
    const match = /^\| (\d+) \| `([A-Z_]+)` \|/.exec(line);
    if (match !== null) rows.set(match[2] ?? '', Number(match[1]));
  }
  return rows;
}

const apiError = (status: number, code = 'SOME_CODE') =>
  new ApiError({ code, status, title: 'refused', request: 'GET /v1/x' });

describe('exit codes', () => {
  it('docs/cli.md documents exactly EXIT_CODES', () => {
    expect(Object.fromEntries(documentedExitCodes())).toEqual(EXIT_CODES);
  });

  it.each([
    ['a check that failed', new SdkError('MANIFEST_INVALID', 'x'), 1],
    ['a usage error', new SdkError('USAGE', 'x'), 2],
    ['a registry that cannot be reached (gpuaas-app keeps 2)', new SdkError('REGISTRY_UNREACHABLE', 'x'), 2],
    ['no credential', new SdkError('AUTH_REQUIRED', 'x'), 3],
    ['an unreachable platform', new SdkError('API_UNREACHABLE', 'x'), 5],
    ['an allocation that ended', new SdkError('ALLOCATION_ENDED', 'x'), 6],
    ['a wait that timed out', new SdkError('WAIT_TIMEOUT', 'x'), 7],
    ['an app that ended', new SdkError('APP_ENDED', 'x'), 8],
    ['a refusal (409)', apiError(409, 'CONFLICT'), 1],
    ['an expired token', apiError(401, 'TOKEN_EXPIRED'), 3],
    ['a 404', apiError(404, 'NOT_FOUND'), 4],
    ['a 503 after retries', apiError(503, 'UNAVAILABLE'), 5],
    ['too many requests after retries', apiError(429, 'RATE_LIMITED'), 5],
    ['an unknown option', new CommanderError(1, 'commander.unknownOption', 'x'), 2],
    ['--help', new CommanderError(0, 'commander.helpDisplayed', 'x'), 0],
    ['a bug', new TypeError('x is undefined'), 70],
    ['a system error with a code of its own', Object.assign(new Error('x'), { code: 'ENOENT' }), 70],
  ])('%s exits %i', (_what, error, exit) => {
    expect(exitCodeFor(error)).toBe(exit);
  });
});
