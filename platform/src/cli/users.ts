/**
 * `gpuaas-platform users add`: creates (or updates) a local user with a password, so people can
 * sign in on the built-in login page. The password is read from stdin, never from the command
 * line (which other users of the machine can see in the process list).
 */
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { hashPassword } from '../auth/passwords.js';
import { PlatformError } from '../errors.js';
import { ensureUser } from '../identity/store.js';
import { isoTime } from '../ids.js';
import { createPlatform } from '../platform.js';
import type { CliContext } from './common.js';
import { printJson } from './common.js';

interface UsersAddOptions {
  email: string;
  passwordStdin?: boolean;
  operator?: boolean;
  dataDir: string;
  databaseUrl?: string;
  json?: boolean;
}

/** Shortest password accepted (NIST SP 800-63B's minimum for user-chosen secrets). */
export const MIN_PASSWORD_LENGTH = 8;

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

export function registerUsers(program: Command, { io }: CliContext): void {
  const users = program.command('users').description('Manage local users who sign in with a password');
  users
    .command('add')
    .description('Create a user (or set its password) for the built-in login page')
    .requiredOption('--email <email>', 'the user, by email')
    .option('--password-stdin', 'read the password from stdin (first line)')
    .option('--operator', 'make the user a platform operator')
    .option('--data-dir <dir>', 'data folder of the platform', './.gpuaas')
    .option(
      '--database-url <url>',
      'postgres://… when the platform runs on PostgreSQL (env GPUAAS_DATABASE_URL)',
    )
    .option('--json', 'print the user as JSON')
    .action(async (options: UsersAddOptions) => {
      if (!/^[^@\s]+@[^@\s]+$/.test(options.email)) {
        throw new PlatformError(
          'VALIDATION_FAILED',
          `--email must be an email address (got "${options.email}")`,
        );
      }
      if (options.passwordStdin !== true) {
        throw new PlatformError('VALIDATION_FAILED', 'give the password on stdin with --password-stdin');
      }
      const password = (await readAll(io.stdin ?? process.stdin)).split(/\r?\n/)[0] ?? '';
      if ([...password].length < MIN_PASSWORD_LENGTH) {
        throw new PlatformError(
          'VALIDATION_FAILED',
          `the password on stdin must have at least ${MIN_PASSWORD_LENGTH} characters`,
        );
      }
      const platform = await createPlatform({
        dataDir: options.dataDir,
        databaseUrl: options.databaseUrl ?? io.env.GPUAAS_DATABASE_URL,
        log: { level: 'silent' },
        defaultMetrics: false,
        // A command beside the servers: it must not take their background work for a moment.
        leases: { background: false },
      });
      try {
        const user = await ensureUser(platform.db, options.email, { operator: options.operator === true });
        const passwordHash = await hashPassword(password);
        await platform.db
          .updateTable('users')
          .set((eb) => ({
            password_hash: passwordHash,
            updated_at: isoTime(),
            version: eb('version', '+', 1),
          }))
          .where('id', '=', user.id)
          .execute();
        if (options.json === true) {
          printJson(io, { id: user.id, email: user.email, operator: user.operator === 1 });
        } else {
          io.stdout.write(`user ${user.email} (${user.id}) can now sign in\n`);
        }
      } finally {
        await platform.close();
      }
    });
}
