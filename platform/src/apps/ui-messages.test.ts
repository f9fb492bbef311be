/** The console ↔ UI extension postMessage schema (manifest-schema): valid messages pass, the dangerous ones do not. */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { CONSOLE_PROTOCOL, CONSOLE_PROTOCOL_VERSION, consoleMessagesSchema } from '@gpuaas/manifest-schema';
import type { ConsoleMessage } from '@gpuaas/manifest-schema';

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats.default(ajv);
const validate = ajv.compile(consoleMessagesSchema);
const head = { protocol: CONSOLE_PROTOCOL, version: CONSOLE_PROTOCOL_VERSION } as const;

describe('console-messages.schema.json', () => {
  it.each<[string, ConsoleMessage]>([
    ['hello', { ...head, type: 'hello', id: 'h1', versions: [1] }],
    [
      'welcome',
      {
        ...head,
        type: 'welcome',
        replyTo: 'h1',
        theme: 'dark',
        locale: 'en-US',
        allocationId: '0190a5b1-0000-7000-8000-000000000001',
      },
    ],
    ['resize', { ...head, type: 'resize', height: 640 }],
    ['navigate', { ...head, type: 'navigate', view: 'logs' }],
    ['toast', { ...head, type: 'toast', level: 'success', message: 'Model loaded' }],
    ['session-refresh', { ...head, type: 'session-refresh', id: 'r-2' }],
    [
      'session',
      {
        ...head,
        type: 'session',
        replyTo: 'r-2',
        signinUrl: 'https://0190a5b1-0000-7000-8000-000000000001.apps.gpuaas.example/.gpuaas/signin?code=abc',
        expiresAt: '2026-12-07T14:00:00.000Z',
      },
    ],
    ['theme', { ...head, type: 'theme', theme: 'light' }],
    ['error', { ...head, type: 'error', replyTo: 'r-2', code: 'SESSION_REFUSED', message: 'no access' }],
  ])('accepts %s', (_name, message) => {
    expect(validate(message), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['another protocol', { protocol: 'other', version: 1, type: 'resize', height: 1 }],
    ['a version this schema does not describe', { ...head, version: 2, type: 'resize', height: 1 }],
    ['an unknown type', { ...head, type: 'eval', code: 'alert(1)' }],
    [
      'a navigation to a URL (only console views)',
      { ...head, type: 'navigate', view: 'https://evil.example' },
    ],
    ['extra fields', { ...head, type: 'resize', height: 1, token: 'x' }],
    ['a toast too long', { ...head, type: 'toast', level: 'info', message: 'x'.repeat(281) }],
    [
      'a sign-in URL that is not a sign-in',
      {
        ...head,
        type: 'session',
        replyTo: 'a',
        signinUrl: 'https://evil.example/',
        expiresAt: '2026-12-07T14:00:00Z',
      },
    ],
  ])('refuses %s', (_name, message) => {
    expect(validate(message)).toBe(false);
  });
});
