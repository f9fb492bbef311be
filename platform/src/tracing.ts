/**
 * OpenTelemetry traces, on only when an OTLP endpoint is configured
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`; the SDK reads the other
 * standard OTEL_* variables itself). The request middleware creates one span per request through
 * @opentelemetry/api, which is a no-op until this registers a tracer provider.
 */

export interface Tracing {
  /** Flushes pending spans and stops exporting. */
  shutdown(): Promise<void>;
}

/** Starts the Node SDK when configured; undefined (nothing loaded) otherwise. */
export async function startTracing(env: NodeJS.ProcessEnv = process.env): Promise<Tracing | undefined> {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (endpoint === undefined || endpoint === '' || env.OTEL_SDK_DISABLED === 'true') return undefined;
  // Loaded only when wanted: the SDK and its exporters cost start-up time.
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({ serviceName: env.OTEL_SERVICE_NAME ?? 'gpuaas-platform' });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
