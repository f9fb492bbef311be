/**
 * Which headers a relay passes on to the next hop: the platform's endpoint proxy and the runtime's
 * endpoint relay both forward an app's traffic, and must drop the same connection-level headers.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Headers of one connection only (RFC 9110 §7.6.1), plus `host`, which every hop sets for itself. */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/**
 * `headers` less the hop-by-hop ones (the fixed list and whatever their own `Connection` header
 * names) and less every name `drop` refuses: what a relay may forward unchanged.
 */
export function endToEndHeaders(
  headers: IncomingHttpHeaders,
  drop: (name: string) => boolean = () => false,
): IncomingHttpHeaders {
  const named = connectionTokens(headers.connection);
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP_HEADERS.has(name) || named.has(name) || drop(name)) continue;
    out[name] = value;
  }
  return out;
}

function connectionTokens(value: string | string[] | undefined): Set<string> {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(
    text
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
}
