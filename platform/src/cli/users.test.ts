/**
 * `gpuaas-platform users add`: a seeded local user can sign in on the login page; passwords come
 * only from stdin and weak ones are refused.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createTestStore, testDialects } from '@gpuaas/test-support';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../auth/passwords.js';
import { createPlatform } from '../platform.js';
import { main } from './main.js';
import type { PlatformCliIo } from './main.js';

const dialects = await testDialects('gpuaas-platform users');

async function run(args: string[], stdin = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const io: PlatformCliIo = { stdin: Readable.from([stdin]), stdout, stderr, env: { VITEST: 'true' } };
  const code = await main(['node', 'gpuaas-platform', ...args], io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('gpuaas-platform users add usage', () => {
  it.each([
    [['users', 'add', '--email', 'x@example.com', '--data-dir', '/tmp/none'], '', /--password-stdin/],
    [
      ['users', 'add', '--email', 'nope', '--password-stdin', '--data-dir', '/tmp/none'],
      'long enough',
      /email/,
    ],
    [
      ['users', 'add', '--email', 'x@example.com', '--password-stdin', '--data-dir', '/tmp/none'],
      'short\n',
      /8/,
    ],
  ])('%j is refused with VALIDATION_FAILED', async (args, stdin, message) => {
    const result = await run(args, stdin);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error\[VALIDATION_FAILED\]/);
    expect(result.stderr).toMatch(message);
  });
});

describe.each(dialects)('gpuaas-platform users add on %s', (dialect) => {
  it('stores a scrypt hash of the first stdin line and can grant operator', async () => {
    const store = await createTestStore(dialect);
    try {
      const common = [
        '--data-dir',
        store.dataDir,
        ...(store.databaseUrl === undefined ? [] : ['--database-url', store.databaseUrl]),
      ];
      const added = await run(
        ['users', 'add', '--email', 'Dev@Example.com', '--password-stdin', '--operator', '--json', ...common],
        'hunter2hunter2\nignored\n',
      );
      expect(added.stderr).toBe('');
      expect(added.code).toBe(0);
      expect(JSON.parse(added.stdout)).toMatchObject({ email: 'dev@example.com', operator: true });
      const platform = await createPlatform({
        dataDir: store.dataDir,
        databaseUrl: store.databaseUrl,
        log: { level: 'silent' },
        defaultMetrics: false,
      });
      try {
        const row = await platform.db
          .selectFrom('users')
          .select(['password_hash', 'operator'])
          .where('email', '=', 'dev@example.com')
          .executeTakeFirstOrThrow();
        expect(row.password_hash).toMatch(/^scrypt\$/);
        expect(row.operator).toBe(1);
        expect(await verifyPassword('hunter2hunter2', row.password_hash)).toBe(true);
        expect(await verifyPassword('ignored', row.password_hash)).toBe(false);
      } finally {
        await platform.close();
      }
    } finally {
      await store.drop();
    }
  });
});

describe('the built bin', () => {
  it('reads the password from a pipe: users add through `node platform/bin/gpuaas-platform.js`', async () => {
    const bin = fileURLToPath(new URL('../../bin/gpuaas-platform.js', import.meta.url));
    const dist = fileURLToPath(new URL('../../dist/cli/users.js', import.meta.url));
    expect(existsSync(dist), 'platform/dist is missing users.js: run `npx tsc --build` first').toBe(true);
    const store = await createTestStore('sqlite');
    try {
      const child = spawn(
        process.execPath,
        [
          bin,
          'users',
          'add',
          '--email',
          'bin@example.com',
          '--password-stdin',
          '--json',
          '--data-dir',
          store.dataDir,
        ],
        { stdio: ['pipe', 'pipe', 'pipe'] },
      );
      child.stdin.end('a-long-password\n');
      const out: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      expect(JSON.parse(Buffer.concat(out).toString())).toMatchObject({
        email: 'bin@example.com',
        operator: false,
      });
    } finally {
      await store.drop();
    }
  }, 30_000);
});
