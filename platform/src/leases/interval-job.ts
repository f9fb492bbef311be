import type { LeasedJob } from './runner.js';

/**
 * A leased job that calls `work` every `ms` while its lease is held (the sweeper, the storage
 * rater). `work` handles its own errors; a pass still running when the next is due is not doubled.
 */
export function intervalJob(ms: number, work: () => Promise<unknown>): LeasedJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  const pass = () => {
    running ??= work().finally(() => (running = undefined));
  };
  return {
    start() {
      if (timer !== undefined) return;
      timer = setInterval(pass, ms);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
