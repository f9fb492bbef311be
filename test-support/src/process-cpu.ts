/**
 * CPU time spent by a process and everything it started (read from /proc), for benchmarks on a
 * shared machine: where throughput depends on what else runs, CPU time per request says what a
 * path costs.
 */
import { readFileSync, readdirSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

interface ProcStat {
  ppid: number;
  cpuMs: number;
}

function readStat(pid: string): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
  } catch {
    return undefined; // gone since the listing
  }
}

/**
 * Milliseconds of CPU (user + system) used so far by `rootPid` and its living descendants, and by
 * the root alone. Descendants that already exited are not counted (their time went to a parent
 * that waited for them only if it did).
 */
export function processTreeCpu(rootPid: number): { rootMs: number; treeMs: number } {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(entry);
    if (stat !== undefined) stats.set(Number(entry), stat);
  }
  const inTree = (pid: number): boolean => {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = stats.get(at)?.ppid)
      if (at === rootPid) return true;
    return false;
  };
  let treeMs = 0;
  for (const [pid, stat] of stats) if (inTree(pid)) treeMs += stat.cpuMs;
  return { rootMs: stats.get(rootPid)?.cpuMs ?? 0, treeMs };
}

/** This process's own CPU so far, in milliseconds. */
export function ownCpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}
