import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestPlatform } from './testing/harness.js';
import { startTracing } from './tracing.js';

describe('OpenTelemetry tracing', () => {
  it('stays off without an OTLP endpoint', async () => {
    expect(await startTracing({})).toBeUndefined();
    expect(
      await startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x', OTEL_SDK_DISABLED: 'true' }),
    ).toBeUndefined();
  });

  it('exports one span per request, named by route template, to the configured collector', async () => {
    const received: { path: string; body: Buffer }[] = [];
    const collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    // The SDK reads the standard variables from process.env itself (this file runs in its own worker).
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
    process.env.OTEL_TRACES_EXPORTER = 'otlp';
    process.env.OTEL_METRICS_EXPORTER = 'none';
    process.env.OTEL_LOGS_EXPORTER = 'none';
    const tracing = await startTracing(process.env);
    expect(tracing).toBeDefined();
    const t = await startTestPlatform('sqlite');
    try {
      expect((await t.request('/healthz')).status).toBe(200);
    } finally {
      await t.close();
      await tracing?.shutdown();
      collector.close();
    }
    const traces = received.filter((r) => r.path === '/v1/traces');
    expect(traces.length).toBeGreaterThan(0);
    const payload = Buffer.concat(traces.map((r) => r.body)).toString('latin1');
    expect(payload).toContain('GET /healthz');
    expect(payload).toContain('gpuaas-platform');
  });
});
