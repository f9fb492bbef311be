import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../output.js';
import { appStatusRows, printAppStatus } from './app-view.js';

// A runtime status document as `GET /v1/allocations/{id}/app` returns it (runtime/src/app/instance.ts).
const FAILED = {
  instance_id: '0190',
  state: 'failed',
  code: 'HOOK_FAILED',
  reason: 'install exited with code 1',
  since: '2026-01-01T00:00:00.000Z',
  app: { name: 'echo', publisher: 'acme', version: '1.0.0', digest: 'sha256:abc' },
  pid: null,
  restarts: 0,
  last_exit: { code: 1, signal: null, reason: 'exited' },
  probes: { readiness: { verdict: 'failing', status: 503, message: 'not yet' } },
  hooks: {
    install: {
      hook: 'install',
      ok: false,
      attempts: 2,
      exit_code: 1,
      signal: null,
      duration_ms: 1500,
      timed_out: false,
      tail: ['line 1', 'PermissionError: ./__pycache__'],
      version: '1.0.0',
      time: '2026-01-01T00:00:00.000Z',
    },
  },
  params: { model: 'tiny', token: '***' },
  app_status: { message: 'loading', progress: 0.5, time: '2026-01-01T00:00:00.000Z' },
  usage_shipping: { status: 'idle', pending: 0, accepted: 3, duplicates: 0, stuck: { since: 'x' } },
};

describe('gpuaas app status as a table', () => {
  it('spells out every nested part in words, never as JSON', () => {
    const rows = appStatusRows(FAILED);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['state', 'failed'],
        ['code', 'HOOK_FAILED'],
        ['app', 'echo 1.0.0 by acme'],
        ['digest', 'sha256:abc'],
        ['last exit', 'code 1: exited'],
        ['probe readiness', 'failing (HTTP 503: not yet)'],
        ['hook install', 'failed, 2 attempts, exit 1, 1.5 s'],
        ['', '| PermissionError: ./__pycache__'],
        ['param model', 'tiny'],
        ['param token', '***'],
        ['app status', 'loading (50%)'],
        ['usage shipping', 'status idle, pending 0, accepted 3, duplicates 0'],
      ]),
    );
    for (const [, value] of rows) expect(value).not.toMatch(/[{}[\]"]/);
  });

  it('prints `field value` lines, or the document itself with --output json', () => {
    let out = '';
    const io = {
      stdout: new PassThrough().on('data', (c: Buffer) => (out += c.toString())),
    } as unknown as CliIo;
    printAppStatus(io, {}, FAILED);
    expect(out).toMatch(/^state +failed$/m);
    expect(out).toMatch(/^hook install +failed, 2 attempts/m);
    expect(out).not.toContain('{');
    out = '';
    printAppStatus(io, { output: 'json' }, FAILED);
    expect(JSON.parse(out)).toEqual(FAILED);
  });
});
