/**
 * The commands the publish bench times: ours (`gpuaas-app`, run as a child process exactly as a
 * user runs it) and the baselines (`tar | sha256sum`, `skopeo copy`).
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMeasured, type ChildRun } from './measure.ts';

/** The CLI under test: the built bin, or another entry point named by BENCH_PUBLISH_CLI. */
export const CLI =
  process.env.BENCH_PUBLISH_CLI ?? fileURLToPath(new URL('../../cli/bin/gpuaas-app.js', import.meta.url));

/** Our CLI's parsed `--json` output with the run's measurements. */
export interface CliRun extends ChildRun {
  json: Record<string, unknown>;
}

/** Runs `gpuaas-app ARGS --json` with Node and parses its stdout. */
export async function gpuaasApp(args: readonly string[]): Promise<CliRun> {
  const run = await runMeasured(process.execPath, [CLI, ...args, '--json']);
  let json: unknown;
  try {
    json = JSON.parse(run.stdout);
  } catch {
    throw new Error(`gpuaas-app ${args[0]} --json printed no JSON:\n${run.stdout.slice(0, 2000)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`gpuaas-app ${args[0]} --json printed ${run.stdout.slice(0, 200)}, not an object`);
  }
  return { ...run, json: json as Record<string, unknown> };
}

/**
 * Blob bytes a push or promotion says it sent: `bytesUploaded` in push --json, `bytesCopied` in
 * promote --json (blobs copied rather than mounted).
 */
export function blobBytesSent(json: Record<string, unknown>, field: 'bytesUploaded' | 'bytesCopied'): number {
  const value = json[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new Error(`gpuaas-app --json output has no ${field} count: ${JSON.stringify(json).slice(0, 2000)}`);
  }
  return value;
}

/** `tar -cf - -C DIR . | sha256sum`: read every byte, frame it as a tar, hash it. */
export function tarSha256sum(dir: string): Promise<ChildRun> {
  return runMeasured('bash', ['-o', 'pipefail', '-c', 'tar -cf - -C "$1" . | sha256sum', 'bash', dir]);
}

/** `tar -czf OUT -C DIR .`: read every file, frame it as a tar, gzip it (gzip's default level 6). */
export function tarCzf(dir: string, out: string): Promise<ChildRun> {
  return runMeasured('tar', ['-czf', out, '-C', dir, '.']);
}

const SYSTEM_BLOB_CACHE = '/var/lib/containers/cache';

let bwrapAvailable: boolean | undefined;
function hasBwrap(): boolean {
  bwrapAvailable ??= ['/usr/bin/bwrap', '/bin/bwrap'].some((path) => existsSync(path));
  return bwrapAvailable;
}

/**
 * `skopeo copy` of `oci:LAYOUT:TAG` to `docker://DEST`, with an empty blob-info cache, so that it
 * cannot learn from an earlier run where blobs already are. Unprivileged skopeo keeps that cache
 * under $XDG_DATA_HOME (a fresh folder here); as root it uses /var/lib/containers/cache, which is
 * hidden under a private tmpfs with bwrap, or else emptied (the brief allows it: a cache only).
 */
export function skopeoCopy(
  layout: string,
  tag: string,
  destination: string,
  home: string,
): Promise<ChildRun> {
  rmSync(home, { recursive: true, force: true });
  for (const sub of ['data', 'config', 'run', 'tmp']) mkdirSync(join(home, sub), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_RUNTIME_DIR: join(home, 'run'),
    TMPDIR: join(home, 'tmp'),
  };
  // --preserve-digests: skopeo must send the very bytes we send (it would refuse rather than
  // recompress); it already does so for this artifact type, the flag makes sure.
  const args = [
    'copy',
    '--dest-tls-verify=false',
    '--preserve-digests',
    `oci:${layout}:${tag}`,
    `docker://${destination}`,
  ];
  const root = process.getuid?.() === 0;
  if (root && hasBwrap()) {
    mkdirSync(SYSTEM_BLOB_CACHE, { recursive: true });
    return runMeasured('bwrap', ['--dev-bind', '/', '/', '--tmpfs', SYSTEM_BLOB_CACHE, 'skopeo', ...args], {
      env,
    });
  }
  if (root && existsSync(SYSTEM_BLOB_CACHE)) {
    for (const name of readdirSync(SYSTEM_BLOB_CACHE)) {
      if (name.startsWith('blob-info-cache')) rmSync(join(SYSTEM_BLOB_CACHE, name), { force: true });
    }
  }
  return runMeasured('skopeo', args, { env });
}
