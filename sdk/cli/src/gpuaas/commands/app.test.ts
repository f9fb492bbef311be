import { describe, expect, it } from 'vitest';
import { appEndedHint, parseParams } from './app.js';

describe('gpuaas app helpers', () => {
  it('keeps --param values as text (the runtime types them by the manifest)', () => {
    expect(parseParams(['model=llama', 'gpus=2', 'prompt=a=b'])).toEqual({
      model: 'llama',
      gpus: '2',
      prompt: 'a=b',
    });
    expect(() => parseParams(['=x'])).toThrow(/--param must be name=value/);
  });

  it('tells a user whose app ended how to read its output and free the GPUs', () => {
    // The library's waitForApp carries it in APP_ENDED's details (sdk/src/client/apps.test.ts).
    expect(appEndedHint('a1')).toContain('`gpuaas app logs a1 --stderr`');
    expect(appEndedHint('a1')).toContain('`gpuaas allocations release a1`');
  });
});
