/**
 * `gpuaas audit list` and `gpuaas audit export` (streamed to stdout or `--file`). Without
 * `--project`, both use GPUAAS_PROJECT or the current project; failing that, an operator reads the
 * whole trail and anyone else their only project.
 */
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { components } from '@gpuaas/platform-contract';
import { SdkError } from '@gpuaas/sdk/common';
import { printDiagnostic, printJson } from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import { action, platformClientFor, compact, printList, withGlobalOptions } from '../common.js';
import type { PlatformClient } from '@gpuaas/sdk/client';
import type { CliIo } from '../../output.js';
import type { GlobalOptions } from '../common.js';
import { explicitProject, projectFor } from '../project.js';

type AuditEvent = components['schemas']['AuditEvent'];

interface FilterOptions {
  project?: string;
  since?: string;
  until?: string;
  actor?: string;
  action?: string;
  target?: string;
}

function parseTime(flag: string) {
  return (value: string): string => {
    const t = Date.parse(value);
    if (Number.isNaN(t)) throw new SdkError('USAGE', `${flag} must be an RFC 3339 time (got "${value}")`);
    return new Date(t).toISOString();
  };
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new SdkError('USAGE', `--limit must be a positive integer (got "${value}")`);
  return n;
}

function addFilters<T extends Command>(command: T): T {
  command
    .option(
      '--project <project>',
      'id or name (default: GPUAAS_PROJECT, the current project; then operators read everything, others their only project)',
    )
    .option('--since <time>', 'events at or after this RFC 3339 time', parseTime('--since'))
    .option('--until <time>', 'events before this RFC 3339 time', parseTime('--until'))
    .option('--actor <id>', 'actor id (user or service account)')
    .option('--action <name>', 'action, e.g. project.update')
    .option('--target <id>', 'target id');
  return command;
}

/** The project an audit read is limited to; undefined: the whole trail (operators only). */
async function auditProject(io: CliIo, client: PlatformClient, flag: string | undefined) {
  const explicit = await explicitProject(io, client, flag);
  if (explicit !== undefined) return explicit.id;
  // A token without users:read cannot say: then it is no operator's, as far as this goes.
  const me = await client.api.GET('/v1/users/me').catch(() => undefined);
  if (me?.data?.operator === true) return undefined;
  return (await projectFor(io, client, undefined)).id;
}

export const registerAudit: RegisterCommand = (program, ctx) => {
  const { io } = ctx;
  const audit = program.command('audit').description('Who did what, to which target, when');

  withGlobalOptions(
    addFilters(audit.command('list').description('Audit events, newest first')).option(
      '--limit <n>',
      'at most this many events (default 50)',
      parseCount,
    ),
  ).action(
    action(ctx, async (options: GlobalOptions & FilterOptions & { limit?: number }) => {
      const client = await platformClientFor(io, options);
      const project_id = await auditProject(io, client, options.project);
      const want = options.limit ?? 50;
      const items: AuditEvent[] = [];
      let cursor: string | undefined;
      while (items.length < want) {
        const { data } = await client.api.GET('/v1/audit', {
          params: {
            query: compact({
              project_id,
              since: options.since,
              until: options.until,
              actor: options.actor,
              action: options.action,
              target: options.target,
              limit: Math.min(100, want - items.length),
              cursor,
            }),
          },
        });
        items.push(...data!.items);
        if (data!.next_cursor === null) break;
        cursor = data!.next_cursor;
      }
      printList(
        io,
        options,
        { items },
        [
          'occurred_at',
          'actor_type',
          'actor_id',
          'action',
          'target_id',
          'result',
          'status',
          'correlation_id',
        ],
        items.map((e) => [
          e.occurred_at,
          e.actor_type,
          e.actor_id,
          e.action,
          e.target_id,
          e.result,
          e.status,
          e.correlation_id,
        ]),
      );
    }),
  );

  // Like every command, `--output` is the format of what the command itself prints (here the
  // summary of a file export); the export's own format is `--format` and its file `--file`.
  // `--output FILE` (and `-o FILE`) of earlier versions still write FILE, with a warning.
  withGlobalOptions(
    addFilters(audit.command('export').description('Every matching event as JSON Lines or CSV, streamed'))
      .requiredOption('--format <format>', 'jsonl or csv', (v) => {
        if (v !== 'jsonl' && v !== 'csv')
          throw new SdkError('USAGE', `--format must be jsonl or csv (got "${v}")`);
        return v;
      })
      .option('-f, --file <path>', 'write the export to this file (created 0600) instead of stdout')
      // No parser: a value other than table or json is the file of the old `-o, --output FILE`.
      .option('-o, --output <format>', 'table (default) or json: the summary printed after writing --file'),
    { output: false },
  ).action(
    action(
      ctx,
      async (
        options: Omit<GlobalOptions, 'output'> &
          FilterOptions & { format: 'jsonl' | 'csv'; file?: string; output?: string },
      ) => {
        let file = options.file;
        let json = options.json === true || options.output === 'json';
        if (options.output !== undefined && options.output !== 'table' && options.output !== 'json') {
          if (file !== undefined)
            throw new SdkError('USAGE', `--output must be table or json (got "${options.output}")`);
          file = options.output;
          json = options.json === true;
          printDiagnostic(
            io,
            `warning: \`--output FILE\` is deprecated for audit export: use \`--file ${file}\` (--output now chooses table or json)`,
          );
        }
        const client = await platformClientFor(io, options);
        const project_id = await auditProject(io, client, options.project);
        const response = await client.request('GET', '/v1/audit/export', {
          query: {
            format: options.format,
            project_id,
            since: options.since,
            until: options.until,
            actor: options.actor,
            action: options.action,
            target: options.target,
          },
        });
        let bytes = 0;
        const body = response.body
          ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>).on(
              'data',
              (c: Buffer) => (bytes += c.length),
            )
          : Readable.from([]);
        if (file === undefined) {
          await pipeline(body, io.stdout, { end: false });
          return;
        }
        await pipeline(body, createWriteStream(file, { mode: 0o600 }));
        if (json) printJson(io, { file, format: options.format, bytes });
        else printDiagnostic(io, `wrote ${bytes} bytes of ${options.format} to ${file}`);
      },
    ),
  );
};
