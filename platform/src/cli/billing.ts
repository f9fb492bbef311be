/**
 * `gpuaas-platform billing check`: the operator's proof that the ledger is whole. It recomputes
 * every account's balance from the transfers alone (the library's checkLedger), compares each
 * with the cached balance, checks that every currency sums to zero, and recomputes every
 * project's chain of closed statements (verifyStatementChain). Exit 0 only when nothing differs; 1 (EXIT_CODES.REFUSED, "a check failed") with every difference named otherwise. It
 * reads the database directly (like `token`), so whoever runs it holds the data folder anyway, and
 * it never migrates or writes: a check must not change what it checks.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { InvalidArgumentError } from 'commander';
import { EXIT_CODES } from '@gpuaas/sdk';
import { asBillingDb, checkLedger, formatMoney } from '../billing/index.js';
import type { LedgerCheckReport } from '../billing/index.js';
import { asStatementDb, verifyStatementChain } from '../billing/statements.js';
import type { ChainProblem, StatementDb } from '../billing/statements.js';
import { createDatabase, dialectOf } from '../db/database.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import type { CliContext, PlatformCliIo } from './common.js';
import { printJson } from './common.js';

type OutputFormat = 'table' | 'json';

/** A broken link of one project's closed-statement chain. */
interface BrokenChain extends ChainProblem {
  projectId: string;
  currency: string;
  /** Set for a publisher statement chain. */
  account?: 'publisher';
}

interface CheckReport extends LedgerCheckReport {
  brokenChains: BrokenChain[];
}

interface CheckOptions {
  dataDir: string;
  databaseUrl?: string;
  output: OutputFormat;
  json?: boolean;
}

function parseOutput(value: string): OutputFormat {
  if (value !== 'table' && value !== 'json') throw new InvalidArgumentError('must be table or json');
  return value;
}

export function registerBilling(program: Command, { io, setExitCode }: CliContext): void {
  const billing = program.command('billing').description("Operate the platform's billing ledger");
  billing
    .command('check')
    .description(
      'Recompute every balance from the ledger transfers and compare it with the cached balance, ' +
        'and every closed statement chain; exits 1 and names each difference when anything differs, ' +
        'a currency does not sum to zero or a statement chain is broken',
    )
    .option('--data-dir <dir>', 'data folder of the platform', './.gpuaas')
    .option(
      '--database-url <url>',
      'postgres://… when the platform runs on PostgreSQL (env GPUAAS_DATABASE_URL)',
    )
    .option('--output <format>', 'table or json', parseOutput, 'table')
    .option('--json', 'same as --output json')
    .action(async (options: CheckOptions) => {
      const url = options.databaseUrl ?? io.env.GPUAAS_DATABASE_URL;
      requireExistingDatabase(options.dataDir, url);
      const database = await createDatabase({ dataDir: options.dataDir, url, migrate: false, poolSize: 2 });
      let report: CheckReport;
      try {
        report = await checkAll(database.db).catch((error: unknown) => {
          throw new PlatformError(
            'CONFIG_INVALID',
            `cannot read the billing ledger (${error instanceof Error ? error.message : String(error)}); ` +
              'start `gpuaas-platform serve` once on this database so it applies its migrations',
            { cause: error },
          );
        });
      } finally {
        await database.close();
      }
      if (options.json === true || options.output === 'json') printJson(io, reportJson(report));
      else printTable(io, report);
      if (!report.ok) setExitCode(EXIT_CODES.REFUSED);
    });
}

async function checkAll(db: Kysely<Tables>): Promise<CheckReport> {
  const ledger = await checkLedger(asBillingDb(db));
  const brokenChains = await checkStatementChains(asStatementDb(db));
  return { ...ledger, ok: ledger.ok && brokenChains.length === 0, brokenChains };
}

/** Every closed statement chain (project and currency), of project and of publisher statements. */
async function checkStatementChains(db: StatementDb): Promise<BrokenChain[]> {
  const broken: BrokenChain[] = [];
  const books = [
    ['project', 'billing_statements'],
    ['publisher', 'billing_publisher_statements'],
  ] as const;
  for (const [account, table] of books) {
    const chains = await db
      .selectFrom(table)
      .select(['project_id', 'currency'])
      .distinct()
      .orderBy('project_id')
      .orderBy('currency')
      .execute();
    for (const { project_id: projectId, currency } of chains) {
      for (const problem of await verifyStatementChain(db, { projectId, currency, account })) {
        broken.push({ projectId, currency, ...(account === 'publisher' ? { account } : {}), ...problem });
      }
    }
  }
  return broken;
}

/** A SQLite check of a folder without a database would create an empty one and call it whole. */
function requireExistingDatabase(dataDir: string, url: string | undefined): void {
  if (dialectOf(url) !== 'sqlite') return;
  const file =
    url?.startsWith('sqlite:') === true
      ? resolve(dataDir, url.slice('sqlite:'.length))
      : join(resolve(dataDir), 'platform.sqlite');
  if (!existsSync(file)) {
    throw new PlatformError(
      'CONFIG_INVALID',
      `no platform database at ${file}: give --data-dir the folder \`gpuaas-platform serve\` uses, or --database-url`,
    );
  }
}

/** Micros as JSON integers; text only past 2^53, where a JSON number would lose digits. */
function micros(value: bigint | null): number | string | null {
  if (value === null) return null;
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

function reportJson(report: CheckReport) {
  return {
    ok: report.ok,
    accounts: report.accounts,
    transfers: report.transfers,
    differences: report.differences.map((d) => ({
      account_id: d.accountId,
      field: d.field,
      cached_micros: micros(d.cached),
      recomputed_micros: micros(d.recomputed),
    })),
    imbalances: report.imbalances.map((i) => ({
      currency: i.currency,
      posted_micros: micros(i.posted),
      pending_micros: micros(i.pending),
    })),
    problems: report.problems,
    broken_chains: report.brokenChains.map((b) => ({
      project_id: b.projectId,
      currency: b.currency,
      period: b.period,
      problem: b.problem,
    })),
  };
}

function printTable(io: PlatformCliIo, report: CheckReport): void {
  const out = (line: string) => void io.stdout.write(`${line}\n`);
  out(`ledger: ${report.accounts} accounts, ${report.transfers} transfers`);
  if (report.differences.length > 0) {
    const rows = [
      ['ACCOUNT', 'FIELD', 'CACHED', 'RECOMPUTED'],
      ...report.differences.map((d) => [
        d.accountId,
        d.field,
        d.cached === null ? '(no cached row)' : signed(d.cached),
        signed(d.recomputed),
      ]),
    ];
    const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
    for (const row of rows) {
      out(row.map((cell, c) => (c < 3 ? cell.padEnd(widths[c] ?? 0) : cell)).join('  '));
    }
  }
  for (const i of report.imbalances) {
    out(
      `imbalance ${i.currency}: credits − debits = ${signed(i.posted)} posted, ${signed(i.pending)} pending`,
    );
  }
  for (const problem of report.problems) out(`problem: ${problem}`);
  for (const b of report.brokenChains) {
    out(`broken statement chain: project ${b.projectId} ${b.currency} ${b.period}: ${b.problem}`);
  }
  if (report.ok) {
    out(
      'ok: every cached balance equals its transfers, every currency sums to zero ' +
        'and every closed statement chain is intact',
    );
  } else {
    out(
      `FAILED: ${report.differences.length} balance difference(s), ${report.imbalances.length} ` +
        `imbalance(s), ${report.problems.length} problem(s), ${report.brokenChains.length} ` +
        'broken statement chain link(s)',
    );
  }
}

function signed(value: bigint): string {
  return value < 0n ? `-${formatMoney(-value)}` : formatMoney(value);
}
