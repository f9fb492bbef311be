import { describe, expect, it } from 'vitest';
import { SdkError } from '../../../errors.js';
import { parseParams, waitForApp } from './app.js';

describe('gpuaas app helpers', () => {
  it('keeps --param values as text (the runtime types them by the manifest)', () => {
    expect(parseParams(['model=llama', 'gpus=2', 'prompt=a=b'])).toEqual({
      model: 'llama',
      gpus: '2',
      prompt: 'a=b',
    });
    expect(() => parseParams(['=x'])).toThrow(/--param must be name=value/);
  });

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
      { timeoutMs: 5000, pollMs: 1, allocationId: 'a1' },
    ).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(SdkError);
    expect((failed as SdkError).code).toBe('APP_ENDED');
    expect((failed as SdkError).message).toBe(
      'the app is failed (HOOK_FAILED): install exited with code 1; the allocation keeps running',
    );
    expect((failed as SdkError).details).toMatchObject({
      runtime_code: 'HOOK_FAILED',
      state: 'failed',
      hint: expect.stringContaining('gpuaas app logs a1 --stderr'),
    });
    const slow = await waitForApp(() => Promise.resolve({ state: 'installing' }), {
      timeoutMs: 0,
      pollMs: 1,
    }).catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(SdkError);
    expect((slow as SdkError).code).toBe('WAIT_TIMEOUT');
  });
});
