/**
 * `gpuaas-platform token`: creates the user (and project) when missing and prints a short-lived
 * access token. It needs the data folder (key-encryption secret) and the database, so only the
 * platform's own operators can run it.
 */
import type { Command } from 'commander';
import { PlatformError } from '../errors.js';
import { isoTime } from '../ids.js';
import {
  createProject,
  defaultOrganization,
  ensureUser,
  findProjectByName,
  membershipRole,
} from '../identity/store.js';
import { createPlatform } from '../platform.js';
import type { CliContext } from './common.js';
import { parsePositiveInt, printJson } from './common.js';

interface TokenOptions {
  dataDir: string;
  user: string;
  operator?: boolean;
  project?: string;
  databaseUrl?: string;
  publicUrl?: string;
  ttl?: number;
  scope?: string;
  json?: boolean;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function registerToken(program: Command, { io }: CliContext): void {
  program
    .command('token')
    .description('Print a short-lived access token for a user, creating the user (and project) if missing')
    .requiredOption('--user <email>', 'the user, by email')
    .option('--data-dir <dir>', 'data folder of the platform', './.gpuaas')
    .option('--operator', 'make the user a platform operator')
    .option('--project <name>', "ensure a project of that name in the user's organisation, owned by the user")
    .option(
      '--database-url <url>',
      'postgres://… when the platform runs on PostgreSQL (env GPUAAS_DATABASE_URL)',
    )
    .option('--public-url <url>', 'issuer to put in the token (default: what the running server recorded)')
    .option('--ttl <seconds>', 'token lifetime in seconds (default 900)', parsePositiveInt)
    .option('--scope <scopes>', 'limit the token to these space-separated scopes (a node agent: nodes:agent)')
    .option('--json', 'print the token and ids as JSON')
    .action(async (options: TokenOptions) => {
      if (!/^[^@\s]+@[^@\s]+$/.test(options.user)) {
        throw new PlatformError(
          'VALIDATION_FAILED',
          `--user must be an email address (got "${options.user}")`,
        );
      }
      if (options.project !== undefined && !NAME.test(options.project)) {
        throw new PlatformError(
          'VALIDATION_FAILED',
          `--project must match ${NAME.source} (got "${options.project}")`,
        );
      }
      const platform = await createPlatform({
        dataDir: options.dataDir,
        databaseUrl: options.databaseUrl ?? io.env.GPUAAS_DATABASE_URL,
        publicUrl: options.publicUrl,
        log: { level: 'silent' },
        defaultMetrics: false,
      });
      try {
        const user = await ensureUser(platform.db, options.user, { operator: options.operator === true });
        let projectId: string | undefined;
        if (options.project !== undefined) {
          const org = await defaultOrganization(platform.db, user);
          const existing = await findProjectByName(platform.db, org.id, options.project);
          if (existing === undefined) {
            projectId = (
              await createProject(platform.db, {
                organizationId: org.id,
                name: options.project,
                description: null,
                ownerId: user.id,
              })
            ).id;
          } else {
            projectId = existing.id;
            if ((await membershipRole(platform.db, existing.id, user.id)) === undefined) {
              const now = isoTime();
              await platform.db
                .insertInto('memberships')
                .values({
                  project_id: existing.id,
                  user_id: user.id,
                  role: 'owner',
                  created_at: now,
                  updated_at: now,
                  version: 1,
                })
                .execute();
            }
          }
        }
        const issued = await platform.issueAccessToken({
          sub: user.id,
          operator: user.operator === 1,
          clientId: 'gpuaas-platform-cli',
          ...(options.scope === undefined ? {} : { scopes: options.scope.split(/\s+/).filter(Boolean) }),
          ...(options.ttl === undefined ? {} : { ttlSeconds: options.ttl }),
        });
        if (options.json === true) {
          printJson(io, {
            access_token: issued.token,
            token_type: 'Bearer',
            expires_at: new Date(issued.expiresAt * 1000).toISOString(),
            issuer: platform.issuer,
            user_id: user.id,
            project_id: projectId ?? null,
          });
        } else {
          io.stdout.write(issued.token + '\n');
        }
      } finally {
        await platform.close();
      }
    });
}
