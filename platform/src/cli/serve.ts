/** `gpuaas-platform serve`: runs the platform until SIGTERM/SIGINT, then drains and stops. */
import type { Command } from 'commander';
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
    .option('--json', 'print the bound URL as JSON')
    .action(async (options: ServeOptions) => {
      const tracing = await startTracing(io.env);
      const platform = await createPlatform({
        dataDir: options.dataDir,
        databaseUrl: options.databaseUrl ?? io.env.GPUAAS_DATABASE_URL,
        publicUrl: options.publicUrl,
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
