/**
 * `npm run chaos`: the chaos run of issue 19 (test/support/chaos-run.ts) for CHAOS_SECONDS
 * (default 300), progress on stderr, the JSON summary on stdout; exits 1 when a check failed.
 * Needs root (a network namespace for the remote node) and PostgreSQL at 127.0.0.1:5432.
 */
import { postgresReachable } from '@gpuaas/test-support';
import { netnsUnavailable } from './support/netns.js';
import { runChaos } from './support/chaos-run.js';

const seconds = Number(process.env.CHAOS_SECONDS ?? 300);
const why =
  (await netnsUnavailable()) ?? ((await postgresReachable()) ? undefined : 'PostgreSQL is not reachable');
if (why !== undefined) {
  process.stderr.write(`chaos: cannot run (${why})\n`);
  process.exit(2);
}
const summary = await runChaos({ seconds, log: (line) => process.stderr.write(`chaos: ${line}\n`) });
process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
process.exitCode = summary.ok ? 0 : 1;
