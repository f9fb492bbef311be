import { describe, expect, it } from 'vitest';
import type { PlatformEvent } from '@gpuaas/sdk/browser';
import {
  consentOf,
  describePriceChange,
  hookResults,
  historyOf,
  instanceLabel,
  isEnded,
  isServing,
  splitFailure,
  stateTone,
} from './instance-model.js';
import type { ConsentDiff } from './instance-model.js';

const event = (type: string, data: Record<string, unknown>): PlatformEvent => ({
  id: 'e1',
  type,
  subject: 'app_instance/i1',
  time: '2025-01-01T00:00:00Z',
  project_id: 'p1',
  data: { instance_id: 'i1', ...data },
});

describe('stateTone', () => {
  it.each([
    ['ready', 'ok'],
    ['running', 'ok'],
    ['installing', 'busy'],
    ['pending', 'busy'],
    ['failed', 'bad'],
    ['unknown', 'bad'],
    ['stopped', 'done'],
    ['some_new_state', 'neutral'],
  ])('%s → %s', (state, tone) => expect(stateTone(state)).toBe(tone));
});

describe('isEnded', () => {
  it.each([
    [{ ended_at: null, state: 'ready' }, false],
    [{ ended_at: '2025-01-01T00:00:00Z', state: 'stopped' }, true],
    [{ ended_at: null, state: 'stopped' }, true],
    [{ ended_at: null, state: 'failed' }, false],
  ])('%j → %s', (instance, want) => expect(isEnded(instance)).toBe(want));

  it.each([
    [{ ended_at: null, state: 'ready' }, true],
    [{ ended_at: null, state: 'failed' }, false],
    [{ ended_at: '2025-01-01T00:00:00Z', state: 'stopped' }, false],
  ])('serving: %j → %s', (instance, want) => expect(isServing(instance)).toBe(want));

  it('labels an instance by the tail of its id', () => {
    expect(instanceLabel('01a251ef-af61-754c-8706-1cb35cf0e128')).toBe('…5cf0e128');
  });
});

describe('historyOf', () => {
  it.each([
    [event('app_instance.state_changed', { from: 'starting', to: 'ready' }), 'starting → ready', ''],
    [
      event('app_instance.state_changed', { from: null, to: 'fetching', reason: 'launch' }),
      '— → fetching',
      'launch',
    ],
    [
      event('app_instance.hook_failed', {
        hook: 'install',
        exit_code: 3,
        timed_out: false,
        last_lines: ['boom'],
      }),
      'Hook failed',
      'the install hook exited with code 3',
    ],
    [
      event('app_instance.hook_failed', { hook: 'start', exit_code: null, timed_out: true, last_lines: [] }),
      'Hook failed',
      'the start hook timed out',
    ],
    [
      event('app_instance.probe_changed', { probe: 'readiness', healthy: true }),
      'readiness probe passing',
      '',
    ],
    [
      event('app_instance.upgraded', {
        from_version: '0.1.0',
        to_version: '0.2.0',
        outcome: 'rolled_back',
        code: 'UPGRADE_ROLLED_BACK',
        reason: 'never ready',
      }),
      'Upgrade 0.1.0 → 0.2.0: rolled_back',
      'UPGRADE_ROLLED_BACK never ready',
    ],
    [
      event('app_instance.upgrade_available', { available_version: '0.3.0', consent_required: true }),
      'Version 0.3.0 available',
      'needs your consent to upgrade',
    ],
  ])('%#: %s', (e, what, detail) => {
    expect(historyOf(e)).toMatchObject({ what, detail });
  });

  it("keeps a failed hook's output and ignores other types", () => {
    const e = event('app_instance.hook_failed', { hook: 'install', exit_code: 1, last_lines: ['a', 2, 'b'] });
    expect(historyOf(e)?.output).toEqual(['a', 'b']);
    expect(historyOf(event('allocation.state_changed', {}))).toBeUndefined();
  });
});

describe('splitFailure', () => {
  it.each([
    [
      'hook_failed: the install hook exited with code 3 after 1 attempt; last output:\nboom\nmore',
      {
        summary: 'hook_failed: the install hook exited with code 3 after 1 attempt',
        output: ['boom', 'more'],
      },
    ],
    ['the allocation failed', { summary: 'the allocation failed', output: [] }],
  ])('%s', (detail, want) => expect(splitFailure(detail)).toEqual(want));
});

describe('hookResults', () => {
  it('reads the runtime status hooks, failed first, and tolerates anything else', () => {
    const status = {
      state: 'failed',
      hooks: {
        configure: { hook: 'configure', ok: true, attempts: 1, exit_code: 0, tail: [], time: 't1' },
        install: {
          hook: 'install',
          ok: false,
          attempts: 2,
          exit_code: 3,
          timed_out: false,
          tail: ['x'],
          time: 't0',
        },
        bogus: 'nope',
      },
    };
    expect(hookResults(status)).toEqual([
      { hook: 'install', ok: false, attempts: 2, exitCode: 3, timedOut: false, tail: ['x'], time: 't0' },
      { hook: 'configure', ok: true, attempts: 1, exitCode: 0, timedOut: false, tail: [], time: 't1' },
    ]);
    expect(hookResults(undefined)).toEqual([]);
    expect(hookResults({ state: 'ready' })).toEqual([]);
  });
});

describe('consent', () => {
  const diff: ConsentDiff = {
    from_version: '0.1.0',
    to_version: '0.2.0',
    permissions_added: ['apps:read'],
    permissions_removed: [],
    meters_added: [],
    meters_removed: [],
    prices_changed: [{ item: 'hourly', from: null, to: '0.01' }],
    widening: true,
  };

  it('accepts every added permission and the new charges', () => {
    expect(consentOf(diff)).toEqual({ accepted_permissions: ['apps:read'], accept_changes: true });
    expect(consentOf({ ...diff, prices_changed: [] })).toEqual({
      accepted_permissions: ['apps:read'],
      accept_changes: false,
    });
  });

  it.each([
    [{ item: 'hourly', from: null, to: '0.01' }, 'USD', 'Hourly price: none → 0.01 USD'],
    [
      { item: 'metered.tokens', from: '0.1', to: '0.2' },
      'EUR',
      'Price per unit of tokens: 0.1 EUR → 0.2 EUR',
    ],
    [{ item: 'currency', from: 'USD', to: 'EUR' }, 'EUR', 'Currency: USD → EUR'],
    [{ item: 'hourly', from: '1', to: null }, undefined, 'Hourly price: 1 → none'],
  ])('%j', (change, currency, want) => expect(describePriceChange(change, currency)).toBe(want));
});
