import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import type { Span, TracerProvider } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@gpuaas/test-support';
import { runHook } from './hooks.js';
import type { ProbeSpec } from './manifest.js';
import { ProbeRunner, checkProbe } from './probes.js';
import type { ProbeResult } from './probes.js';
import { tempRoot, testEnv } from './testing.js';

interface Recorded {
  name: string;
  attributes: Record<string, unknown>;
  events: string[];
  status?: number;
}

/** A tracer provider that records spans, so the test sees what the runtime reports. */
function recordingProvider(spans: Recorded[]): TracerProvider {
  const start = (name: string): Span => {
    const rec: Recorded = { name, attributes: {}, events: [] };
    const span = {
      setAttribute: (k: string, v: unknown) => ((rec.attributes[k] = v), span),
      setAttributes: (a: Record<string, unknown>) => (Object.assign(rec.attributes, a), span),
      addEvent: (e: string) => (rec.events.push(e), span),
      setStatus: (s: { code: number }) => ((rec.status = s.code), span),
      end: () => spans.push(rec),
      isRecording: () => true,
      recordException: () => undefined,
      updateName: () => span,
      addLink: () => span,
      addLinks: () => span,
      spanContext: () => ({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 1 }),
    };
    return span;
  };
  const tracer = {
    startSpan: start,
    startActiveSpan: (name: string, ...rest: unknown[]) => (rest.at(-1) as (s: Span) => unknown)(start(name)),
  };
  return { getTracer: () => tracer };
}

const spans: Recorded[] = [];
let server: Server;
let port: number;
let answers: number[] = [];
let root: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  trace.setGlobalTracerProvider(recordingProvider(spans));
  ({ root, cleanup } = await tempRoot());
  server = createServer((req, res) => {
    if (req.url === '/hang') return; // never answers
    res.writeHead(req.url === '/moved' ? 302 : (answers.shift() ?? 200), { location: '/' });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await cleanup();
});

const ctx = (): { cwd: string; env: Record<string, string> } => ({ cwd: root, env: testEnv(root) });

describe('probes', () => {
  it('reports real HTTP status codes, timeouts and refused connections', async () => {
    answers = [503];
    const http = (path: string) => checkProbe({ kind: 'http', endpoint: 'api', port, path }, 200, ctx());
    expect(await http('/healthz')).toEqual({ ok: false, status: 503, message: 'HTTP 503' });
    expect(await http('/healthz')).toEqual({ ok: true, status: 200, message: 'HTTP 200' });
    expect(await http('/moved')).toEqual({ ok: true, status: 302, message: 'HTTP 302' });
    expect(await http('/hang')).toEqual({ ok: false, message: 'no answer within 200 ms' });
    const closed = await freePort();
    const refused = await checkProbe({ kind: 'http', endpoint: 'api', port: closed, path: '/' }, 200, ctx());
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain('ECONNREFUSED');
  });

  it('checks tcp ports and commands', async () => {
    expect(await checkProbe({ kind: 'tcp', endpoint: 'api', port }, 200, ctx())).toEqual({
      ok: true,
      message: `connected to port ${port}`,
    });
    expect((await checkProbe({ kind: 'tcp', endpoint: 'api', port: await freePort() }, 200, ctx())).ok).toBe(
      false,
    );
    expect(
      await checkProbe({ kind: 'command', argv: ['sh', '-c', 'echo warming; exit 1'] }, 500, ctx()),
    ).toEqual({
      ok: false,
      message: 'exit code 1: warming',
    });
    expect(await checkProbe({ kind: 'command', argv: ['sleep', '5'] }, 100, ctx())).toEqual({
      ok: false,
      message: 'timed out after 100 ms',
    });
  });

  it('applies success and failure thresholds and reports only changes', async () => {
    answers = [500, 500, 200, 200, 200, 500, 500, 200];
    const spec: ProbeSpec = {
      name: 'readiness',
      check: { kind: 'http', endpoint: 'api', port, path: '/r' },
      initialDelayMs: 0,
      periodMs: 10,
      timeoutMs: 500,
      failureThreshold: 2,
      successThreshold: 2,
    };
    const runner = new ProbeRunner(spec, ctx());
    const seen: string[] = [];
    runner.on('change', (r: ProbeResult) => seen.push(`change ${r.status}`));
    runner.on('passed', () => seen.push('passed'));
    runner.on('failed', () => seen.push('failed'));
    const done = new Promise<void>((resolve) => runner.on('result', () => answers.length === 0 && resolve()));
    runner.start();
    await done;
    runner.stop();
    expect(seen).toEqual([
      'change 500',
      'failed',
      'change 200',
      'passed',
      'change 500',
      'failed',
      'change 200',
    ]);
    expect(runner.verdict).toBe('failing');
    const probeSpans = spans.filter((s) => s.name === 'probe readiness');
    expect(probeSpans.length).toBeGreaterThanOrEqual(8);
    expect(probeSpans[0]?.attributes).toMatchObject({
      'gpuaas.probe': 'readiness',
      'gpuaas.probe.ok': false,
      'http.response.status_code': 500,
    });
  });

  it('records a span per hook run with its attempts and exit code', async () => {
    await runHook(
      {
        name: 'configure',
        argv: ['sh', '-c', 'exit 4'],
        timeoutMs: 1000,
        retries: 1,
        backoff: { initialMs: 1, maxMs: 1, multiplier: 1 },
        env: {},
      },
      ctx(),
    );
    const span = spans.find((s) => s.name === 'hook configure');
    expect(span).toMatchObject({
      attributes: { 'gpuaas.hook': 'configure', 'gpuaas.hook.attempts': 2, 'gpuaas.hook.exit_code': 4 },
      events: ['attempt', 'attempt'],
      status: 2,
    });
  });
});
