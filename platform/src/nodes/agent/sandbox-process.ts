/**
 * The sandbox as a process: spawning it (bwrap or, without isolation, the bare command),
 * stopping it gracefully, and cleaning up after an agent that crashed.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmod, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { PlatformError } from '../../errors.js';
import { allocationLayout, bubblewrapArgs, sandboxEnvironment } from './sandbox.js';
import type { AllocationLayout, ResolvedSandboxMode, SandboxSpec } from './sandbox.js';

export interface SandboxExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SandboxProcess {
  pid: number;
  mode: ResolvedSandboxMode;
  stdout: Readable;
  stderr: Readable;
  /** Settles when the sandbox has exited (or failed to start: code null, signal null, `error` set). */
  exited: Promise<SandboxExit & { error?: Error }>;
  /** SIGTERM to the sandboxed command, SIGKILL to everything after `graceMs`. */
  terminate(graceMs: number): Promise<SandboxExit>;
}

interface SandboxRecord {
  pid: number;
  start_time: string | null;
  mode: ResolvedSandboxMode;
}

/** Spawns the command in its sandbox; the allocation must have been prepared. */
export async function startSandbox(
  spec: SandboxSpec,
  options: { mode: ResolvedSandboxMode; bwrap?: string },
): Promise<SandboxProcess> {
  const layout = allocationLayout(spec.dataDir, spec.allocationId);
  const env = sandboxEnvironment(spec, options.mode);
  let child: ChildProcess;
  if (options.mode === 'bubblewrap') {
    // The environment goes through bwrap's own environment, not --setenv, so the runtime secret
    // never appears in a command line that every user of the host can read.
    const args = ['--info-fd', '3', ...bubblewrapArgs(spec)];
    child = spawn(options.bwrap ?? 'bwrap', args, {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
  } else {
    const [file, ...args] = spec.command;
    if (file === undefined) throw new RangeError('empty sandbox command');
    child = spawn(file, args, { env, cwd: layout.home, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  const exited = new Promise<SandboxExit & { error?: Error }>((resolveExit) => {
    child.once('error', (error) => resolveExit({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
  });
  // bwrap reports the sandbox's init process (its host pid) on the info fd.
  let initPid: number | undefined;
  if (options.mode === 'bubblewrap') {
    let info = '';
    child.stdio[3]?.on('data', (chunk: Buffer) => {
      info += chunk.toString('utf8');
      const match = /"child-pid"\s*:\s*(\d+)/.exec(info);
      if (match !== null) initPid = Number(match[1]);
    });
  }
  const pid = child.pid;
  if (pid === undefined) {
    const result = await exited;
    throw new PlatformError('INTERNAL', `sandbox did not start: ${result.error?.message ?? 'no pid'}`);
  }
  const record: SandboxRecord = { pid, start_time: await processStartTime(pid), mode: options.mode };
  await writeFile(layout.record, JSON.stringify(record) + '\n', { mode: 0o600 });

  let done: SandboxExit | undefined;
  void exited.then((result) => (done = result));
  const signal = (target: number, sig: NodeJS.Signals): void => {
    try {
      process.kill(target, sig);
    } catch {
      // Already gone.
    }
  };
  const terminate = async (graceMs: number): Promise<SandboxExit> => {
    if (done !== undefined) return done;
    if (options.mode === 'none') {
      signal(-pid, 'SIGTERM');
    } else {
      // SIGTERM to bwrap itself would kill it and, through --die-with-parent, SIGKILL the
      // command before it can shut down; so the command (the init's child) gets the SIGTERM.
      const command = initPid === undefined ? undefined : await firstChild(initPid);
      if (command !== undefined) signal(command, 'SIGTERM');
      else signal(pid, 'SIGKILL');
    }
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
    if ((await Promise.race([exited, timer])) === 'timeout') {
      // Killing a PID namespace's init kills every process in it.
      if (initPid !== undefined) signal(initPid, 'SIGKILL');
      signal(-pid, 'SIGKILL');
      signal(pid, 'SIGKILL');
    }
    return exited;
  };
  const stdout = child.stdout;
  const stderr = child.stderr;
  if (stdout === null || stderr === null)
    throw new PlatformError('INTERNAL', 'sandbox has no stdout/stderr pipe');
  return { pid, mode: options.mode, stdout, stderr, exited, terminate };
}

async function firstChild(pid: number): Promise<number | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    const first = text.trim().split(/\s+/)[0];
    return first === undefined || first === '' ? undefined : Number(first);
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/PID/stat: tells a recycled pid from the process that was recorded. */
async function processStartTime(pid: number): Promise<string | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/**
 * After an agent crash: kills the sandbox recorded in the allocation folder if it still runs
 * (bubblewrap sandboxes die with the agent; mode 'none' processes outlive it). Returns whether
 * one was killed.
 */
export async function killLeftoverSandbox(layout: AllocationLayout): Promise<boolean> {
  let record: SandboxRecord;
  try {
    record = JSON.parse(await readFile(layout.record, 'utf8')) as SandboxRecord;
  } catch {
    return false;
  }
  if (!Number.isInteger(record.pid) || record.pid <= 1 || record.start_time === null) return false;
  if ((await processStartTime(record.pid)) !== record.start_time) return false;
  for (const target of [-record.pid, record.pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return true;
}

/** Deletes an allocation folder, even one whose tenant made parts of it unwritable. */
export async function removeAllocationDir(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    await makeWritable(dir);
    await rm(dir, { recursive: true, force: true, maxRetries: 2 });
  }
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o700).catch(() => undefined);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isDirectory()) await makeWritable(join(dir, entry.name));
  }
}
