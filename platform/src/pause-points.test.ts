import { afterEach, describe, expect, it, vi } from 'vitest';
import { FAULT_MARKER, PAUSE_MARKER, faultPoint, pausePoint } from './pause-points.js';

const settled = (promise: Promise<void>) =>
  Promise.race([promise.then(() => true), new Promise((r) => setTimeout(() => r(false), 50))]);

describe('pausePoint', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env.NODE_ENV = saved.NODE_ENV;
    process.env.GPUAAS_TEST_PAUSE_AT = saved.GPUAAS_TEST_PAUSE_AT;
    if (saved.GPUAAS_TEST_PAUSE_AT === undefined) delete process.env.GPUAAS_TEST_PAUSE_AT;
    vi.restoreAllMocks();
  });

  it('waits at a named point under NODE_ENV=test and says so on stderr', async () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    process.env.NODE_ENV = 'test';
    process.env.GPUAAS_TEST_PAUSE_AT = 'storage.create, storage.resize';
    expect(await settled(pausePoint('storage.resize'))).toBe(false);
    expect(written).toEqual([`${PAUSE_MARKER} storage.resize\n`]);
    expect(await settled(pausePoint('storage.snapshot'))).toBe(true);
  });

  it('is ignored outside tests, whatever the variable says', async () => {
    process.env.NODE_ENV = 'production';
    process.env.GPUAAS_TEST_PAUSE_AT = 'storage.create';
    expect(await settled(pausePoint('storage.create'))).toBe(true);
  });
});

describe('faultPoint', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env.NODE_ENV = saved.NODE_ENV;
    if (saved.GPUAAS_TEST_FAIL_AT === undefined) delete process.env.GPUAAS_TEST_FAIL_AT;
    else process.env.GPUAAS_TEST_FAIL_AT = saved.GPUAAS_TEST_FAIL_AT;
  });

  it('throws at a named point under NODE_ENV=test, and nowhere else', () => {
    process.env.NODE_ENV = 'test';
    delete process.env.GPUAAS_TEST_FAIL_AT;
    expect(() => faultPoint('api.records')).not.toThrow();
    process.env.GPUAAS_TEST_FAIL_AT = ' api.records ';
    expect(() => faultPoint('api.records')).toThrow(`${FAULT_MARKER} api.records`);
  });

  it('is ignored outside tests, whatever the variable says', () => {
    process.env.NODE_ENV = 'production';
    process.env.GPUAAS_TEST_FAIL_AT = 'api.records';
    expect(() => faultPoint('api.records')).not.toThrow();
  });
});
