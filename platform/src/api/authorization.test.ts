/**
 * The authorisation matrix: every operation × every kind of caller, with the status each must get.
 * A new operation fails the coverage check until it is added here.
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../auth/principal.js';
import { loadApiDocument } from '../http/openapi.js';
import { isoTime, newId } from '../ids.js';
import { ensureUser } from '../identity/store.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('platform authorization matrix');

const CALLERS = [
  'anonymous',
  'viewer',
  'member',
  'owner',
  'otherOwner',
  'operator',
  'saScoped',
  'saUnscoped',
] as const;
type Caller = (typeof CALLERS)[number];

interface Ctx {
  projectId: string;
  orgId: string;
  subjectId: string;
  /** A running allocation in the project, on `nodeId`. */
  allocationId: string;
  nodeId: string;
  operatorToken: string;
  t: TestPlatform;
}
interface Req {
  method: string;
  path: string;
  json?: unknown;
  headers?: Record<string, string>;
}
interface Row {
  request: (ctx: Ctx, caller: Caller) => Req | Promise<Req>;
  expect: Record<Caller, number>;
  /** An endless response (the event stream): cancelled once the status is known. */
  stream?: boolean;
}

const users = {
  anonymous: 401,
  viewer: 200,
  member: 200,
  owner: 200,
  otherOwner: 200,
  operator: 200,
} as const;
const projectRead = { ...users, otherOwner: 404, saScoped: 200, saUnscoped: 403 } as const;
const ownerOnly = {
  anonymous: 401,
  viewer: 403,
  member: 403,
  owner: 200,
  otherOwner: 404,
  operator: 200,
  saScoped: 200,
  saUnscoped: 403,
} as const;
// Members act (create, release, open terminals); service accounts act with their scopes.
const memberAct = { ...ownerOnly, member: 200, saScoped: 200 } as const;
const signedIn = { ...users, saScoped: 200, saUnscoped: 403 } as const;
const operatorOnly = {
  anonymous: 401,
  viewer: 403,
  member: 403,
  owner: 403,
  otherOwner: 403,
  operator: 200,
  saScoped: 403,
  saUnscoped: 403,
} as const;

/** A node of its own per call, so cordoning or draining it changes nothing for the next caller. */
async function freshNode({ t, operatorToken }: Ctx, caller: Caller): Promise<string> {
  const res = await t.request('/v1/nodes', {
    method: 'POST',
    token: operatorToken,
    json: { name: unique(caller), agent_version: 'test', inventory: { gpus: [] } },
  });
  return ((await res.json()) as { id: string }).id;
}

async function freshAllocation({ t, projectId, operatorToken }: Ctx): Promise<string> {
  const res = await t.request('/v1/allocations', {
    method: 'POST',
    token: operatorToken,
    json: { project_id: projectId, gpus: { count: 1 } },
  });
  return ((await res.json()) as { id: string }).id;
}

// Managing service accounts: project owners and operators, never service accounts themselves.
const saManagement = { ...ownerOnly, saScoped: 403 } as const;
const created = (m: Record<Caller, number>) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v === 200 ? 201 : v])) as Record<Caller, number>;

let seq = 0;
const unique = (caller: Caller) => `${caller.toLowerCase()}-${++seq}`;

/** A fresh service account per call: rotating or revoking one must not change the next caller's outcome. */
async function freshServiceAccount({ projectId, t }: Ctx, caller: Caller): Promise<string> {
  const id = newId();
  await t.platform.db
    .insertInto('service_accounts')
    .values({
      id,
      project_id: projectId,
      name: unique(caller),
      scopes: 'projects:read',
      secret_hash: null,
      created_by: null,
      created_at: isoTime(),
      revoked_at: null,
    })
    .execute();
  return id;
}

const MATRIX: Record<string, Row> = {
  getHealth: { request: () => ({ method: 'GET', path: '/healthz' }), expect: allStatus(200) },
  getReadiness: { request: () => ({ method: 'GET', path: '/readyz' }), expect: allStatus(200) },
  getMetrics: { request: () => ({ method: 'GET', path: '/metrics' }), expect: allStatus(200) },
  getJwks: {
    request: () => ({ method: 'GET', path: '/.well-known/jwks.json' }),
    expect: allStatus(200),
  },
  getOpenApiDocument: {
    request: () => ({ method: 'GET', path: '/v1/openapi.json' }),
    expect: allStatus(200),
  },
  getCurrentUser: {
    request: () => ({ method: 'GET', path: '/v1/users/me' }),
    expect: { ...users, saScoped: 403, saUnscoped: 403 },
  },
  listOrganizations: {
    request: () => ({ method: 'GET', path: '/v1/organizations' }),
    expect: { ...users, saScoped: 200, saUnscoped: 403 },
  },
  createOrganization: {
    request: (_c, caller) => ({
      method: 'POST',
      path: '/v1/organizations',
      json: { name: unique(caller) },
    }),
    expect: created({ ...users, saScoped: 403, saUnscoped: 403 }),
  },
  getOrganization: {
    request: ({ orgId }) => ({ method: 'GET', path: `/v1/organizations/${orgId}` }),
    expect: projectRead,
  },
  listProjects: {
    request: () => ({ method: 'GET', path: '/v1/projects' }),
    expect: { ...users, saScoped: 200, saUnscoped: 403 },
  },
  createProject: {
    request: (_c, caller) => ({ method: 'POST', path: '/v1/projects', json: { name: unique(caller) } }),
    expect: created({ ...users, saScoped: 403, saUnscoped: 403 }),
  },
  getProject: {
    request: ({ projectId }) => ({ method: 'GET', path: `/v1/projects/${projectId}` }),
    expect: projectRead,
  },
  updateProject: {
    request: ({ projectId }, caller) => ({
      method: 'PATCH',
      path: `/v1/projects/${projectId}`,
      json: { description: unique(caller) },
      headers: { 'if-match': '*' },
    }),
    expect: ownerOnly,
  },
  listMembers: {
    request: ({ projectId }) => ({ method: 'GET', path: `/v1/projects/${projectId}/members` }),
    expect: projectRead,
  },
  addMember: {
    request: ({ projectId }, caller) => ({
      method: 'POST',
      path: `/v1/projects/${projectId}/members`,
      json: { email: `${unique(caller)}@example.com`, role: 'viewer' },
    }),
    expect: created(ownerOnly),
  },
  updateMember: {
    request: ({ projectId, subjectId }) => ({
      method: 'PATCH',
      path: `/v1/projects/${projectId}/members/${subjectId}`,
      json: { role: 'viewer' },
      headers: { 'if-match': '*' },
    }),
    expect: ownerOnly,
  },
  removeMember: {
    request: async ({ projectId, t }, caller): Promise<Req> => {
      // A fresh member per call: a successful removal must not change the next caller's outcome.
      const user = await ensureUser(t.platform.db, `${unique(caller)}@example.com`);
      const now = isoTime();
      await t.platform.db
        .insertInto('memberships')
        .values({
          project_id: projectId,
          user_id: user.id,
          role: 'member',
          created_at: now,
          updated_at: now,
          version: 1,
        })
        .execute();
      return { method: 'DELETE', path: `/v1/projects/${projectId}/members/${user.id}` };
    },
    expect: Object.fromEntries(Object.entries(ownerOnly).map(([k, v]) => [k, v === 200 ? 204 : v])) as Record<
      Caller,
      number
    >,
  },
  listServiceAccounts: {
    request: ({ projectId }) => ({ method: 'GET', path: `/v1/projects/${projectId}/service-accounts` }),
    expect: saManagement,
  },
  createServiceAccount: {
    request: ({ projectId }, caller) => ({
      method: 'POST',
      path: `/v1/projects/${projectId}/service-accounts`,
      json: { name: unique(caller), scopes: ['projects:read'] },
    }),
    expect: created(saManagement),
  },
  getServiceAccount: {
    request: async (ctx, caller) => ({
      method: 'GET',
      path: `/v1/projects/${ctx.projectId}/service-accounts/${await freshServiceAccount(ctx, caller)}`,
    }),
    expect: saManagement,
  },
  rotateServiceAccountSecret: {
    request: async (ctx, caller) => ({
      method: 'POST',
      path: `/v1/projects/${ctx.projectId}/service-accounts/${await freshServiceAccount(ctx, caller)}/rotate`,
    }),
    expect: saManagement,
  },
  revokeServiceAccount: {
    request: async (ctx, caller) => ({
      method: 'DELETE',
      path: `/v1/projects/${ctx.projectId}/service-accounts/${await freshServiceAccount(ctx, caller)}`,
    }),
    expect: Object.fromEntries(
      Object.entries(saManagement).map(([k, v]) => [k, v === 200 ? 204 : v]),
    ) as Record<Caller, number>,
  },
  listAuditEvents: {
    request: ({ projectId }) => ({ method: 'GET', path: `/v1/audit?project_id=${projectId}` }),
    expect: ownerOnly,
  },
  exportAuditEvents: {
    request: ({ projectId }) => ({
      method: 'GET',
      path: `/v1/audit/export?format=jsonl&project_id=${projectId}`,
    }),
    expect: ownerOnly,
  },
  listGpuSkus: { request: () => ({ method: 'GET', path: '/v1/catalog/gpus' }), expect: signedIn },
  getGpuSku: { request: () => ({ method: 'GET', path: '/v1/catalog/gpus/h100-80gb' }), expect: signedIn },
  listNodes: { request: () => ({ method: 'GET', path: '/v1/nodes' }), expect: operatorOnly },
  getNode: {
    request: ({ nodeId }) => ({ method: 'GET', path: `/v1/nodes/${nodeId}` }),
    expect: operatorOnly,
  },
  registerNode: {
    request: (_c, caller) => ({
      method: 'POST',
      path: '/v1/nodes',
      json: { name: unique(caller), agent_version: 'test', inventory: { gpus: [] } },
    }),
    expect: operatorOnly,
  },
  nodeHeartbeat: {
    request: async (ctx, caller) => ({
      method: 'POST',
      path: `/v1/nodes/${await freshNode(ctx, caller)}/heartbeat`,
      json: { allocations: [] },
    }),
    expect: operatorOnly,
  },
  cordonNode: {
    request: async (ctx, caller) => ({
      method: 'POST',
      path: `/v1/nodes/${await freshNode(ctx, caller)}/cordon`,
    }),
    expect: operatorOnly,
  },
  uncordonNode: {
    request: async (ctx, caller) => ({
      method: 'POST',
      path: `/v1/nodes/${await freshNode(ctx, caller)}/uncordon`,
    }),
    expect: operatorOnly,
  },
  drainNode: {
    request: async (ctx, caller) => ({
      method: 'POST',
      path: `/v1/nodes/${await freshNode(ctx, caller)}/drain`,
      json: { mode: 'wait' },
    }),
    expect: operatorOnly,
  },
  listAllocations: { request: () => ({ method: 'GET', path: '/v1/allocations' }), expect: signedIn },
  createAllocation: {
    request: ({ projectId }) => ({
      method: 'POST',
      path: '/v1/allocations',
      json: { project_id: projectId, gpus: { count: 1 } },
    }),
    expect: created(memberAct),
  },
  getAllocation: {
    request: ({ allocationId }) => ({ method: 'GET', path: `/v1/allocations/${allocationId}` }),
    expect: projectRead,
  },
  releaseAllocation: {
    request: async (ctx) => ({
      method: 'POST',
      path: `/v1/allocations/${await freshAllocation(ctx)}/release`,
    }),
    expect: memberAct,
  },
  createTerminalToken: {
    request: ({ allocationId }) => ({
      method: 'POST',
      path: `/v1/allocations/${allocationId}/terminal-tokens`,
    }),
    expect: created(memberAct),
  },
  openTerminal: {
    request: ({ allocationId }) => ({ method: 'GET', path: `/v1/allocations/${allocationId}/terminal` }),
    expect: allStatus(426),
  },
  getProjectQuota: {
    request: ({ projectId }) => ({ method: 'GET', path: `/v1/projects/${projectId}/quota` }),
    expect: projectRead,
  },
  setProjectQuota: {
    request: ({ projectId }) => ({
      method: 'PUT',
      path: `/v1/projects/${projectId}/quota`,
      json: { nominal_gpus: 100, max_gpus: 200 },
    }),
    expect: operatorOnly,
  },
  ingestUsageEvents: {
    request: ({ allocationId }, caller) => ({
      method: 'POST',
      path: '/v1/usage-events',
      json: {
        events: [
          {
            specversion: '1.0',
            id: unique(caller),
            source: 'matrix',
            type: 'dev.gpuaas.usage.v1',
            subject: allocationId,
            time: isoTime(),
            data: { meter: 'tokens', quantity: 1, allocation_id: allocationId, origin: 'app' },
          },
        ],
      },
    }),
    // Runtimes report usage with their launch's service account; people never do.
    expect: { ...operatorOnly, saScoped: 200 },
  },
  getAllocationUsage: {
    request: ({ allocationId }) => ({ method: 'GET', path: `/v1/allocations/${allocationId}/usage` }),
    expect: projectRead,
  },
  // The matrix's allocation has no reachable runtime and the platform no app trust policy: callers
  // who get past authorisation see those errors instead of 200.
  launchApp: {
    request: ({ allocationId }) => ({
      method: 'POST',
      path: `/v1/allocations/${allocationId}/app`,
      json: { artifact: '127.0.0.1:5000/acme/app:1.0.0' },
    }),
    expect: passedWith(memberAct, 409),
  },
  getApp: {
    request: ({ allocationId }) => ({ method: 'GET', path: `/v1/allocations/${allocationId}/app` }),
    expect: passedWith(projectRead, 502),
  },
  stopApp: {
    request: ({ allocationId }) => ({ method: 'POST', path: `/v1/allocations/${allocationId}/app/stop` }),
    expect: passedWith(memberAct, 502),
  },
  getAppLogs: {
    request: ({ allocationId }) => ({ method: 'GET', path: `/v1/allocations/${allocationId}/app/logs` }),
    expect: passedWith(projectRead, 502),
  },
  streamEvents: { request: () => ({ method: 'GET', path: '/v1/events' }), expect: signedIn, stream: true },
};

function passedWith(m: Record<Caller, number>, status: number): Record<Caller, number> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v === 200 ? status : v])) as Record<
    Caller,
    number
  >;
}

function allStatus(status: number): Record<Caller, number> {
  return Object.fromEntries(CALLERS.map((c) => [c, status])) as Record<Caller, number>;
}

describe('authorization matrix coverage', () => {
  it('covers every operation in openapi.yaml', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(
      loadApiDocument()
        .operations.map((o) => o.operationId)
        .sort(),
    );
  });
});

describe.each(dialects)('authorization matrix on %s', (dialect) => {
  let t: TestPlatform;
  let ctx: Ctx;
  const tokens = new Map<Caller, string | undefined>();

  beforeAll(async () => {
    t = await startTestPlatform(dialect, { rateLimit: { enabled: false }, localNode: false });
    const login = async (email: string, operator = false) => (await t.login(email, { operator })).token;
    const owner = await login('m-owner@example.com');
    const project = (await (
      await t.request('/v1/projects', { method: 'POST', token: owner, json: { name: 'matrix' } })
    ).json()) as {
      id: string;
      organization_id: string;
    };
    const otherOwner = await login('m-other@example.com');
    await t.request('/v1/projects', { method: 'POST', token: otherOwner, json: { name: 'elsewhere' } });
    const add = (email: string, role: string) =>
      t.request(`/v1/projects/${project.id}/members`, {
        method: 'POST',
        token: owner,
        json: { email, role },
      });
    await add('m-viewer@example.com', 'viewer');
    await add('m-member@example.com', 'member');
    const subject = (await (await add('m-subject@example.com', 'viewer')).json()) as { user_id: string };

    const sa = async (scopes: readonly string[]) => {
      const id = newId();
      await t.platform.db
        .insertInto('service_accounts')
        .values({
          id,
          project_id: project.id,
          name: `sa-${id}`,
          scopes: scopes.join(' '),
          secret_hash: null,
          created_by: null,
          created_at: isoTime(),
          revoked_at: null,
        })
        .execute();
      return (
        await t.platform.issueAccessToken({
          sub: id,
          principalType: 'service_account',
          projectId: project.id,
          scopes,
        })
      ).token;
    };

    tokens.set('anonymous', undefined);
    tokens.set('viewer', await login('m-viewer@example.com'));
    tokens.set('member', await login('m-member@example.com'));
    tokens.set('owner', owner);
    tokens.set('otherOwner', otherOwner);
    const operatorToken = await login('m-operator@example.com', true);
    tokens.set('operator', operatorToken);
    tokens.set('saScoped', await sa(SCOPES));
    tokens.set('saUnscoped', await sa([]));
    const node = (await (
      await t.request('/v1/nodes', {
        method: 'POST',
        token: operatorToken,
        json: {
          name: 'matrix-node',
          agent_version: 'test',
          inventory: {
            gpus: Array.from({ length: 8 }, (_, index) => ({
              index,
              model: 'NVIDIA H100 80GB HBM3',
              memory_mib: 81559,
            })),
          },
        },
      })
    ).json()) as { id: string };
    const allocation = (await (
      await t.request('/v1/allocations', {
        method: 'POST',
        token: owner,
        json: { project_id: project.id, gpus: { count: 1 } },
      })
    ).json()) as { id: string };
    await t.request(`/v1/nodes/${node.id}/heartbeat`, {
      method: 'POST',
      token: operatorToken,
      json: {
        allocations: [
          {
            id: allocation.id,
            state: 'running',
            endpoint: 'unix:/nonexistent',
            runtime_secret: 'x'.repeat(32),
          },
        ],
      },
    });
    ctx = {
      projectId: project.id,
      orgId: project.organization_id,
      subjectId: subject.user_id,
      allocationId: allocation.id,
      nodeId: node.id,
      operatorToken,
      t,
    };
  });
  afterAll(() => t?.close());

  const rows = Object.entries(MATRIX).flatMap(([op, row]) =>
    CALLERS.map((caller) => [op, caller, row] as const),
  );

  it.each(rows)('%s as %s', async (_op, caller, row) => {
    const req = await row.request(ctx, caller);
    const token = tokens.get(caller);
    const res = await t.request(req.path, {
      method: req.method,
      ...(token === undefined ? {} : { token }),
      ...(req.json === undefined ? {} : { json: req.json }),
      ...(req.headers === undefined ? {} : { headers: req.headers }),
    });
    if (row.stream === true && res.ok) await res.body?.cancel();
    else await res.arrayBuffer();
    expect(res.status).toBe(row.expect[caller]);
  });
});
