/**
 * Process groups: every hook, command probe and app process is spawned detached (its own session
 * and process group), so one signal reaches everything it forked, and "the group is gone" is the
 * test for "no orphans left".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Sends a signal to every process of a group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * Whether a process of the group is still running. Zombies do not count: an orphan that died is
 * reaped by init whenever init gets to it (seconds in some containers), yet it runs nothing.
 */
export function groupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  if (process.platform !== 'linux') return true;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^[0-9]+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // Fields after "(comm)": state ppid pgrp …; comm itself may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

/** Polls until no process of the group runs; true when gone, false when `timeoutMs` passed first. */
export async function waitGroupGone(pgid: number, timeoutMs: number, pollMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!groupAlive(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())));
  }
}

/**
 * Ends a group: `signal` first, SIGKILL to the whole group when it is still there after
 * `graceMs`, then waits until nothing of it runs. Resolves `{ killed }` (whether SIGKILL was needed).
 */
export async function terminateGroup(
  pgid: number,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<{ killed: boolean }> {
  if (!signalGroup(pgid, signal)) return { killed: false };
  if (await waitGroupGone(pgid, graceMs)) return { killed: false };
  await killGroup(pgid);
  return { killed: true };
}

/** SIGKILL to the group, repeated until nothing of it runs (a fork racing the first kill). */
export async function killGroup(pgid: number): Promise<void> {
  while (signalGroup(pgid, 'SIGKILL')) {
    if (await waitGroupGone(pgid, 200)) return;
  }
}

/** Waits for `promise` at most `ms`; true when it settled in time. Leaves no timer behind. */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
