import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { components } from '@gpuaas/platform-contract';
import type { CliIo } from '../output.js';
import { allocationReporter } from './allocation-progress.js';

type Allocation = components['schemas']['Allocation'];

function ioWith(tty: boolean): { io: CliIo; err: () => string } {
  const chunks: string[] = [];
  const stderr = Object.assign(new PassThrough(), { isTTY: tty });
  stderr.on('data', (c: Buffer) => chunks.push(c.toString()));
  const stdin = Object.assign(new PassThrough(), { isTTY: tty });
  return { io: { stdout: new PassThrough(), stderr, stdin, env: {}, cwd: '/' }, err: () => chunks.join('') };
}

const base = {
  id: 'a1',
  state_reason: 'created',
  pending_reason: null,
  pending_message: null,
  node_status: null,
} as unknown as Allocation;
const at = (patch: Partial<Allocation>): Allocation => ({ ...base, ...patch });

describe('allocationReporter', () => {
  it('prints one plain line per change when not interactive', () => {
    const { io, err } = ioWith(false);
    const r = allocationReporter(io);
    r.update(at({ state: 'queued', pending_reason: 'no_capacity', pending_message: 'all 8 GPUs busy' }));
    r.update(at({ state: 'queued', pending_reason: 'no_capacity', pending_message: 'all 8 GPUs busy' }));
    r.update(at({ state: 'running', state_reason: 'runtime_ready' }));
    r.done();
    expect(err()).toBe(
      'allocation a1: queued (no_capacity: all 8 GPUs busy)\nallocation a1: running (runtime_ready)\n',
    );
  });

  it('redraws a live line on a terminal and keeps each finished state as a history line', () => {
    const { io, err } = ioWith(true);
    let now = 0;
    const r = allocationReporter(io, () => now);
    r.update(at({ state: 'queued', pending_reason: 'quota_exceeded' }));
    now = 65_000;
    r.update(at({ state: 'failed', state_reason: 'sandbox_failed: no bwrap' }));
    now = 66_000;
    r.done();
    const lines = err().split('\n');
    const clear = '\r\u001b[K';
    expect(lines[0]?.split(clear).at(-1)).toBe('✓ queued — quota_exceeded  1m05s');
    expect(lines[1]?.split(clear).at(-1)).toBe('✗ failed — sandbox_failed: no bwrap  1s');
    expect(lines[0]).toContain(`${clear}⠙ queued`);
    expect(lines[2]).toBe('');
  });
});
