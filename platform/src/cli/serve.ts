/** `gpuaas-platform serve`: runs the platform until SIGTERM/SIGINT, then drains and stops. */
import type { Command } from 'commander';
import { PlatformError } from '../errors.js';
import { createPlatform } from '../platform.js';
import { startTracing } from '../tracing.js';
import type { CliContext } from './common.js';
import { parsePort, parsePositiveInt, printJson } from './common.js';

interface ServeOptions {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  publicUrl?: string;
  graceSeconds: number;
  trustIssuer: string[];
  trustAudience?: string;
  claimEmail: string;
  json?: boolean;
}

export function registerServe(program: Command, { io }: CliContext): void {
  program
    .command('serve')
    .description('Run the platform; ready when GET /readyz answers 200')
    .option('--port <port>', 'TCP port (0 picks a free one)', parsePort, 8080)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--data-dir <dir>', 'data folder: SQLite file, key-encryption secret', './.gpuaas')
    .option('--database-url <url>', 'postgres://… to run on PostgreSQL (env GPUAAS_DATABASE_URL)')
    .option('--public-url <url>', 'public base URL, the token issuer (same for every instance)')
    .option('--grace-seconds <n>', 'time in-flight requests get on shutdown', parsePositiveInt, 10)
    .option(
      '--trust-issuer <url>',
      'accept tokens of this external OpenID issuer (repeatable; docs/auth.md)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--trust-audience <aud>', 'the audience tokens of the trusted issuers must carry')
    .option('--claim-email <claim>', 'claim of external tokens that holds the user email', 'email')
    .option('--json', 'print the bound URL as JSON')
    .action(async (options: ServeOptions) => {
      if (options.trustIssuer.length > 0 && options.trustAudience === undefined) {
        throw new PlatformError('CONFIG_INVALID', '--trust-issuer needs --trust-audience');
      }
      const tracing = await startTracing(io.env);
      const platform = await createPlatform({
        dataDir: options.dataDir,
        databaseUrl: options.databaseUrl ?? io.env.GPUAAS_DATABASE_URL,
        publicUrl: options.publicUrl,
        trustedIssuers: options.trustIssuer.map((issuer) => ({
          issuer,
          audience: options.trustAudience ?? '',
          claim: options.claimEmail,
        })),
      });
      const { url } = await platform.listen({ port: options.port, host: options.host });
      if (options.json === true) printJson(io, { url, issuer: platform.issuer });
      else io.stdout.write(`gpuaas-platform listening on ${url}\n`);

      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          io.signal?.removeEventListener('abort', stop);
          resolve();
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
        io.signal?.addEventListener('abort', stop);
        if (io.signal?.aborted === true) stop();
      });
      io.stderr.write('gpuaas-platform: shutting down\n');
      await platform.close({ graceMs: options.graceSeconds * 1000 });
      await tracing?.shutdown();
    });
}
