/**
 * The runtime's events as `app_instance.*` events (upgrade outcomes live and off a later status,
 * keys that match across followers, what is ignored), and the stream reader's framing and bounds.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { derivedEventId } from './instance-events.js';
import { RuntimeEventTranslator } from './instance-event-translation.js';
import { MAX_MESSAGE, readRuntimeEvents } from './runtime-events.js';

const time = (ms: number) => new Date(Date.UTC(2030, 0, 1) + ms).toISOString();

describe('the runtime event translator', () => {
  it.each([
    ['succeeded', {}],
    ['rolled_back', { reason: 'upgrade rolled back to 1.0.0: 2.0.0 failed', code: 'UPGRADE_ROLLED_BACK' }],
    ['failed', { reason: 'rollback to 1.0.0 failed', code: 'APP_FAILED' }],
    ['stopped', {}],
  ])(
    'an upgrade that ended %s is app_instance.upgraded, live or read off a later snapshot',
    (outcome, why) => {
      const ended = { from: '1.0.0', to: '2.0.0', outcome, ...why, time: time(2) };
      const live = new RuntimeEventTranslator('alloc-1');
      live.snapshot({ state: 'ready', since: time(0), app: { version: '1.0.0' } });
      const [event] = live.event({ type: 'upgrade', ...ended });
      expect(event?.type).toBe('app_instance.upgraded');
      expect(event?.data).toEqual({ from_version: '1.0.0', to_version: '2.0.0', outcome, ...why });
      // A platform that connects later finds it in the status and derives the same id.
      const late = new RuntimeEventTranslator('alloc-1');
      const read = late.snapshot({ state: 'ready', since: time(3), last_upgrade: ended });
      expect(read.map((e) => e.type)).toEqual(['app_instance.state_changed', 'app_instance.upgraded']);
      expect(read[1]?.once).toEqual(event?.once);
    },
  );

  it('refuses an upgrade outcome or code it does not know', () => {
    const translator = new RuntimeEventTranslator('alloc-1');
    const base = { type: 'upgrade', from: '1.0.0', to: '2.0.0', time: time(1) };
    expect(translator.event({ ...base, outcome: 'exploded' })).toEqual([]);
    expect(translator.event({ ...base, outcome: 'failed', code: '<b>' })[0]?.data).not.toHaveProperty('code');
  });

  it('keys an event by what it is, so two followers derive the same id', () => {
    const one = new RuntimeEventTranslator('alloc-1');
    const two = new RuntimeEventTranslator('alloc-1');
    const event = { type: 'hook', hook: 'start', ok: false, exit_code: 1, tail: [], time: time(5) };
    const [a] = one.event(event);
    const [b] = two.event(event);
    expect(a?.once).toEqual(b?.once);
    expect(derivedEventId(a?.once.key ?? '', a?.once.at ?? 0)).toBe(
      derivedEventId(b?.once.key ?? '', b?.once.at ?? 0),
    );
    // A UUIDv7 of the runtime's time: ordered with the ids around it.
    expect(derivedEventId('k', Date.UTC(2030, 0, 1))).toMatch(
      /^01[0-9a-f]{6}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(derivedEventId('k', 1)).not.toBe(derivedEventId('l', 1));
  });

  it('ignores what it cannot place: no time, an unknown type, logs, a passing hook', () => {
    const translator = new RuntimeEventTranslator('alloc-1');
    expect(translator.event({ type: 'state', state: 'ready' })).toEqual([]);
    expect(translator.event({ type: 'log', line: 'hi', time: time(1) })).toEqual([]);
    expect(translator.event({ type: 'surprise', time: time(1) })).toEqual([]);
    expect(translator.event({ type: 'hook', hook: 'install', ok: true, tail: [], time: time(1) })).toEqual(
      [],
    );
  });
});

describe('the runtime event stream reader', () => {
  const read = async (chunks: string[]) => {
    const out: Record<string, unknown>[] = [];
    for await (const message of readRuntimeEvents(Readable.from(chunks.map((c) => Buffer.from(c))))) {
      out.push(message);
    }
    return out;
  };

  it('frames messages split anywhere, with any line end, skipping what is not an object', async () => {
    expect(
      await read([
        'data: {"a"',
        ':1}\r',
        '\n\r\n: comment\n',
        'data: [1]\n\ndata: nope\n\nevent: x\ndata: {"b":2}\r\r',
      ]),
    ).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('ends the stream on a message longer than MAX_MESSAGE, even one never terminated', async () => {
    await expect(read([`data: "${'x'.repeat(MAX_MESSAGE)}"\n\n`])).rejects.toThrow(/exceeds/);
    await expect(read(['data: "', 'x'.repeat(MAX_MESSAGE)])).rejects.toThrow(/exceeds/);
  });
});
