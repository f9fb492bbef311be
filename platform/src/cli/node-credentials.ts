/**
 * `gpuaas-platform node-credentials issue|rotate|revoke|list`: node agents' credentials straight
 * from the data folder or database, for bootstrapping a node before any operator has signed in
 * (the REST API, `/v1/node-credentials`, does the same for operators). A secret is printed once,
 * on stdout, and only its hash is stored; each change is audited as done by this command.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { createPlatform } from '../platform.js';
import type { Platform } from '../platform.js';
import { NodeCredentialService, nodeCredentialView } from '../nodes/credentials.js';
import type { CliContext } from './common.js';
import { printJson } from './common.js';

interface StoreOptions {
  dataDir: string;
  databaseUrl?: string;
  json?: boolean;
}

function overlapSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number of seconds');
  return n;
}

export function registerNodeCredentials(program: Command, { io }: CliContext): void {
  const group = program
    .command('node-credentials')
    .description("Issue, rotate, revoke and list node agents' credentials");

  const withStore = (command: Command) =>
    command
      .option('--data-dir <dir>', 'data folder of the platform', './.gpuaas')
      .option(
        '--database-url <url>',
        'postgres://… when the platform runs on PostgreSQL (env GPUAAS_DATABASE_URL)',
      )
      .option('--json', 'print JSON');

  /** Opens the platform's store for one change, without taking any background work. */
  async function using<T>(options: StoreOptions, work: (service: NodeCredentialService) => Promise<T>) {
    const platform: Platform = await createPlatform({
      dataDir: options.dataDir,
      databaseUrl: options.databaseUrl ?? io.env.GPUAAS_DATABASE_URL,
      log: { level: 'silent' },
      defaultMetrics: false,
      localNode: false,
      leases: { background: false },
    });
    try {
      return await work(new NodeCredentialService({ db: platform.db }));
    } finally {
      await platform.close();
    }
  }

  const printIssued = (
    options: StoreOptions,
    issued: { id: string; node_name: string; secret: string; replaces: string | null },
  ) => {
    if (options.json === true) {
      printJson(io, issued);
      return;
    }
    // The secret alone on stdout, so `> credential` makes the agent's file; the rest on stderr.
    io.stderr.write(
      `node credential ${issued.id} for node ${issued.node_name}${issued.replaces === null ? '' : ` (replaces ${issued.replaces})`}: shown once, store it safely\n`,
    );
    io.stdout.write(`${issued.secret}\n`);
  };

  withStore(group.command('issue').description('Issue a credential for the node of this name'))
    .requiredOption('--node <name>', 'the node, by the name its agent registers')
    .action(async (options: StoreOptions & { node: string }) => {
      printIssued(options, await using(options, (s) => s.issue('cli', options.node)));
    });

  withStore(
    group
      .command('rotate')
      .description('Issue a successor; the old credential stays valid during the overlap')
      .argument('<credential-id>'),
  )
    .option('--overlap <seconds>', 'how long the old credential stays valid', overlapSeconds, 3600)
    .action(async (id: string, options: StoreOptions & { overlap: number }) => {
      printIssued(options, await using(options, (s) => s.rotate('cli', id, options.overlap)));
    });

  withStore(
    group.command('revoke').description('Refuse a credential from now on').argument('<credential-id>'),
  ).action(async (id: string, options: StoreOptions) => {
    const row = await using(options, (s) => s.revoke('cli', id));
    if (options.json === true) printJson(io, nodeCredentialView(row));
    else io.stdout.write(`node credential ${id} (node ${row.node_name}) revoked\n`);
  });

  withStore(group.command('list').description('Every credential (never a secret)'))
    .option('--node <name>', 'only those of this node')
    .action(async (options: StoreOptions & { node?: string }) => {
      const rows = await using(options, (s) =>
        s.list('cli', { limit: 10_000, after: undefined }, options.node),
      );
      if (options.json === true) {
        printJson(io, rows.map(nodeCredentialView));
        return;
      }
      for (const r of rows) {
        const state =
          r.revoked_at !== null
            ? `revoked ${r.revoked_at}`
            : r.expires_at !== null
              ? `valid until ${r.expires_at}`
              : 'valid';
        io.stdout.write(`${r.id}  ${r.node_name}  ${state}\n`);
      }
    });
}
