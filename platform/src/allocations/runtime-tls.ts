/**
 * Connections to a remote node's runtimes (`https://host:port`, served by its node agent's
 * runtime-forward.ts) are TLS, pinned to the certificate the node registered: its SHA-256 is
 * `nodes.runtime_certificate_sha256`. No CA is involved (each agent makes its own self-signed
 * certificate), so the usual chain check is off and the fingerprint check takes its place. The
 * socket is handed to `http.request` (or `ws`) only once the fingerprint matched, so nothing of
 * the request (the runtime secret in its headers first of all) is written to an unchecked peer.
 */
import { connect } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { Agent } from 'node:http';
import type { ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import { PlatformError } from '../errors.js';

/** The hex SHA-256 of a DER certificate, as Node prints it (`AB:CD:…`) or bare: lowercase, no colons. */
export function normalizeFingerprint(fingerprint: string): string {
  return fingerprint.replaceAll(':', '').toLowerCase();
}

/** `http.request`'s `createConnection`, answering through `oncreate` only (never synchronously). */
export type PinnedConnect = (
  options: ClientRequestArgs,
  oncreate: (error: Error | null, socket: Duplex) => void,
) => undefined;

/** Node's `oncreate` reads no socket along with an error. */
export function refuse(oncreate: (error: Error | null, socket: Duplex) => void, error: Error): undefined {
  (oncreate as (error: Error) => void)(error);
  return undefined;
}

/** Longest wait for the TCP connection and the TLS handshake when the request sets no timeout. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * A `createConnection` for `http.request`/`ws` that opens TLS to the runtime and calls back with
 * the socket only if the peer's certificate is `expected` (else NODE_CERTIFICATE_MISMATCH).
 * `expected` null (the node registered no certificate) refuses every connection.
 */
export function pinnedConnect(expected: string | null): PinnedConnect {
  return (options, oncreate) => {
    // The request's own timeout only starts on the socket this hands over: it bounds the handshake.
    const timeoutMs = options.timeout ?? HANDSHAKE_TIMEOUT_MS;
    const host = options.hostname ?? options.host ?? 'localhost';
    if (expected === null) {
      return refuse(
        oncreate,
        new PlatformError(
          'NODE_CERTIFICATE_MISMATCH',
          `the node serving ${host} registered no runtime certificate; its runtimes are not contacted`,
        ),
      );
    }
    const want = normalizeFingerprint(expected);
    const socket: TLSSocket = connect({
      host: host.startsWith('[') ? host.slice(1, -1) : host,
      port: Number(options.port),
      // The self-signed certificate fails the chain check by design: the pin below replaces it.
      rejectUnauthorized: false,
    });
    // Small request/answer pairs and terminal keystrokes: Nagle's delay would only add latency.
    socket.setNoDelay(true);
    let done = false;
    const finish = (error: Error | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.off('error', finish);
      if (error === null) {
        oncreate(null, socket);
      } else {
        socket.destroy();
        refuse(oncreate, error);
      }
    };
    const timer = setTimeout(
      () => finish(new Error(`no TLS handshake with ${host} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('error', finish);
    socket.once('secureConnect', () => {
      const presented = socket.getPeerCertificate().fingerprint256;
      const got = typeof presented === 'string' ? normalizeFingerprint(presented) : '(none)';
      if (got === want) finish(null);
      else
        finish(
          new PlatformError(
            'NODE_CERTIFICATE_MISMATCH',
            `the runtime at ${host}:${String(options.port)} presented certificate sha256 ${got}, not the node's registered ${want}`,
          ),
        );
    });
    return undefined;
  };
}

/**
 * Keeps pinned connections between calls, as Node's global agent keeps plain ones: a TLS handshake
 * per call cost ~10× the CPU of the call itself. A connection is only ever pooled under the pin
 * it was checked against (one agent per fingerprint), so a re-registered certificate never
 * reuses a connection checked against the old one.
 */
class PinnedAgent extends Agent {
  readonly #connect: PinnedConnect;

  constructor(expected: string) {
    // As Node's global agent: kept alive, idle sockets dropped after 5 s (the runtime's own
    // keep-alive timeout closes them about then anyway).
    super({ keepAlive: true, scheduling: 'lifo', timeout: 5000 });
    this.#connect = pinnedConnect(expected);
  }

  override createConnection(
    options: ClientRequestArgs,
    oncreate?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | undefined {
    return this.#connect(options, oncreate ?? (() => undefined));
  }
}

/** One per fingerprint; nodes (and their rotations) are few, so the map stays small. */
const agents = new Map<string, PinnedAgent>();

/** The keep-alive agent whose connections are pinned to `expected` (any spelling of it). */
export function pinnedAgent(expected: string): Agent {
  const key = normalizeFingerprint(expected);
  let agent = agents.get(key);
  if (agent === undefined) {
    agent = new PinnedAgent(key);
    agents.set(key, agent);
  }
  return agent;
}
