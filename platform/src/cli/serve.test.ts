import { describe, expect, it } from 'vitest';
import { demoWanted } from './serve.js';

describe('serve: whether the demo app is seeded', () => {
  it.each([
    ['by default', { option: true, env: undefined }, true],
    ['--no-demo', { option: false, env: undefined }, false],
    ['GPUAAS_DEMO=off', { option: true, env: 'off' }, false],
    ['GPUAAS_DEMO=0', { option: true, env: '0' }, false],
    ['GPUAAS_DEMO=False (any case)', { option: true, env: ' False ' }, false],
    ['GPUAAS_DEMO=no', { option: true, env: 'no' }, false],
    ['GPUAAS_DEMO=on', { option: true, env: 'on' }, true],
    ['--no-demo wins over GPUAAS_DEMO=on', { option: false, env: 'on' }, false],
  ] as const)('%s', (_name, given, want) => {
    expect(demoWanted(given.option, given.env)).toBe(want);
  });
});
