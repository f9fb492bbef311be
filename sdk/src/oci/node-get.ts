/**
 * Bodiless GETs whose bodies arrive as Node streams, for large downloads (layer blobs). Measured
 * on a 512 MiB body through a hashing Transform (Node 24, loopback, 2 cores): `fetch` — a web
 * stream, then `Readable.fromWeb` — cost 0.10–0.25 s more CPU than `node:http` or undici's
 * `request`, of ~1 s in all. The sender of one request is pluggable (`GetOnce`): `nodeHttpGet`
 * here, or undici's `request` where the caller has undici (it keeps fetch's global dispatcher: a
 * proxy or tunnel set there still applies). Redirects are followed as `fetch` follows them
 * (`redirect: 'follow'`, at most 20), and like `fetch` the `Authorization` header is dropped when
 * a redirect leaves the origin: a registry's credentials never reach its blob storage.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { SdkError } from '../errors.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

/** What the transport needs of an answer: like a fetch Response, with a Node stream body. */
export interface NodeAnswer {
  status: number;
  headers: { get(name: string): string | null };
  body: Readable;
  /** Reads and drops the body, so the connection goes back to the pool. */
  cancel(): Promise<void>;
}

/** One GET, no redirects followed: the status, the headers (lower-case names) and the body. */
export type GetOnce = (
  url: URL,
  headers: Record<string, string>,
  signal?: AbortSignal,
) => Promise<{ statusCode: number; headers: IncomingHttpHeaders; body: Readable }>;

function headerGetter(headers: IncomingHttpHeaders): NodeAnswer['headers'] {
  return {
    get(name: string): string | null {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

function drop(body: Readable): Promise<void> {
  return new Promise((resolve) => {
    if (body.readableEnded || body.destroyed) {
      resolve();
      return;
    }
    body.once('end', resolve);
    body.once('error', () => resolve());
    body.once('close', resolve);
    body.resume();
  });
}

/**
 * A `GetOnce` through `node:http`/`node:https` and their global (keep-alive) agents. Its parser
 * copies every body chunk into a malloc'd block of its own: in the runtime (1 GiB launch) that
 * fragmented the heap, peak RSS 6–10 MiB above fetch's, which is why the runtime uses undici's.
 */
export const nodeHttpGet: GetOnce = (url, headers, signal) => {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'GET', headers, ...(signal === undefined ? {} : { signal }) }, (res) =>
      resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: res }),
    );
    req.once('error', reject);
    req.end();
  });
};

/**
 * GETs `url` with `getOnce`, following redirects; rejects on connection errors (or the abort)
 * before an answer. A redirect to another origin goes without `authorization`.
 */
export async function followGet(
  getOnce: GetOnce,
  url: URL,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<NodeAnswer> {
  let current = url;
  let sent = headers;
  for (let hops = 0; ; hops++) {
    const answer = await getOnce(current, sent, signal);
    const location = answer.headers.location;
    if (!REDIRECTS.has(answer.statusCode) || location === undefined) {
      return {
        status: answer.statusCode,
        headers: headerGetter(answer.headers),
        body: answer.body,
        cancel: () => drop(answer.body),
      };
    }
    await drop(answer.body);
    if (hops >= MAX_REDIRECTS) {
      throw new SdkError('REGISTRY_ERROR', `more than ${MAX_REDIRECTS} redirects from ${url.origin}`);
    }
    const next = new URL(location, current);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new SdkError('REGISTRY_ERROR', `a redirect from ${url.origin} to a ${next.protocol} URL`);
    }
    if (next.origin !== current.origin) {
      const { authorization: _dropped, ...rest } = sent;
      sent = rest;
    }
    current = next;
  }
}

/** The answer as a fetch Response holding at most `max` bytes of its body (error mapping). */
export async function toWebResponse(answer: NodeAnswer, max: number): Promise<Response> {
  const chunks: Buffer[] = [];
  let complete = true;
  try {
    let total = 0;
    for await (const chunk of answer.body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > max) {
        complete = false;
        answer.body.destroy();
        break;
      }
      chunks.push(chunk);
    }
  } catch {
    // A body that broke off says nothing reliable: the status alone is mapped.
    complete = false;
  }
  const headers = new Headers();
  for (const name of ['content-type', 'www-authenticate', 'retry-after']) {
    const value = answer.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const status = answer.status >= 200 && answer.status <= 599 ? answer.status : 502;
  const withBody = complete && ![204, 205, 304].includes(status);
  return new Response(withBody ? Buffer.concat(chunks) : null, { status, headers });
}
