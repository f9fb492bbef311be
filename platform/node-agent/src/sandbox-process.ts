/**
 * The sandbox as a process: spawning it (bwrap or, without isolation, the bare command),
 * stopping it gracefully, and cleaning up after an agent that crashed.
 *
 * As root, the agent starts a sandbox in four steps: a holder process creates a user namespace
 * as the allocation's host uid BASE; the agent maps 0…65535 in it onto BASE… (only a privileged
 * process may map a range); a small shell joins the allocation's control groups and drops to BASE
 * with `setpriv`; bwrap then enters that namespace (`--userns`) and builds the sandbox.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { NodeAgentError } from './errors.js';
import {
  allocationLayout,
  bubblewrapPlan,
  findOnPath,
  INFO_FD,
  sandboxEnvironment,
  USERNS_SIZE,
} from './sandbox.js';
import type { AllocationLayout, ResolvedSandboxMode, SandboxSpec } from './sandbox.js';
import { removeCgroup } from './sandbox-limits.js';
import type { Cgroup } from './sandbox-limits.js';

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
  cgroup?: { kind: 'v1' | 'v2'; name: string };
}

/** Joins the control groups named by the first arguments, then runs the rest. */
const JOIN_CGROUPS =
  'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1"; shift; n=$((n-1)); done; exec "$@"';

export interface UserNamespace {
  fd: number;
  /** /proc/<holder>/ns/user, valid until close(). */
  path: string;
  close(): void;
}

/** A user namespace owned by host uid `base`, with 0…65535 inside mapped onto base…base+65535. */
export async function createUserNamespace(base: number): Promise<UserNamespace> {
  const unshare = findOnPath('unshare', '/usr/bin:/bin:/usr/sbin:/sbin') ?? 'unshare';
  const holder = spawn(unshare, ['--user', '--', '/bin/sh', '-c', 'echo ready; read _'], {
    uid: base,
    gid: base,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const close = (): void => {
    holder.stdin?.end();
    holder.kill('SIGKILL');
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the user namespace holder did not start')), 5000);
      let stderr = '';
      holder.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
      holder.stdout?.once('data', () => {
        clearTimeout(timer);
        resolve();
      });
      holder.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      holder.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`unshare --user exited (${code}): ${stderr.trim()}`));
      });
    });
    const pid = holder.pid as number;
    await writeFile(`/proc/${pid}/uid_map`, `0 ${base} ${USERNS_SIZE}\n`);
    await writeFile(`/proc/${pid}/gid_map`, `0 ${base} ${USERNS_SIZE}\n`);
    return { fd: openSync(`/proc/${pid}/ns/user`, 'r'), path: `/proc/${pid}/ns/user`, close };
  } catch (error) {
    close();
    throw error;
  }
}

/** Spawns the command in its sandbox; the allocation must have been prepared. */
export async function startSandbox(
  spec: SandboxSpec,
  options: { mode: ResolvedSandboxMode; bwrap?: string; cgroup?: Cgroup; cgroupName?: string },
): Promise<SandboxProcess> {
  const layout = allocationLayout(spec.dataDir, spec.allocationId);
  const env = sandboxEnvironment(spec, options.mode);
  let child: ChildProcess;
  if (options.mode === 'bubblewrap') {
    const plan = bubblewrapPlan(spec);
    const userns =
      spec.identity.kind === 'userns' ? await createUserNamespace(spec.identity.uidBase) : undefined;
    const fds: number[] = [];
    try {
      for (const path of plan.fdPaths) fds.push(openSync(path, 'r'));
      const bwrap = [options.bwrap ?? 'bwrap', '--info-fd', String(INFO_FD), ...plan.args];
      const drop =
        spec.identity.kind === 'userns'
          ? [
              findOnPath('setpriv', '/usr/bin:/bin') ?? 'setpriv',
              `--reuid=${spec.identity.uidBase}`,
              `--regid=${spec.identity.uidBase}`,
              '--clear-groups',
              '--',
            ]
          : [];
      const groups = options.cgroup?.procsFiles ?? [];
      child = spawn(
        '/bin/sh',
        ['-c', JOIN_CGROUPS, 'sh', String(groups.length), ...groups, ...drop, ...bwrap],
        {
          env,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe', userns?.fd ?? 'ignore', 'pipe', ...fds],
        },
      );
    } finally {
      for (const fd of fds) closeSync(fd);
      if (userns !== undefined) {
        closeSync(userns.fd);
        userns.close();
      }
    }
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
    child.stdio[INFO_FD]?.on('data', (chunk: Buffer) => {
      info += chunk.toString('utf8');
      const match = /"child-pid"\s*:\s*(\d+)/.exec(info);
      if (match !== null) initPid = Number(match[1]);
    });
  }
  const pid = child.pid;
  if (pid === undefined) {
    const result = await exited;
    throw new NodeAgentError('SANDBOX_FAILED', `sandbox did not start: ${result.error?.message ?? 'no pid'}`);
  }
  const record: SandboxRecord = { pid, start_time: await processStartTime(pid), mode: options.mode };
  if (options.cgroup !== undefined && options.cgroupName !== undefined)
    record.cgroup = { kind: options.cgroup.kind, name: options.cgroupName };
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
    throw new NodeAgentError('SANDBOX_FAILED', 'sandbox has no stdout/stderr pipe');
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
 * (bubblewrap sandboxes die with the agent; mode 'none' processes outlive it), and every process
 * left in its control group. Returns whether one was killed.
 */
export async function killLeftoverSandbox(layout: AllocationLayout): Promise<boolean> {
  let record: SandboxRecord;
  try {
    record = JSON.parse(await readFile(layout.record, 'utf8')) as SandboxRecord;
  } catch {
    return false;
  }
  let killed = false;
  if (Number.isInteger(record.pid) && record.pid > 1 && record.start_time !== null) {
    if ((await processStartTime(record.pid)) === record.start_time) {
      for (const target of [-record.pid, record.pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      killed = true;
    }
  }
  if (record.cgroup !== undefined)
    killed = (await removeCgroup(record.cgroup.kind, record.cgroup.name)) > 0 || killed;
  return killed;
}
