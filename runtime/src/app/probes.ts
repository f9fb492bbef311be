/**
 * Health probes: http (GET on a declared endpoint's port, healthy on 200–399, the real status code
 * reported), tcp (the port accepts a connection) and command (exits 0), each run every period
 * after its initial delay, judged by consecutive failure/success thresholds.
 */
import { EventEmitter } from 'node:events';
import { request } from 'node:http';
import { connect } from 'node:net';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { runCommand, TRACER_NAME } from './hooks.js';
import type { ProbeCheck, ProbeSpec } from './manifest.js';

export interface ProbeResult {
  ok: boolean;
  /** HTTP status code of an http probe's answer. */
  status?: number;
  message?: string;
}

export interface ProbeContext {
  /** Working folder and environment of command probes (the app's). */
  cwd: string;
  env: Record<string, string>;
  redact?: (text: string) => string;
  /** Host the app's endpoints listen on (default 127.0.0.1). */
  host?: string;
}

function httpCheck(host: string, port: number, path: string, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      resolve({ ok: status >= 200 && status < 400, status, message: `HTTP ${status}` });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ ok: false, message: error.message }));
    req.end();
  });
}

function tcpCheck(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ ok: true, message: `connected to port ${port}` });
    });
    socket.once('timeout', () => socket.destroy(new Error(`no connection within ${timeoutMs} ms`)));
    socket.once('error', (error) => resolve({ ok: false, message: error.message }));
  });
}

/** Runs one check once. Never rejects. */
export async function checkProbe(
  check: ProbeCheck,
  timeoutMs: number,
  context: ProbeContext,
): Promise<ProbeResult> {
  const host = context.host ?? '127.0.0.1';
  switch (check.kind) {
    case 'http':
      return httpCheck(host, check.port, check.path, timeoutMs);
    case 'tcp':
      return tcpCheck(host, check.port, timeoutMs);
    case 'command': {
      const result = await runCommand({
        argv: check.argv,
        cwd: context.cwd,
        env: context.env,
        timeoutMs,
        killAfterMs: 1000,
        tailLines: 3,
        ...(context.redact !== undefined && { redact: context.redact }),
      });
      const last = result.tail.at(-1);
      const how = result.timed_out
        ? `timed out after ${timeoutMs} ms`
        : result.exit_code === null
          ? `ended by ${result.signal ?? 'an error'}`
          : `exit code ${result.exit_code}`;
      return { ok: result.ok, message: last !== undefined && !result.timed_out ? `${how}: ${last}` : how };
    }
  }
}

export interface ProbeRunnerEvents {
  /** Every check's result. */
  result: [ProbeResult];
  /** A result that differs from the previous one in ok or status (what probe events report). */
  change: [ProbeResult];
  /** successThreshold consecutive successes after not passing. */
  passed: [ProbeResult];
  /** failureThreshold consecutive failures after not failing. */
  failed: [ProbeResult];
}

/** Runs one probe every period until stopped. Checks never overlap. */
export class ProbeRunner extends EventEmitter<ProbeRunnerEvents> {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private successes = 0;
  private failures = 0;
  private last: ProbeResult | undefined;
  /** `unknown` until a threshold is reached for the first time. */
  verdict: 'unknown' | 'passing' | 'failing' = 'unknown';

  constructor(
    readonly spec: ProbeSpec,
    private readonly context: ProbeContext,
  ) {
    super();
  }

  get lastResult(): ProbeResult | undefined {
    return this.last;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(this.spec.initialDelayMs);
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    const started = Date.now();
    const tracer = trace.getTracer(TRACER_NAME);
    const result = await tracer.startActiveSpan(`probe ${this.spec.name}`, async (span) => {
      span.setAttributes({ 'gpuaas.probe': this.spec.name, 'gpuaas.probe.kind': this.spec.check.kind });
      const r = await checkProbe(this.spec.check, this.spec.timeoutMs, this.context);
      span.setAttribute('gpuaas.probe.ok', r.ok);
      if (r.status !== undefined) span.setAttribute('http.response.status_code', r.status);
      if (!r.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: r.message ?? 'failed' });
      span.end();
      return r;
    });
    if (!this.running) return;
    this.judge(result);
    if (this.running) this.schedule(Math.max(0, this.spec.periodMs - (Date.now() - started)));
  }

  private judge(result: ProbeResult): void {
    const previous = this.last;
    this.last = result;
    this.emit('result', result);
    if (previous === undefined || previous.ok !== result.ok || previous.status !== result.status) {
      this.emit('change', result);
    }
    if (result.ok) {
      this.successes++;
      this.failures = 0;
      if (this.verdict !== 'passing' && this.successes >= this.spec.successThreshold) {
        this.verdict = 'passing';
        this.emit('passed', result);
      }
    } else {
      this.failures++;
      this.successes = 0;
      if (this.verdict !== 'failing' && this.failures >= this.spec.failureThreshold) {
        this.verdict = 'failing';
        this.emit('failed', result);
      }
    }
  }
}
