/**
 * Prometheus metrics for one platform instance. Each instance has its own registry (tests run
 * several in one process); labels use the OpenAPI path template, never the raw path, so the
 * number of series stays bounded.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface PlatformMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route'>;
  /** Usage events refused before storage, by reason (`too_late`: older than the late window). */
  usageEventsRefused: Counter<'reason'>;
  /** 1 for each lease on background work this instance holds, 0 for the others (leases/runner.ts). */
  leasesHeld: Gauge<'lease'>;
}

export function createMetrics(options: { defaultMetrics: boolean }): PlatformMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'gpuaas_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gpuaas_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route template.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const usageEventsRefused = new Counter({
    name: 'gpuaas_usage_events_refused_total',
    help: 'Usage events refused before storage, by reason (too_late: older than the billing late window).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const leasesHeld = new Gauge({
    name: 'gpuaas_leases_held',
    help: 'Leases on background work (scheduler, raters, …) this instance holds: 1 held, 0 not.',
    labelNames: ['lease'] as const,
    registers: [registry],
  });
  return { registry, requests, duration, usageEventsRefused, leasesHeld };
}
