// TEMPORARY diagnostic (helper R5): memory while fetching in a child process, per variant.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry } from '@gpuaas/test-support';
import { publishBenchApps } from './runtime/apps.ts';

const variants = JSON.parse(process.argv[2]!) as { flags: string[]; env?: Record<string, string> }[];
const work = mkdtempSync(join(tmpdir(), 'r5-fm-'));
const registry = await startRegistry();
try {
  const apps = await publishBenchApps(join(work, 'apps'), registry.host, 1024);
  writeFileSync(join(work, 'policy.yaml'), apps.trustPolicy);
  for (let r = 0; r < Number(process.env.REPS ?? 1); r++)
    for (const v of variants)
      for (const ref of (process.env.WHICH === 'tiny' ? [apps.tiny] : [apps.large])) {
        const out = execFileSync(
          process.execPath,
          [
            ...v.flags,
            new URL(process.env.CHILD ?? './r5-fetchchild.ts', import.meta.url).pathname,
            ref,
            join(work, 'policy.yaml'),
            join(work, 'cache'),
          ],
          { env: { ...process.env, ...v.env }, encoding: 'utf8' },
        );
        console.log(JSON.stringify(v), ref.split('/').pop(), process.env.CHILD ? '\n' + out : out.trim().replace(/\n/g, ' | '));
        rmSync(join(work, 'cache'), { recursive: true, force: true });
      }
} finally {
  await registry.stop();
  rmSync(work, { recursive: true, force: true });
}
