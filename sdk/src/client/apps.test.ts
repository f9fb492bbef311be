import { describe, expect, it } from 'vitest';
import { SdkError } from '../errors.js';
import { waitForApp } from './apps.js';

describe('waitForApp', () => {
  it('waits for ready, reporting each state once', async () => {
    const states = ['fetching', 'installing', 'installing', 'ready'];
    const seen: string[] = [];
    const done = await waitForApp(() => Promise.resolve({ state: states.shift() ?? 'ready' }), {
      timeoutMs: 5000,
      pollMs: 1,
      onChange: (s) => seen.push(s.state),
    });
    expect(done.state).toBe('ready');
    expect(seen).toEqual(['fetching', 'installing', 'ready']);
  });

  it('ends with APP_ENDED carrying the runtime’s code on a final state, WAIT_TIMEOUT when time runs out', async () => {
    const failed = await waitForApp(
      () => Promise.resolve({ state: 'failed', code: 'HOOK_FAILED', reason: 'install exited with code 1' }),
      { timeoutMs: 5000, pollMs: 1, allocationId: 'a1', hint: 'read the logs' },
    ).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(SdkError);
    expect((failed as SdkError).code).toBe('APP_ENDED');
    expect((failed as SdkError).message).toBe(
      'the app is failed (HOOK_FAILED): install exited with code 1; the allocation keeps running',
    );
    expect((failed as SdkError).details).toMatchObject({
      allocation_id: 'a1',
      runtime_code: 'HOOK_FAILED',
      state: 'failed',
      hint: 'read the logs',
    });
    const slow = await waitForApp(() => Promise.resolve({ state: 'installing' }), {
      timeoutMs: 0,
      pollMs: 1,
    }).catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(SdkError);
    expect((slow as SdkError).code).toBe('WAIT_TIMEOUT');
  });
});
