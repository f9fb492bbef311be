/** `gpuaas audit list` and `gpuaas audit export` (streamed to stdout or a file). */
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { components } from '../../../client/__generated__/platform-api.js';
import { SdkError } from '../../../errors.js';
import { printDiagnostic, printJson } from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import { action, clientFor, compact, printList, resolveProjectId, withGlobalOptions } from '../common.js';
import type { GlobalOptions } from '../common.js';

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
    .option('--project <project>', 'project id or name (required unless you are an operator)')
    .option('--since <time>', 'events at or after this RFC 3339 time', parseTime('--since'))
    .option('--until <time>', 'events before this RFC 3339 time', parseTime('--until'))
    .option('--actor <id>', 'actor id (user or service account)')
    .option('--action <name>', 'action, e.g. project.update')
    .option('--target <id>', 'target id');
  return command;
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
      const client = await clientFor(io, options);
      const project_id =
        options.project === undefined ? undefined : await resolveProjectId(client, options.project);
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

  // `--output` names the file here (the export's format is `--format`), so no table/json choice.
  withGlobalOptions(
    addFilters(audit.command('export').description('Every matching event as JSON Lines or CSV, streamed'))
      .requiredOption('--format <format>', 'jsonl or csv', (v) => {
        if (v !== 'jsonl' && v !== 'csv')
          throw new SdkError('USAGE', `--format must be jsonl or csv (got "${v}")`);
        return v;
      })
      .option('-o, --output <file>', 'write to this file instead of stdout'),
    { output: false },
  ).action(
    action(
      ctx,
      async (
        options: Omit<GlobalOptions, 'output'> & FilterOptions & { format: 'jsonl' | 'csv'; output?: string },
      ) => {
        const client = await clientFor(io, options);
        const project_id =
          options.project === undefined ? undefined : await resolveProjectId(client, options.project);
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
        if (options.output === undefined) {
          await pipeline(body, io.stdout, { end: false });
          return;
        }
        await pipeline(body, createWriteStream(options.output, { mode: 0o600 }));
        if (options.json === true) printJson(io, { file: options.output, format: options.format, bytes });
        else printDiagnostic(io, `wrote ${bytes} bytes of ${options.format} to ${options.output}`);
      },
    ),
  );
};
