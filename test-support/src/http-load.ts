/**
 * A small HTTP load generator for the benches: keep-alive GETs over TCP or a Unix socket from
 * `connections` loops, for a time or a number of requests; what each took and what failed.
 */
import { Agent, request } from 'node:http';

export const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
export const percentile = (values: number[], p: number): number =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ??
  NaN;

/** Where to send GETs: a URL (its host and path), or its path over `socketPath`. */
export interface HttpLoadTarget {
  socketPath?: string;
  url: URL;
  headers: Record<string, string>;
}

export interface HttpLoadResult {
  /** Requests made. */
  requests: number;
  /** Requests answered per second. */
  rps: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  /** Answers other than 200, and requests that failed. */
  failures: number;
}

/** `connections` keep-alive loops of GETs for `ms` (or `count` requests in all). */
export async function httpLoad(
  target: HttpLoadTarget,
  options: { connections: number; ms?: number; count?: number },
): Promise<HttpLoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  let failures = 0;
  const deadline = performance.now() + (options.ms ?? Infinity);
  let left = options.count ?? Infinity;
  const get = () =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        {
          agent,
          ...(target.socketPath === undefined
            ? { host: target.url.hostname, port: target.url.port }
            : { socketPath: target.socketPath }),
          path: target.url.pathname,
          headers: target.headers,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });
  const worker = async () => {
    while (performance.now() < deadline && left-- > 0) {
      const t0 = performance.now();
      const status = await get().catch(() => 0);
      latencies.push(performance.now() - t0);
      if (status !== 200) failures += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: options.connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    requests: latencies.length,
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failures,
  };
}
