import { describe, expect, it } from 'vitest';
import {
  consoleMessage,
  extensionSandbox,
  frameHeight,
  parseExtensionMessage,
} from './extension-protocol.js';

const CONSOLE = 'http://127.0.0.1:8080';
const m = (body: Record<string, unknown>) => ({ protocol: 'gpuaas.console', version: 1, ...body });

describe('extensionSandbox', () => {
  it.each([
    ['http://0190.apps.localhost:8080/.gpuaas/signin?code=x', 'allow-scripts allow-forms allow-same-origin'],
    ['https://a.apps.example.com/.gpuaas/signin', 'allow-scripts allow-forms allow-same-origin'],
    // The console's own origin never gets scripts with its origin: not framed at all.
    ['http://127.0.0.1:8080/ui/', undefined],
    ['javascript:alert(1)', undefined],
    ['data:text/html,hi', undefined],
    ['not a url', undefined],
  ])('%s → %s', (url, want) => expect(extensionSandbox(url, CONSOLE)).toBe(want));

  it('never combines allow-scripts with allow-same-origin on the console origin', () => {
    for (const url of [`${CONSOLE}/`, `${CONSOLE}/instances/x`])
      expect(extensionSandbox(url, CONSOLE)).toBeUndefined();
  });
});

describe('parseExtensionMessage', () => {
  it.each([
    [
      m({ type: 'hello', id: 'h1', versions: [1] }),
      { kind: 'message', message: { type: 'hello', id: 'h1', versions: [1] } },
    ],
    [m({ type: 'resize', height: 640 }), { kind: 'message', message: { type: 'resize', height: 640 } }],
    [m({ type: 'navigate', view: 'logs' }), { kind: 'message', message: { type: 'navigate', view: 'logs' } }],
    [
      m({ type: 'toast', level: 'info', message: 'saved' }),
      { kind: 'message', message: { type: 'toast', level: 'info', message: 'saved' } },
    ],
    [
      m({ type: 'session-refresh', id: 's1' }),
      { kind: 'message', message: { type: 'session-refresh', id: 's1' } },
    ],
  ])('reads %j', (data, want) => expect(parseExtensionMessage(data)).toEqual(want));

  it.each([
    ['another protocol', { protocol: 'other', type: 'hello' }, 'ignored'],
    ['not an object', 'hello', 'ignored'],
    ['a URL as view', m({ type: 'navigate', view: 'https://evil.example' }), 'MESSAGE_INVALID'],
    ['an unknown type', m({ type: 'eval', code: 'x' }), 'MESSAGE_INVALID'],
    ['extra fields', m({ type: 'resize', height: 1, url: 'x' }), 'MESSAGE_INVALID'],
    ['a huge toast', m({ type: 'toast', level: 'info', message: 'x'.repeat(281) }), 'MESSAGE_INVALID'],
    ['a bad id', m({ type: 'session-refresh', id: '../x' }), 'MESSAGE_INVALID'],
    [
      'another version',
      { protocol: 'gpuaas.console', version: 2, type: 'resize', height: 1 },
      'VERSION_UNSUPPORTED',
    ],
    ['a hello without ours', m({ type: 'hello', id: 'h', versions: [2] }), 'VERSION_UNSUPPORTED'],
  ])('refuses %s', (_name, data, want) => {
    const parsed = parseExtensionMessage(data);
    expect(parsed.kind === 'refused' ? parsed.code : parsed.kind).toBe(want);
  });

  it('answers a hello written in a newer version that also offers ours', () => {
    expect(
      parseExtensionMessage({
        protocol: 'gpuaas.console',
        version: 2,
        type: 'hello',
        id: 'h',
        versions: [1, 2],
      }),
    ).toMatchObject({ kind: 'message' });
  });
});

describe('helpers', () => {
  it('marks console messages and bounds the frame height', () => {
    expect(consoleMessage({ type: 'theme', theme: 'dark' })).toEqual({
      protocol: 'gpuaas.console',
      version: 1,
      type: 'theme',
      theme: 'dark',
    });
    expect([frameHeight(10), frameHeight(640.4), frameHeight(99_999)]).toEqual([200, 640, 2000]);
  });
});
