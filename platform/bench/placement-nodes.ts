/**
 * The simulated side of `npm run bench:placement`: a keep-alive JSON client, 5,000 nodes × 8 GPUs
 * registered through `POST /v1/nodes` exactly as a node agent registers (an operator token limited
 * to `nodes:agent`, an idempotency key per registration), and their heartbeats through
 * `POST /v1/nodes/{id}/heartbeat`, spread evenly over the interval, as agents send them.
 */
import { Agent, request } from 'node:http';
import { randomUUID } from 'node:crypto';

export interface Answer {
  status: number;
  body: unknown;
}

/** Keep-alive POSTs of JSON over `sockets` connections per instance. */
export class JsonClient {
  readonly #agent: Agent;

  constructor(sockets: number) {
    this.#agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  post(base: string, path: string, token: string, body: unknown, idempotent: boolean): Promise<Answer> {
    const url = new URL(path, base);
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.#agent,
          method: 'POST',
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            ...(idempotent ? { 'idempotency-key': randomUUID() } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // Not JSON: kept as text for the error message.
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

export const GPU_MODEL = 'NVIDIA H100 80GB HBM3';

/** What an agent on a node with `gpus` simulated H100s registers. */
export function registration(index: number, gpus: number) {
  const name = `sim-${String(index).padStart(5, '0')}`;
  return {
    name,
    agent_version: 'bench-simulated',
    inventory: {
      gpus: Array.from({ length: gpus }, (_, i) => ({
        index: i,
        uuid: `GPU-${name}-${i}`,
        model: GPU_MODEL,
        memory_mib: 81_559,
        nvlink_domain: `${name}-nvlink`,
      })),
    },
  };
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/**
 * Registers `count` nodes round-robin over the instances; `onRegistered` sees each node's id as
 * it is registered (the heartbeats start from there, as an agent's do).
 */
export async function registerNodes(
  client: JsonClient,
  urls: string[],
  token: string,
  count: number,
  gpus: number,
  onRegistered: (nodeId: string) => void,
): Promise<string[]> {
  const ids: string[] = [];
  await pool(count, 16, async (i) => {
    const base = urls[i % urls.length]!;
    const answer = await client.post(base, '/v1/nodes', token, registration(i, gpus), true);
    if (answer.status !== 200) {
      throw new Error(`registering node ${i} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    const { id } = answer.body as { id: string };
    ids.push(id);
    onRegistered(id);
  });
  return ids;
}

/**
 * Every registered node beats every `intervalMs`, spread evenly (each from its registration), round
 * robin over the instances. Reports nothing observed: the simulated nodes start no sandboxes.
 */
export class Heartbeats {
  readonly #due: { nodeId: string; at: number }[] = [];
  readonly #timer: NodeJS.Timeout;
  #inFlight = 0;
  #next = 0;
  sent = 0;
  failed = 0;
  /** Beats sent more than one interval after they were due: the nodes risked looking unreachable. */
  late = 0;

  readonly #client: JsonClient;
  readonly #urls: string[];
  readonly #token: string;
  readonly #intervalMs: number;

  constructor(client: JsonClient, urls: string[], token: string, intervalMs: number) {
    this.#client = client;
    this.#urls = urls;
    this.#token = token;
    this.#intervalMs = intervalMs;
    this.#timer = setInterval(() => this.#tick(), 20);
  }

  add(nodeId: string): void {
    this.#due.push({ nodeId, at: Date.now() + this.#intervalMs });
  }

  #tick(): void {
    const now = Date.now();
    // Due times only grow, and each node is re-queued one interval later: a FIFO keeps the order.
    while (this.#due.length > 0 && this.#due[0]!.at <= now && this.#inFlight < 64) {
      const beat = this.#due.shift()!;
      if (now - beat.at > this.#intervalMs) this.late += 1;
      this.#inFlight += 1;
      const base = this.#urls[this.#next++ % this.#urls.length]!;
      void this.#client
        .post(base, `/v1/nodes/${beat.nodeId}/heartbeat`, this.#token, { allocations: [] }, false)
        .then(
          (answer) => {
            if (answer.status === 200) this.sent += 1;
            else this.failed += 1;
          },
          () => {
            this.failed += 1;
          },
        )
        .finally(() => {
          this.#inFlight -= 1;
          this.#due.push({ nodeId: beat.nodeId, at: beat.at + this.#intervalMs });
        });
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
