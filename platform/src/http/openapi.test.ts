import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SCOPES } from '../auth/principal.js';
import { loadApiDocument, toFieldErrors } from './openapi.js';
import { asyncapiDocument, openapiDocument } from '@gpuaas/platform-contract';

const api = loadApiDocument();

describe('openapi.yaml', () => {
  it('is OpenAPI 3.1 and every operation has a unique operationId', () => {
    expect(api.document.openapi).toBe('3.1.0');
    const ids = api.operations.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
  });

  it('puts the API under /v1 (probes, metrics and the JWKS excepted)', () => {
    const outside = api.operations.filter((o) => !o.path.startsWith('/v1/')).map((o) => o.path);
    expect(outside.sort()).toEqual(['/.well-known/jwks.json', '/healthz', '/metrics', '/readyz']);
  });

  it('audits every mutating operation and accepts Idempotency-Key on every POST but the heartbeat', () => {
    // A heartbeat is retried as it is: it reports what the node sees and is answered with what the
    // platform wants now, so a stored answer would be stale and a stored key a row a second per node.
    const RETRY_SAFE_AS_IS = ['nodeHeartbeat'];
    for (const op of api.operations) {
      if (op.method !== 'GET') expect(op.audit, `${op.operationId} has x-audit`).toBeDefined();
      if (op.method === 'POST')
        expect(op.idempotent, `${op.operationId} has x-idempotent`).toBe(
          !RETRY_SAFE_AS_IS.includes(op.operationId),
        );
    }
  });

  it('declares who may call every operation: a bearer scope, the terminal token, or explicitly public', () => {
    // Public on purpose: probes, metrics, the signing keys and this document. Anything else that
    // forgets its `security` would take any token, a node agent's included (issue 10, item 11).
    const PUBLIC = ['getHealth', 'getJwks', 'getMetrics', 'getOpenApiDocument', 'getReadiness'];
    type Requirement = Record<string, string[]>;
    const paths = api.document.paths as Record<
      string,
      Record<string, { operationId?: string; security?: Requirement[] }>
    >;
    const fallback = api.document.security as Requirement[] | undefined;
    const open: string[] = [];
    for (const item of Object.values(paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'put', 'post', 'delete', 'patch'].includes(method) || op.operationId === undefined)
          continue;
        const security = op.security ?? fallback ?? [];
        if (security.length === 0) {
          open.push(op.operationId);
          continue;
        }
        for (const requirement of security) {
          const schemes = Object.keys(requirement);
          expect(schemes, op.operationId).toHaveLength(1);
          if (schemes[0] === 'terminalToken') continue;
          expect(schemes[0], op.operationId).toBe('bearer');
          const scopes = requirement.bearer ?? [];
          expect(scopes.length, `${op.operationId} names the scope a limited token needs`).toBeGreaterThan(0);
          for (const scope of scopes) expect(SCOPES as readonly string[], op.operationId).toContain(scope);
        }
      }
    }
    expect(open.sort()).toEqual(PUBLIC);
    const unscoped = api.operations.filter((o) => o.authenticated && o.scopes.length === 0);
    expect(unscoped.map((o) => o.operationId)).toEqual([]);
  });

  it('closes every request body schema against unknown fields', () => {
    const doc = parse(readFileSync(openapiDocument, 'utf8')) as {
      components: { schemas: Record<string, { type?: string; additionalProperties?: unknown }> };
    };
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      // Open on purpose: key sets, and the runtime's status document the platform relays as is.
      if (schema.type === 'object' && !['Jwks', 'AppStatus'].includes(name)) {
        expect(schema.additionalProperties, name).toBe(false);
      }
    }
  });

  it('matches paths and methods', () => {
    const id = '0190a0b0-0000-7000-8000-000000000000';
    const found = api.match('GET', `/v1/projects/${id}`);
    expect(found.kind === 'found' && found.operation.operationId).toBe('getProject');
    expect(found.kind === 'found' && found.params).toEqual({ project_id: id });
    expect(api.match('HEAD', '/healthz').kind).toBe('found');
    expect(api.match('PUT', '/v1/projects')).toEqual({
      kind: 'method-not-allowed',
      allowed: ['GET', 'POST'],
    });
    expect(api.match('GET', '/v1/projects/a/b/c')).toEqual({ kind: 'not-found' });
  });
});

describe('toFieldErrors', () => {
  it.each([
    [
      { keyword: 'additionalProperties', instancePath: '/a', params: { additionalProperty: 'x/y' } },
      '/a/x~1y',
      'unknown field',
    ],
    [{ keyword: 'required', instancePath: '', params: { missingProperty: 'name' } }, '/name', 'is required'],
    [{ keyword: 'type', instancePath: '/n', params: {}, message: 'must be string' }, '/n', 'must be string'],
  ])('maps %j to a JSON pointer', (error, pointer, detail) => {
    expect(toFieldErrors([{ schemaPath: '#', ...error }], 'body')).toEqual([{ in: 'body', pointer, detail }]);
  });
});

describe('asyncapi.yaml', () => {
  it('is AsyncAPI 3 and its audit payload uses the same fields as the REST AuditEvent', () => {
    const doc = parse(readFileSync(asyncapiDocument, 'utf8')) as {
      asyncapi: string;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    expect(doc.asyncapi).toBe('3.0.0');
    const rest = (
      api.document.components as { schemas: Record<string, { properties: Record<string, unknown> }> }
    ).schemas.AuditEvent;
    const auditData = Object.keys(doc.components.schemas.AuditData?.properties ?? {});
    expect(auditData.length).toBeGreaterThan(0);
    for (const field of auditData) expect(Object.keys(rest?.properties ?? {}), field).toContain(field);
    expect(Object.keys(doc.components.schemas.EventEnvelope?.properties ?? {})).toEqual(
      expect.arrayContaining(['id', 'type', 'time', 'correlation_id', 'project_id', 'data']),
    );
  });
});
