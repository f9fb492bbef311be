/**
 * `gpuaas-platform token`: creates the user (and project) when missing and prints a short-lived
 * access token. It needs the data folder (key-encryption secret) and the database, so only the
 * platform's own operators can run it. `--project NAME` is looked up across every organisation:
 * an existing project of that name is joined (the user becomes a member with `--role`, unless
 * already one), none is created in the user's organisation, and a name several projects carry is
 * refused with the candidates listed (give the id instead), never guessed.
 */
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { StarterCreditPolicy } from '../billing/starter-credit.js';
import type { ProjectRole, Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { isoTime } from '../ids.js';
import { createProject, defaultOrganization, ensureUser, membershipRole } from '../identity/store.js';
import type { UserRow } from '../identity/store.js';
import { createPlatform } from '../platform.js';
import type { CliContext } from './common.js';
import { parsePositiveInt, printJson } from './common.js';

interface TokenOptions {
  dataDir: string;
  user: string;
  operator?: boolean;
  project?: string;
  role: ProjectRole;
  databaseUrl?: string;
  publicUrl?: string;
  ttl?: number;
  starterCredit?: string;
  scope?: string;
  json?: boolean;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ROLES: readonly ProjectRole[] = ['owner', 'member', 'viewer'];

/**
 * The project `--project` names, joined or created for `user`: by id; else the one project of
 * that name on the platform; else a new one in the user's organisation. Refuses an ambiguous name.
 */
async function bootstrapProject(
  db: Kysely<Tables>,
  billing: StarterCreditPolicy,
  user: UserRow,
  ref: string,
  role: ProjectRole,
): Promise<{ id: string; joined: boolean; created: boolean }> {
  const matches = await db
    .selectFrom('projects')
    .innerJoin('organizations', 'organizations.id', 'projects.organization_id')
    .select(['projects.id', 'projects.name', 'organizations.name as organization'])
    .where(ID.test(ref) ? 'projects.id' : 'projects.name', '=', ref)
    .orderBy('projects.id')
    .execute();
  const [only] = matches;
  if (only === undefined) {
    if (ID.test(ref)) throw new PlatformError('NOT_FOUND', `no project has the id ${ref}`);
    const org = await defaultOrganization(db, user);
    const created = await createProject(
      db,
      {
        organizationId: org.id,
        name: ref,
        description: null,
        ownerId: user.id,
      },
      billing,
    );
    return { id: created.id, joined: false, created: true };
  }
  if (matches.length > 1) {
    throw new PlatformError(
      'VALIDATION_FAILED',
      `${matches.length} projects are named "${ref}": ${matches
        .map((p) => `${p.id} (organisation ${p.organization})`)
        .join(', ')}; give --project the id of the one to join`,
    );
  }
  if ((await membershipRole(db, only.id, user.id)) !== undefined)
    return { id: only.id, joined: false, created: false };
  const now = isoTime();
  await db
    .insertInto('memberships')
    .values({ project_id: only.id, user_id: user.id, role, created_at: now, updated_at: now, version: 1 })
    .execute();
  return { id: only.id, joined: true, created: false };
}

export function registerToken(program: Command, { io }: CliContext): void {
  program
    .command('token')
    .description('Print a short-lived access token for a user, creating the user (and project) if missing')
    .requiredOption('--user <email>', 'the user, by email')
    .option('--data-dir <dir>', 'data folder of the platform', './.gpuaas')
    .option('--operator', 'make the user a platform operator')
    .option(
      '--project <name>',
      'the project to work in, by name or id: an existing one is joined, a new name is created (owned by the user)',
    )
    .option(
      '--role <role>',
      'role of the user when --project joins an existing project: owner, member or viewer',
      (v: string) => {
        if (!(ROLES as readonly string[]).includes(v))
          throw new PlatformError('VALIDATION_FAILED', `--role must be owner, member or viewer (got "${v}")`);
        return v as ProjectRole;
      },
      'member' as ProjectRole,
    )
    .option(
      '--database-url <url>',
      'postgres://… when the platform runs on PostgreSQL (env GPUAAS_DATABASE_URL)',
    )
    .option('--public-url <url>', 'issuer to put in the token (default: what the running server recorded)')
    .option('--ttl <seconds>', 'token lifetime in seconds (default 900)', parsePositiveInt)
    .option(
      '--starter-credit <amount>',
      'promotional credit a project created here gets (as serve --starter-credit; default 25.00, 0 disables it)',
    )
    .option('--scope <scopes>', 'limit the token to these space-separated scopes (a node agent: nodes:agent)')
    .option('--json', 'print the token and ids as JSON')
    .action(async (options: TokenOptions) => {
      if (!/^[^@\s]+@[^@\s]+$/.test(options.user)) {
        throw new PlatformError(
          'VALIDATION_FAILED',
          `--user must be an email address (got "${options.user}")`,
        );
      }
      if (options.project !== undefined && !NAME.test(options.project) && !ID.test(options.project)) {
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
        // A command beside the servers: it must not take their background work for a moment.
        leases: { background: false },
        ...(options.starterCredit === undefined ? {} : { billing: { starterCredit: options.starterCredit } }),
      });
      try {
        const user = await ensureUser(platform.db, options.user, { operator: options.operator === true });
        const project =
          options.project === undefined
            ? undefined
            : await bootstrapProject(
                platform.db,
                platform.config.billing,
                user,
                options.project,
                options.role,
              );
        if (project?.joined === true)
          io.stderr.write(
            `${options.user} joined the existing project ${options.project} as ${options.role}\n`,
          );
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
            project_id: project?.id ?? null,
            project_joined: project?.joined ?? false,
          });
        } else {
          io.stdout.write(issued.token + '\n');
        }
      } finally {
        await platform.close();
      }
    });
}
