/**
 * Progress of an allocation on stderr while a command waits for it: on an interactive terminal a
 * live line (state, why it waits, elapsed time) that is kept as a history line at each change; in
 * CI one plain line per change. stdout stays free for the result (and `--output json`).
 */
import type { components } from '@gpuaas/platform-contract';
import { isInteractive } from '../output.js';
import type { CliIo } from '../output.js';
import { stateDetail } from './format.js';

type Allocation = components['schemas']['Allocation'];

export interface AllocationReporter {
  /** Reports the allocation if anything shown changed since the last call. */
  update(allocation: Allocation): void;
  /** Ends the live line (if any). */
  done(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The part of an allocation a person watches: a change in any of it is reported. */
export function changeKey(a: Allocation): string {
  return [a.state, a.state_reason, a.pending_reason, a.pending_message, a.node_status].join('\u0000');
}

function seconds(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export function allocationReporter(io: CliIo, now: () => number = Date.now): AllocationReporter {
  let lastKey: string | undefined;
  if (!isInteractive(io)) {
    return {
      update(a) {
        const key = changeKey(a);
        if (key === lastKey) return;
        lastKey = key;
        io.stderr.write(`allocation ${a.id}: ${a.state} (${stateDetail(a)})\n`);
      },
      done: () => undefined,
    };
  }

  let current: { text: string; since: number } | undefined;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = (): void => {
    if (current === undefined) return;
    frame = (frame + 1) % FRAMES.length;
    io.stderr.write(`\r\x1b[K${FRAMES[frame]} ${current.text}  ${seconds(now() - current.since)}`);
  };
  const settle = (mark: string): void => {
    if (current === undefined) return;
    io.stderr.write(`\r\x1b[K${mark} ${current.text}  ${seconds(now() - current.since)}\n`);
    current = undefined;
  };
  let lastState: Allocation['state'] | undefined;
  return {
    update(a) {
      const key = changeKey(a);
      if (key === lastKey) return;
      lastKey = key;
      settle('✓');
      lastState = a.state;
      current = { text: `${a.state} — ${stateDetail(a)}`, since: now() };
      draw();
      if (timer === undefined) {
        timer = setInterval(draw, 250);
        timer.unref();
      }
    },
    done() {
      clearInterval(timer);
      timer = undefined;
      settle(lastState === 'failed' || lastState === 'preempted' ? '✗' : '✓');
    },
  };
}
