/** The part of autocannon 9's API the API bench uses (the package ships no types). */
declare module 'autocannon' {
  namespace autocannon {
    interface RequestParams {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
    }
    interface Request extends RequestParams {
      /** Called before each request; returns the request to send. */
      setupRequest?: (req: RequestParams) => RequestParams;
    }
    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      requests?: Request[];
    }
    interface Histogram {
      average: number;
      total: number;
    }
    interface Result {
      requests: Histogram;
      /** Milliseconds. */
      latency: { p50: number; p90: number; p99: number; average: number; max: number };
      statusCodeStats: Partial<Record<string, { count: number }>>;
      non2xx: number;
      errors: number;
      timeouts: number;
    }
  }
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export default autocannon;
}
