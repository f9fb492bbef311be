/**
 * What the app receives and what the caller gets back, as pure header rules; the relay itself runs
 * against a real runtime in test/app-endpoints-relay.int.test.ts and end to end in
 * test/app-endpoints.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { UserPrincipal } from '../auth/principal.js';
import {
  ENDPOINT_CSP,
  endpointRequestHeaders,
  endpointResponseHeaders,
  normalizeSubPath,
} from './endpoint-proxy.js';
import type { EndpointRequest } from './endpoint-proxy.js';

const principal: UserPrincipal = { type: 'user', id: 'u-1', operator: false, scopes: undefined };

function requestWith(headers: EndpointRequest['headers']): EndpointRequest {
  return {
    endpoint: 'api',
    path: '/x',
    search: '',
    method: 'GET',
    headers,
    forwarded: {
      for: '198.51.100.7',
      host: 'platform.example',
      proto: 'https',
      prefix: '/v1/allocations/a/app/endpoints/api',
    },
    principal,
    correlationId: 'corr-12345678',
  };
}

describe('endpointRequestHeaders', () => {
  it("drops the platform's credentials, forged forwarding headers and hop-by-hop headers", () => {
    const out = endpointRequestHeaders(
      requestWith({
        authorization: 'Bearer platform-token',
        cookie: '_session=s; other=1',
        'x-forwarded-for': '203.0.113.1',
        forwarded: 'for=203.0.113.1',
        'x-gpuaas-user': 'user:forged',
        'x-gpuaas-runtime-code': 'FAKE',
        connection: 'keep-alive, x-hop',
        'x-hop': '1',
        'keep-alive': 'timeout=5',
        te: 'trailers',
        host: 'platform.example',
        accept: 'application/json',
        'content-length': '12',
      }),
      'runtime-secret',
      false,
    );
    expect(out).toEqual({
      accept: 'application/json',
      'content-length': '12',
      'x-forwarded-for': '198.51.100.7',
      'x-forwarded-host': 'platform.example',
      'x-forwarded-proto': 'https',
      'x-forwarded-prefix': '/v1/allocations/a/app/endpoints/api',
      'x-gpuaas-user': 'user:u-1',
      'x-correlation-id': 'corr-12345678',
      // For the runtime only: it strips it before the app.
      authorization: 'Bearer runtime-secret',
    });
  });

  it("keeps an upgrade, and removes the bearer subprotocol while keeping the app's own", () => {
    const out = endpointRequestHeaders(
      requestWith({
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-key': 'k',
        'sec-websocket-protocol': 'gpuaas.bearer.secret-token, chat.v2',
      }),
      's',
      true,
    );
    expect(out).toMatchObject({
      connection: 'upgrade',
      upgrade: 'websocket',
      'sec-websocket-protocol': 'chat.v2',
    });
    const only = endpointRequestHeaders(
      requestWith({ 'sec-websocket-protocol': 'gpuaas.bearer.t' }),
      's',
      true,
    );
    expect(only['sec-websocket-protocol']).toBeUndefined();
  });
});

describe('endpointResponseHeaders', () => {
  it("keeps the app's headers but no cookie for the platform's origin, and sandboxes its pages", () => {
    const out = endpointResponseHeaders({
      'content-type': 'text/html',
      'set-cookie': ['a=1', 'b=2'],
      'x-gpuaas-runtime-code': 'FAKE',
      'transfer-encoding': 'chunked',
      connection: 'close',
      'x-app': 'yes',
    });
    expect(out).toEqual({
      'content-type': 'text/html',
      'x-app': 'yes',
      'content-security-policy': ENDPOINT_CSP,
      'x-content-type-options': 'nosniff',
    });
  });
});

describe('normalizeSubPath', () => {
  it.each([
    ['/', '/'],
    ['/a/b', '/a/b'],
    ['/a/../../../v1/app/stop', '/v1/app/stop'],
    ['/%2e%2e/%2e%2e/x', '/x'],
    ['/a%2Fb', '/a%2Fb'],
  ])('normalizes %s to %s (never above the endpoint)', (raw, want) => {
    expect(normalizeSubPath(raw)).toBe(want);
  });
});
