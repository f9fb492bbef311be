/**
 * The authorisation matrix: every operation of openapi.yaml × every kind of caller, with the status
 * (and error code) each must get. The cases are generated from the document's operations: an
 * operation without an entry in NEEDS fails, and the scope-limited callers' answers come from the
 * scopes the document declares, so a scope dropped from an operation fails too.
 *
 * Runs on SQLite and PostgreSQL (about 1,200 requests each, a few seconds).
 */
import { testDialects } from '@gpuaas/test-support';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_SCOPES, roleAtLeast } from '../auth/principal.js';
import type { ProjectRole } from '../db/schema.js';
import { loadApiDocument } from '../http/openapi.js';
import type { OperationDef } from '../http/openapi.js';
import { isoTime } from '../ids.js';
import { ensureUser } from '../identity/store.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { discoverServiceAccount } from '../testing/oidc.js';

const dialects = await testDialects('platform authorization matrix');

const CALLERS = [
  'anonymous',
  'viewer',
  'member',
  'owner',
  'otherTenant',
  'operator',
  'demotedOperator',
  'nodeAgent',
  // Made by the owner through the API with every scope an owner may grant.
  'serviceAccount',
  // The same account with a token that asked for no scope.
  'serviceAccountNoScope',
  // Made by the member's app launch, with every scope a member may grant.
  'launchAccount',
  // Made by a second owner with every owner scope; that owner was then demoted to member.
  'demotedCreatorAccount',
] as const;
type Caller = (typeof CALLERS)[number];

type Identity =
  | { kind: 'anonymous' }
  | { kind: 'user'; operator: boolean; role: ProjectRole | null }
  | { kind: 'service_account'; actsAs: ProjectRole };

const IDENTITY: Record<Caller, Identity> = {
  anonymous: { kind: 'anonymous' },
  viewer: { kind: 'user', operator: false, role: 'viewer' },
  member: { kind: 'user', operator: false, role: 'member' },
  owner: { kind: 'user', operator: false, role: 'owner' },
  otherTenant: { kind: 'user', operator: false, role: null },
  operator: { kind: 'user', operator: true, role: null },
  // Its token still carries `operator: true`; the database no longer does.
  demotedOperator: { kind: 'user', operator: false, role: null },
  // An operator whose tokens are limited to `nodes:agent`.
  nodeAgent: { kind: 'user', operator: true, role: null },
  serviceAccount: { kind: 'service_account', actsAs: 'owner' },
  serviceAccountNoScope: { kind: 'service_account', actsAs: 'owner' },
  launchAccount: { kind: 'service_account', actsAs: 'member' },
  demotedCreatorAccount: { kind: 'service_account', actsAs: 'member' },
};

/** The scopes each caller's token carries; undefined: not scope-limited (the role decides). */
const TOKEN_SCOPES: Record<Caller, readonly string[] | undefined> = {
  anonymous: undefined,
  viewer: undefined,
  member: undefined,
  owner: undefined,
  otherTenant: undefined,
  operator: undefined,
  demotedOperator: undefined,
  nodeAgent: ['nodes:agent'],
  serviceAccount: ROLE_SCOPES.owner,
  serviceAccountNoScope: [],
  launchAccount: [...ROLE_SCOPES.member, 'usage:write'],
  demotedCreatorAccount: ROLE_SCOPES.owner,
};

/** What an operation needs beyond its scopes, as its handler enforces it. */
type Need =
  /** Public, or authenticated by something else than a bearer token: everyone gets `status`. */
  | { kind: 'public'; status: number; code?: string }
  /** Any authenticated caller whose token has the scopes. */
  | { kind: 'signedIn' }
  /** People only: service accounts get 403. */
  | { kind: 'person' }
  /** A role in the matrix project (404 to callers without one); `people`: no service account. */
  | { kind: 'project'; role: ProjectRole; people?: boolean }
  /** Visible to anyone with a role in one of the organisation's projects. */
  | { kind: 'organization' }
  /** The operator flag (node agents are operators limited to `nodes:agent`). */
  | { kind: 'operator' }
  /** The runtime of the allocation: its launch's service account only. */
  | { kind: 'runtime' };

interface Expected {
  status: number;
  code?: string;
}

interface Ctx {
  t: TestPlatform;
  projectId: string;
  orgId: string;
  subjectId: string;
  /** A running allocation in the project whose runtime is unreachable. */
  allocationId: string;
  nodeId: string;
  operatorToken: string;
}
interface Req {
  method: string;
  path: string;
  json?: unknown;
  headers?: Record<string, string>;
}
interface Row {
  need: Need;
  /** The answer once authorised (a status, or a status and code when it then fails on purpose). */
  ok: number | Expected;
  request: (ctx: Ctx, caller: Caller) => Req | Promise<Req>;
  /** An endless response (the event stream): cancelled once the status is known. */
  stream?: boolean;
}

let seq = 0;
const unique = (caller: Caller) => `${caller.toLowerCase()}-${++seq}`;

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

/** A fresh service account per call: rotating or revoking one must not change the next caller's outcome. */
async function freshServiceAccount({ t, projectId }: Ctx, caller: Caller): Promise<string> {
  const owner = await t.login('m-owner@example.com');
  const res = await t.request(`/v1/projects/${projectId}/service-accounts`, {
    method: 'POST',
    token: owner.token,
    json: { name: unique(caller), scopes: ['projects:read'] },
  });
  return ((await res.json()) as { id: string }).id;
}

/** A fresh operator per call, for removing the flag. */
async function freshOperator({ t }: Ctx, caller: Caller): Promise<string> {
  return (await ensureUser(t.platform.db, `${unique(caller)}@example.com`, { operator: true })).id;
}

/** A fresh node credential per call (rotating or revoking one must not change the next caller's outcome). */
async function freshNodeCredential({ t, operatorToken }: Ctx, caller: Caller): Promise<string> {
  const res = await t.request('/v1/node-credentials', {
    method: 'POST',
    token: operatorToken,
    json: { node_name: unique(caller) },
  });
  return ((await res.json()) as { id: string }).id;
}

const MISSING_VERSION = '0190a5b1-0000-7000-8000-00000000beef';

/** A fresh volume per call (deleting or resizing one must not change the next caller's outcome). */
async function freshVolume({ t, projectId, operatorToken }: Ctx, caller: Caller): Promise<string> {
  const res = await t.request('/v1/storage/volumes', {
    method: 'POST',
    token: operatorToken,
    json: { project_id: projectId, name: unique(caller), size_gib: 1 },
  });
  return ((await res.json()) as { id: string }).id;
}

async function freshSnapshot(ctx: Ctx, caller: Caller): Promise<string> {
  const res = await ctx.t.request('/v1/storage/snapshots', {
    method: 'POST',
    token: ctx.operatorToken,
    json: { volume_id: await freshVolume(ctx, caller), name: unique(caller) },
  });
  return ((await res.json()) as { id: string }).id;
}

/** Every operation of openapi.yaml must have an entry: the coverage test fails otherwise. */
const NEEDS: Record<string, Row> = {
  getHealth: { need: { kind: 'public', status: 200 }, ok: 200, request: () => get('/healthz') },
  getReadiness: { need: { kind: 'public', status: 200 }, ok: 200, request: () => get('/readyz') },
  getMetrics: { need: { kind: 'public', status: 200 }, ok: 200, request: () => get('/metrics') },
  getJwks: { need: { kind: 'public', status: 200 }, ok: 200, request: () => get('/.well-known/jwks.json') },
  getOpenApiDocument: {
    need: { kind: 'public', status: 200 },
    ok: 200,
    request: () => get('/v1/openapi.json'),
  },
  // Authenticated by its single-use terminal token on the WebSocket upgrade; a plain GET is 426.
  openTerminal: {
    need: { kind: 'public', status: 426, code: 'UPGRADE_REQUIRED' },
    ok: 426,
    request: ({ allocationId }) => get(`/v1/allocations/${allocationId}/terminal`),
  },
  getCurrentUser: { need: { kind: 'person' }, ok: 200, request: () => get('/v1/users/me') },
  listOperators: { need: { kind: 'operator' }, ok: 200, request: () => get('/v1/operators') },
  grantOperator: {
    need: { kind: 'operator' },
    ok: 200,
    request: (_c, caller) => ({ method: 'PUT', path: `/v1/operators/${unique(caller)}@example.com` }),
  },
  revokeOperator: {
    need: { kind: 'operator' },
    ok: 204,
    request: async (ctx, caller) => ({
      method: 'DELETE',
      path: `/v1/operators/${await freshOperator(ctx, caller)}`,
    }),
  },
  listOrganizations: { need: { kind: 'signedIn' }, ok: 200, request: () => get('/v1/organizations') },
  createOrganization: {
    need: { kind: 'person' },
    ok: 201,
    request: (_c, caller) => ({ method: 'POST', path: '/v1/organizations', json: { name: unique(caller) } }),
  },
  getOrganization: {
    need: { kind: 'organization' },
    ok: 200,
    request: ({ orgId }) => get(`/v1/organizations/${orgId}`),
  },
  listProjects: { need: { kind: 'signedIn' }, ok: 200, request: () => get('/v1/projects') },
  createProject: {
    need: { kind: 'person' },
    ok: 201,
    request: (_c, caller) => ({ method: 'POST', path: '/v1/projects', json: { name: unique(caller) } }),
  },
  getProject: {
    need: { kind: 'project', role: 'viewer' },
    ok: 200,
    request: ({ projectId }) => get(`/v1/projects/${projectId}`),
  },
  updateProject: {
    need: { kind: 'project', role: 'owner' },
    ok: 200,
    request: ({ projectId }, caller) => ({
      method: 'PATCH',
      path: `/v1/projects/${projectId}`,
      json: { description: unique(caller) },
      headers: { 'if-match': '*' },
    }),
  },
  listMembers: {
    need: { kind: 'project', role: 'viewer' },
    ok: 200,
    request: ({ projectId }) => get(`/v1/projects/${projectId}/members`),
  },
  addMember: {
    need: { kind: 'project', role: 'owner' },
    ok: 201,
    request: ({ projectId }, caller) => ({
      method: 'POST',
      path: `/v1/projects/${projectId}/members`,
      json: { email: `${unique(caller)}@example.com`, role: 'viewer' },
    }),
  },
  updateMember: {
    need: { kind: 'project', role: 'owner' },
    ok: 200,
    request: ({ projectId, subjectId }) => ({
      method: 'PATCH',
      path: `/v1/projects/${projectId}/members/${subjectId}`,
      json: { role: 'viewer' },
      headers: { 'if-match': '*' },
    }),
  },
  removeMember: {
    need: { kind: 'project', role: 'owner' },
    ok: 204,
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
  },
  listServiceAccounts: {
    need: { kind: 'project', role: 'owner', people: true },
    ok: 200,
    request: ({ projectId }) => get(`/v1/projects/${projectId}/service-accounts`),
  },
  createServiceAccount: {
    need: { kind: 'project', role: 'owner', people: true },
    ok: 201,
    request: ({ projectId }, caller) => ({
      method: 'POST',
      path: `/v1/projects/${projectId}/service-accounts`,
      json: { name: unique(caller), scopes: ['projects:read'] },
    }),
  },
  getServiceAccount: {
    need: { kind: 'project', role: 'owner', people: true },
    ok: 200,
    request: async (ctx, caller) =>
      get(`/v1/projects/${ctx.projectId}/service-accounts/${await freshServiceAccount(ctx, caller)}`),
  },
  rotateServiceAccountSecret: {
    need: { kind: 'project', role: 'owner', people: true },
    ok: 200,
    request: async (ctx, caller) => ({
      method: 'POST',
      path: `/v1/projects/${ctx.projectId}/service-accounts/${await freshServiceAccount(ctx, caller)}/rotate`,
    }),
  },
  revokeServiceAccount: {
    need: { kind: 'project', role: 'owner', people: true },
    ok: 204,
    request: async (ctx, caller) => ({
      method: 'DELETE',
      path: `/v1/projects/${ctx.projectId}/service-accounts/${await freshServiceAccount(ctx, caller)}`,
    }),
  },
  listAuditEvents: {
    need: { kind: 'project', role: 'owner' },
    ok: 200,
    request: ({ projectId }) => get(`/v1/audit?project_id=${projectId}`),
  },
  exportAuditEvents: {
    need: { kind: 'project', role: 'owner' },
    ok: 200,
    request: ({ projectId }) => get(`/v1/audit/export?format=jsonl&project_id=${projectId}`),
  },
  listGpuSkus: { need: { kind: 'signedIn' }, ok: 200, request: () => get('/v1/catalog/gpus') },
  getGpuSku: { need: { kind: 'signedIn' }, ok: 200, request: () => get('/v1/catalog/gpus/h100-80gb') },
  listNodes: { need: { kind: 'operator' }, ok: 200, request: () => get('/v1/nodes') },
  getNode: { need: { kind: 'operator' }, ok: 200, request: ({ nodeId }) => get(`/v1/nodes/${nodeId}`) },
  registerNode: {
    need: { kind: 'operator' },
    ok: 200,
    request: (_c, caller) => ({
      method: 'POST',
      path: '/v1/nodes',
      json: { name: unique(caller), agent_version: 'test', inventory: { gpus: [] } },
    }),
  },
  nodeHeartbeat: {
    need: { kind: 'operator' },
    ok: 200,
    request: async (ctx, caller) => ({
      method: 'POST',
      path: `/v1/nodes/${await freshNode(ctx, caller)}/heartbeat`,
      json: { allocations: [] },
    }),
  },
  listNodeCredentials: { need: { kind: 'operator' }, ok: 200, request: () => get('/v1/node-credentials') },
  createNodeCredential: {
    need: { kind: 'operator' },
    ok: 201,
    request: (_c, caller) => ({
      method: 'POST',
      path: '/v1/node-credentials',
      json: { node_name: unique(caller) },
    }),
  },
  rotateNodeCredential: {
    need: { kind: 'operator' },
    ok: 200,
    request: async (ctx, caller) => ({
      method: 'POST',
      path: `/v1/node-credentials/${await freshNodeCredential(ctx, caller)}/rotate`,
      json: { overlap_seconds: 60 },
    }),
  },
  revokeNodeCredential: {
    need: { kind: 'operator' },
    ok: 204,
    request: async (ctx, caller) => ({
      method: 'DELETE',
      path: `/v1/node-credentials/${await freshNodeCredential(ctx, caller)}`,
    }),
  },
  cordonNode: {
    need: { kind: 'operator' },
    ok: 200,
    request: async (ctx, caller) => ({
      method: 'POST',
      path: `/v1/nodes/${await freshNode(ctx, caller)}/cordon`,
    }),
  },
  uncordonNode: {
    need: { kind: 'operator' },
    ok: 200,
    request: async (ctx, caller) => ({
      method: 'POST',
      path: `/v1/nodes/${await freshNode(ctx, caller)}/uncordon`,
    }),
  },
  drainNode: {
    need: { kind: 'operator' },
    ok: 200,
    request: async (ctx, caller) => ({
      method: 'POST',
      path: `/v1/nodes/${await freshNode(ctx, caller)}/drain`,
      json: { mode: 'wait' },
    }),
  },
  listAllocations: { need: { kind: 'signedIn' }, ok: 200, request: () => get('/v1/allocations') },
  createAllocation: {
    need: { kind: 'project', role: 'member' },
    ok: 201,
    request: ({ projectId }) => ({
      method: 'POST',
      path: '/v1/allocations',
      json: { project_id: projectId, gpus: { count: 1 } },
    }),
  },
  getAllocation: {
    need: { kind: 'project', role: 'viewer' },
    ok: 200,
    request: ({ allocationId }) => get(`/v1/allocations/${allocationId}`),
  },
  releaseAllocation: {
    need: { kind: 'project', role: 'member' },
    ok: 200,
    request: async (ctx) => ({
      method: 'POST',
      path: `/v1/allocations/${await freshAllocation(ctx)}/release`,
    }),
  },
  createTerminalToken: {
    need: { kind: 'project', role: 'member' },
    ok: 201,
    request: ({ allocationId }) => ({
      method: 'POST',
      path: `/v1/allocations/${allocationId}/terminal-tokens`,
    }),
  },
  getProjectQuota: {
    need: { kind: 'project', role: 'viewer' },
    ok: 200,
    request: ({ projectId }) => get(`/v1/projects/${projectId}/quota`),
  },
  setProjectQuota: {
    need: { kind: 'operator' },
    ok: 200,
    request: ({ projectId }) => ({
      method: 'PUT',
      path: `/v1/projects/${projectId}/quota`,
      json: { nominal_gpus: 100, max_gpus: 200 },
    }),
  },
  ingestUsageEvents: {
    need: { kind: 'runtime' },
    ok: 200,
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
  },
  getAllocationUsage: {
    need: { kind: 'project', role: 'viewer' },
    ok: 200,
    request: ({ allocationId }) => get(`/v1/allocations/${allocationId}/usage`),
  },
  // The matrix's allocation has no reachable runtime: callers who get past authorisation see that.
  launchApp: {
    need: { kind: 'project', role: 'member' },
    ok: { status: 502, code: 'RUNTIME_UNREACHABLE' },
    request: ({ allocationId }) => ({
      method: 'POST',
      path: `/v1/allocations/${allocationId}/app`,
      json: { artifact: '127.0.0.1:5000/acme/app:1.0.0' },
    }),
  },
  getApp: {
    need: { kind: 'project', role: 'viewer' },
    ok: { status: 502, code: 'RUNTIME_UNREACHABLE' },
    request: ({ allocationId }) => get(`/v1/allocations/${allocationId}/app`),
  },
  // The relay (http/app-endpoint-routes.ts) checks what the pipeline would; the matrix allocation's
  // runtime is unreachable, so an authorised call gets as far as relaying and fails there.
  callAppEndpoint: {
    need: { kind: 'project', role: 'member' },
    ok: { status: 502, code: 'RUNTIME_UNREACHABLE' },
    request: ({ allocationId }) => get(`/v1/allocations/${allocationId}/app/endpoints/api/v1/x?y=1`),
  },
  // A UI session is a person's: service accounts are refused.
  createAppUiSession: {
    need: { kind: 'project', role: 'member', people: true },
    ok: { status: 502, code: 'RUNTIME_UNREACHABLE' },
    request: ({ allocationId }) => ({
      method: 'POST',
      path: `/v1/allocations/${allocationId}/app/ui-sessions`,
      json: {},
    }),
  },
  stopApp: {
    need: { kind: 'project', role: 'member' },
    ok: { status: 502, code: 'RUNTIME_UNREACHABLE' },
    request: ({ allocationId }) => ({ method: 'POST', path: `/v1/allocations/${allocationId}/app/stop` }),
  },
  getAppLogs: {
    need: { kind: 'project', role: 'viewer' },
    ok: { status: 502, code: 'RUNTIME_UNREACHABLE' },
    request: ({ allocationId }) => get(`/v1/allocations/${allocationId}/app/logs`),
  },
  streamEvents: { need: { kind: 'signedIn' }, ok: 200, request: () => get('/v1/events'), stream: true },
  listStorageVolumes: {
    need: { kind: 'project', role: 'viewer' },
    ok: 200,
    request: ({ projectId }) => get(`/v1/storage/volumes?project_id=${projectId}`),
  },
  createStorageVolume: {
    need: { kind: 'project', role: 'member' },
    ok: 201,
    request: ({ projectId }, caller) => ({
      method: 'POST',
      path: '/v1/storage/volumes',
      json: { project_id: projectId, name: unique(caller), size_gib: 1 },
    }),
  },
  getStorageVolume: {
    need: { kind: 'project', role: 'viewer' },
    ok: 200,
    request: async (ctx, caller) => get(`/v1/storage/volumes/${await freshVolume(ctx, caller)}`),
  },
  resizeStorageVolume: {
    need: { kind: 'project', role: 'member' },
    ok: 200,
    request: async (ctx, caller) => ({
      method: 'PATCH',
      path: `/v1/storage/volumes/${await freshVolume(ctx, caller)}`,
      json: { size_gib: 2 },
    }),
  },
  deleteStorageVolume: {
    need: { kind: 'project', role: 'member' },
    ok: 204,
    request: async (ctx, caller) => ({
      method: 'DELETE',
      path: `/v1/storage/volumes/${await freshVolume(ctx, caller)}`,
    }),
  },
  getStorageVolumePlacement: {
    need: { kind: 'project', role: 'viewer' },
    ok: 200,
    request: async (ctx, caller) => get(`/v1/storage/volumes/${await freshVolume(ctx, caller)}/placement`),
  },
  listStorageSnapshots: {
    need: { kind: 'project', role: 'viewer' },
    ok: 200,
    request: ({ projectId }) => get(`/v1/storage/snapshots?project_id=${projectId}`),
  },
  createStorageSnapshot: {
    need: { kind: 'project', role: 'member' },
    ok: 201,
    request: async (ctx, caller) => ({
      method: 'POST',
      path: '/v1/storage/snapshots',
      json: { volume_id: await freshVolume(ctx, caller), name: unique(caller) },
    }),
  },
  getStorageSnapshot: {
    need: { kind: 'project', role: 'viewer' },
    ok: 200,
    request: async (ctx, caller) => get(`/v1/storage/snapshots/${await freshSnapshot(ctx, caller)}`),
  },
  deleteStorageSnapshot: {
    need: { kind: 'project', role: 'member' },
    ok: 204,
    request: async (ctx, caller) => ({
      method: 'DELETE',
      path: `/v1/storage/snapshots/${await freshSnapshot(ctx, caller)}`,
    }),
  },
  restoreStorageSnapshot: {
    need: { kind: 'project', role: 'member' },
    ok: 201,
    request: async (ctx, caller) => ({
      method: 'POST',
      path: `/v1/storage/snapshots/${await freshSnapshot(ctx, caller)}/restore`,
      json: { name: unique(caller) },
    }),
  },
  getBillingBalance: {
    need: { kind: 'project', role: 'viewer' },
    ok: 200,
    request: ({ projectId }) => get(`/v1/billing/balance?project_id=${projectId}`),
  },
  listBillingCharges: {
    need: { kind: 'project', role: 'viewer' },
    ok: 200,
    request: ({ projectId }) => get(`/v1/billing/charges?project_id=${projectId}`),
  },
  createBillingTopup: {
    need: { kind: 'operator' },
    ok: 201,
    request: ({ projectId }) => ({
      method: 'POST',
      path: '/v1/billing/topups',
      json: { project_id: projectId, amount: '1.00', reason: 'matrix' },
    }),
  },
  // No charge exists in the matrix: an operator gets past authorisation and finds none.
  createBillingRefund: {
    need: { kind: 'operator' },
    ok: { status: 404, code: 'CORRECTION_TARGET_NOT_FOUND' },
    request: () => ({
      method: 'POST',
      path: '/v1/billing/refunds',
      json: { charge_id: 'gpu:none:0', reason: 'matrix' },
    }),
  },
  listBillingRefundRequests: {
    need: { kind: 'operator' },
    ok: 200,
    request: () => get('/v1/billing/refund-requests'),
  },
  createBillingRefundRequest: {
    need: { kind: 'operator' },
    ok: { status: 404, code: 'CORRECTION_TARGET_NOT_FOUND' },
    request: () => ({
      method: 'POST',
      path: '/v1/billing/refund-requests',
      json: { charge_id: 'gpu:none:0', reason: 'matrix' },
    }),
  },
  approveBillingRefundRequest: {
    need: { kind: 'operator' },
    ok: { status: 404, code: 'NOT_FOUND' },
    request: () => ({
      method: 'POST',
      path: '/v1/billing/refund-requests/0190a5b1-0000-7000-8000-00000000dead/approve',
    }),
  },
  createBillingPromotion: {
    need: { kind: 'operator' },
    ok: 201,
    request: ({ projectId }) => ({
      method: 'POST',
      path: '/v1/billing/promotions',
      json: { project_id: projectId, amount: '1.00', expires_at: '2999-01-01T00:00:00Z', reason: 'matrix' },
    }),
  },
  getBillingStatement: {
    need: { kind: 'project', role: 'viewer' },
    ok: 200,
    request: ({ projectId }) => get(`/v1/billing/statements/${projectId}/2026-11`),
  },
  // A month that is not over: an operator gets past authorisation and is told so (nothing closes).
  closeBillingStatement: {
    need: { kind: 'operator' },
    ok: { status: 409, code: 'STATEMENT_PERIOD_OPEN' },
    request: ({ projectId }) => ({
      method: 'POST',
      path: `/v1/billing/statements/${projectId}/2999-01/close`,
    }),
  },
  listBillingBudgets: {
    need: { kind: 'operator' },
    ok: 200,
    request: () => get('/v1/billing/budgets'),
  },
  getBillingEarnings: {
    need: { kind: 'project', role: 'member' },
    ok: 200,
    request: ({ projectId }) => get(`/v1/billing/earnings?project_id=${projectId}`),
  },
  getBillingBudget: {
    need: { kind: 'project', role: 'viewer' },
    ok: 200,
    request: ({ projectId }) => get(`/v1/billing/budgets/${projectId}`),
  },
  setBillingBudget: {
    need: { kind: 'project', role: 'owner' },
    ok: 200,
    request: ({ projectId }) => ({
      method: 'PUT',
      path: `/v1/billing/budgets/${projectId}`,
      json: { limit: '100', alert_thresholds: [50, 80, 100] },
    }),
  },
  // Not a key: callers who get past authorisation are told so (nothing is stored).
  addPublisherKey: {
    need: { kind: 'project', role: 'member' },
    ok: { status: 422, code: 'PUBLISHER_KEY_INVALID' },
    request: ({ projectId }) => ({
      method: 'POST',
      path: '/v1/apps/keys',
      json: { project_id: projectId, public_key: 'not a key' },
    }),
  },
  listPublisherKeys: {
    need: { kind: 'project', role: 'viewer' },
    ok: 200,
    request: ({ projectId }) => get(`/v1/apps/keys?project_id=${projectId}`),
  },
  retirePublisherKey: {
    need: { kind: 'project', role: 'member' },
    ok: { status: 404, code: 'NOT_FOUND' },
    request: ({ projectId }) => ({
      method: 'POST',
      path: `/v1/apps/keys/${'0'.repeat(64)}/retire?project_id=${projectId}`,
    }),
  },
  // A reference that does not parse: refused after authorisation, before any registry is asked.
  registerAppVersion: {
    need: { kind: 'project', role: 'member' },
    ok: { status: 422, code: 'APP_REFERENCE_INVALID' },
    request: ({ projectId }) => ({
      method: 'POST',
      path: '/v1/apps/versions',
      json: { project_id: projectId, reference: 'Not A Reference' },
    }),
  },
  listAppVersions: {
    need: { kind: 'project', role: 'viewer' },
    ok: 200,
    request: ({ projectId }) => get(`/v1/apps/versions?project_id=${projectId}`),
  },
  // No version exists in the matrix: whoever may read versions is told it is not found.
  getAppVersion: {
    need: { kind: 'signedIn' },
    ok: { status: 404, code: 'NOT_FOUND' },
    request: () => get(`/v1/apps/versions/${MISSING_VERSION}`),
  },
  approveAppVersion: {
    need: { kind: 'operator' },
    ok: { status: 404, code: 'NOT_FOUND' },
    request: () => ({
      method: 'POST',
      path: `/v1/apps/versions/${MISSING_VERSION}/approve`,
      json: { scope: 'platform' },
    }),
  },
  rejectAppVersion: {
    need: { kind: 'operator' },
    ok: { status: 404, code: 'NOT_FOUND' },
    request: () => ({
      method: 'POST',
      path: `/v1/apps/versions/${MISSING_VERSION}/reject`,
      json: { reason: 'matrix' },
    }),
  },
  publishAppVersion: {
    need: { kind: 'operator' },
    ok: { status: 404, code: 'NOT_FOUND' },
    request: () => ({ method: 'POST', path: `/v1/apps/versions/${MISSING_VERSION}/publish` }),
  },
  deprecateAppVersion: {
    need: { kind: 'operator' },
    ok: { status: 404, code: 'NOT_FOUND' },
    request: () => ({ method: 'POST', path: `/v1/apps/versions/${MISSING_VERSION}/deprecate` }),
  },
  revokeAppVersion: {
    need: { kind: 'operator' },
    ok: { status: 404, code: 'NOT_FOUND' },
    request: () => ({
      method: 'POST',
      path: `/v1/apps/versions/${MISSING_VERSION}/revoke`,
      json: { reason: 'matrix' },
    }),
  },
  getAppTrust: { need: { kind: 'signedIn' }, ok: 200, request: () => get('/v1/apps/trust') },
  listApps: {
    need: { kind: 'project', role: 'viewer' },
    ok: 200,
    request: ({ projectId }) => get(`/v1/apps?project_id=${projectId}`),
  },
  // The matrix publishes no app: whoever may read the project's catalog is told it is not there.
  getCatalogApp: {
    need: { kind: 'project', role: 'viewer' },
    ok: { status: 404, code: 'NOT_FOUND' },
    request: ({ projectId }) => get(`/v1/apps/matrix%2Fnone?project_id=${projectId}`),
  },
  // No app is published in the matrix: whoever may grant is told the app is not found.
  grantAppEntitlement: {
    need: { kind: 'signedIn' },
    ok: { status: 404, code: 'NOT_FOUND' },
    request: ({ projectId }) => ({
      method: 'POST',
      path: '/v1/apps/entitlements',
      json: { app: 'matrix/none', project_id: projectId },
    }),
  },
  listAppEntitlements: {
    need: { kind: 'project', role: 'viewer' },
    ok: 200,
    request: ({ projectId }) => get(`/v1/apps/entitlements?project_id=${projectId}`),
  },
  revokeAppEntitlement: {
    need: { kind: 'signedIn' },
    ok: { status: 404, code: 'NOT_FOUND' },
    request: () => ({ method: 'DELETE', path: `/v1/apps/entitlements/${MISSING_VERSION}` }),
  },
  // The matrix catalog is empty: a viewer learns the app is not there (launching needs a member after that).
  launchAppInstance: {
    need: { kind: 'project', role: 'viewer' },
    ok: { status: 404, code: 'NOT_FOUND' },
    request: ({ projectId }) => ({
      method: 'POST',
      path: '/v1/apps/instances',
      json: { project_id: projectId, app: 'matrix/none', allocation_id: MISSING_VERSION },
    }),
  },
  listAppInstances: {
    need: { kind: 'project', role: 'viewer' },
    ok: 200,
    request: ({ projectId }) => get(`/v1/apps/instances?project_id=${projectId}`),
  },
  getAppInstance: {
    need: { kind: 'signedIn' },
    ok: { status: 404, code: 'NOT_FOUND' },
    request: () => get(`/v1/apps/instances/${MISSING_VERSION}`),
  },
  stopAppInstance: {
    need: { kind: 'signedIn' },
    ok: { status: 404, code: 'NOT_FOUND' },
    request: () => ({ method: 'POST', path: `/v1/apps/instances/${MISSING_VERSION}/stop` }),
  },
  upgradeAppInstance: {
    need: { kind: 'signedIn' },
    ok: { status: 404, code: 'NOT_FOUND' },
    request: () => ({ method: 'POST', path: `/v1/apps/instances/${MISSING_VERSION}/upgrade`, json: {} }),
  },
  updateAppInstance: {
    need: { kind: 'signedIn' },
    ok: { status: 404, code: 'NOT_FOUND' },
    request: () => ({
      method: 'PATCH',
      path: `/v1/apps/instances/${MISSING_VERSION}`,
      json: { upgrades: 'manual' },
    }),
  },
  uninstallAppInstance: {
    need: { kind: 'signedIn' },
    ok: { status: 404, code: 'NOT_FOUND' },
    request: () => ({ method: 'DELETE', path: `/v1/apps/instances/${MISSING_VERSION}` }),
  },
};

function get(path: string): Req {
  return { method: 'GET', path };
}

const forbidden: Expected = { status: 403, code: 'FORBIDDEN' };
const notFound: Expected = { status: 404, code: 'NOT_FOUND' };

/** The answer `caller` must get from `op`: derived from the document's scopes and the row's need. */
function expectedAnswer(op: OperationDef, row: Row, caller: Caller): Expected {
  const { need } = row;
  if (need.kind === 'public')
    return need.code === undefined ? { status: need.status } : { status: need.status, code: need.code };
  const who = IDENTITY[caller];
  if (who.kind === 'anonymous') return { status: 401, code: 'TOKEN_MISSING' };
  const limited = TOKEN_SCOPES[caller];
  if (limited !== undefined && op.scopes.some((scope) => !limited.includes(scope))) {
    return { status: 403, code: 'INSUFFICIENT_SCOPE' };
  }
  const ok: Expected = typeof row.ok === 'number' ? { status: row.ok } : row.ok;
  switch (need.kind) {
    case 'signedIn':
      return ok;
    case 'person':
      return who.kind === 'user' ? ok : forbidden;
    case 'operator':
      return who.kind === 'user' && who.operator ? ok : forbidden;
    case 'runtime':
      return caller === 'launchAccount' ? ok : { status: 403, code: 'USAGE_REPORTER_FORBIDDEN' };
    case 'organization':
      return who.kind === 'service_account' || who.operator || who.role !== null ? ok : notFound;
    case 'project':
      if (who.kind === 'service_account') {
        return need.people === true || !roleAtLeast(who.actsAs, need.role) ? forbidden : ok;
      }
      if (who.operator) return ok;
      if (who.role === null) return notFound;
      return roleAtLeast(who.role, need.role) ? ok : forbidden;
  }
}

const OPERATIONS = loadApiDocument().operations;

describe('authorization matrix coverage', () => {
  it.each(OPERATIONS.map((op) => [op.operationId]))('%s has an expectation for every caller', (id) => {
    expect(NEEDS[id], `add ${id} to NEEDS in authorization.test.ts`).toBeDefined();
  });

  it('has no expectation for an operation the document does not have', () => {
    const ids = new Set(OPERATIONS.map((op) => op.operationId));
    expect(Object.keys(NEEDS).filter((id) => !ids.has(id))).toEqual([]);
  });
});

describe.each(dialects)('authorization matrix on %s', (dialect) => {
  let t: TestPlatform;
  let ctx: Ctx;
  const tokens = new Map<Caller, string | undefined>();

  beforeAll(async () => {
    t = await startTestPlatform(dialect, {
      rateLimit: { enabled: false },
      localNode: false,
      // Any text: launches get as far as the (unreachable) runtime.
      compute: { appTrustPolicy: 'matrix-policy' },
      // Every caller makes volumes of its own.
      storage: { quota: { maxVolumes: 10_000, maxSnapshots: 10_000, maxGib: 1_000_000 } },
    });
    const login = async (email: string, operator = false) => (await t.login(email, { operator })).token;
    const call = async <T>(path: string, token: string, init: { method?: string; json?: unknown } = {}) => {
      const res = await t.request(path, { token, headers: { 'if-match': '*' }, ...init });
      expect(res.status, `${init.method ?? 'GET'} ${path}`).toBeLessThan(300);
      return (await res.json()) as T;
    };
    const owner = await login('m-owner@example.com');
    const project = await call<{ id: string; organization_id: string }>('/v1/projects', owner, {
      method: 'POST',
      json: { name: 'matrix' },
    });
    const otherTenant = await login('m-other@example.com');
    await call('/v1/projects', otherTenant, { method: 'POST', json: { name: 'elsewhere' } });
    const add = (email: string, role: string) =>
      call<{ user_id: string }>(`/v1/projects/${project.id}/members`, owner, {
        method: 'POST',
        json: { email, role },
      });
    await add('m-viewer@example.com', 'viewer');
    await add('m-member@example.com', 'member');
    const subject = await add('m-subject@example.com', 'viewer');
    const secondOwner = await add('m-owner2@example.com', 'owner');

    const operatorToken = await login('m-operator@example.com', true);
    // Demoted through the API, while the token it got as an operator is still valid.
    const demoted = await login('m-demoted@example.com', true);
    const demotedUser = await ensureUser(t.platform.db, 'm-demoted@example.com');
    const revoke = await t.request(`/v1/operators/${demotedUser.id}`, {
      method: 'DELETE',
      token: operatorToken,
    });
    expect(revoke.status).toBe(204);
    const agentUser = await ensureUser(t.platform.db, 'm-agent@example.com', { operator: true });
    const nodeAgent = (
      await t.platform.issueAccessToken({ sub: agentUser.id, operator: true, scopes: ['nodes:agent'] })
    ).token;

    // Service accounts are made the way tenants make them: through the API, with client credentials.
    const createAccount = (token: string, name: string) =>
      call<{ client_id: string; client_secret: string }>(
        `/v1/projects/${project.id}/service-accounts`,
        token,
        {
          method: 'POST',
          json: { name, scopes: [...ROLE_SCOPES.owner] },
        },
      );
    const grant = async (account: { client_id: string; client_secret: string }, scope: string) => {
      const config = await discoverServiceAccount(t.url, account.client_id, account.client_secret);
      return (await client.clientCredentialsGrant(config, scope === '' ? {} : { scope })).access_token;
    };
    const ownersAccount = await createAccount(owner, 'matrix-owner-sa');
    const owner2 = await login('m-owner2@example.com');
    const demotedCreators = await createAccount(owner2, 'matrix-demoted-creator-sa');
    await call(`/v1/projects/${project.id}/members/${secondOwner.user_id}`, owner, {
      method: 'PATCH',
      json: { role: 'member' },
    });

    const node = await call<{ id: string }>('/v1/nodes', operatorToken, {
      method: 'POST',
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
    });
    const allocation = await call<{ id: string }>('/v1/allocations', owner, {
      method: 'POST',
      json: { project_id: project.id, gpus: { count: 1 } },
    });
    await call(`/v1/nodes/${node.id}/heartbeat`, operatorToken, {
      method: 'POST',
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
    // The member's launch creates its account before reaching the (unreachable) runtime.
    const member = await login('m-member@example.com');
    const launch = await t.request(`/v1/allocations/${allocation.id}/app`, {
      method: 'POST',
      token: member,
      json: { artifact: '127.0.0.1:5000/acme/app:1.0.0', scopes: [...ROLE_SCOPES.member] },
    });
    expect(launch.status).toBe(502);
    const launchAccount = await t.platform.db
      .selectFrom('service_accounts')
      .select(['id', 'scopes'])
      .where('allocation_id', '=', allocation.id)
      .executeTakeFirstOrThrow();
    expect(launchAccount.scopes.split(' ').sort()).toEqual([...(TOKEN_SCOPES.launchAccount ?? [])].sort());

    tokens.set('anonymous', undefined);
    tokens.set('viewer', await login('m-viewer@example.com'));
    tokens.set('member', member);
    tokens.set('owner', owner);
    tokens.set('otherTenant', otherTenant);
    tokens.set('operator', operatorToken);
    tokens.set('demotedOperator', demoted);
    tokens.set('nodeAgent', nodeAgent);
    tokens.set('serviceAccount', await grant(ownersAccount, ROLE_SCOPES.owner.join(' ')));
    tokens.set('serviceAccountNoScope', await grant(ownersAccount, ''));
    tokens.set(
      'launchAccount',
      (
        await t.platform.issueAccessToken({
          sub: launchAccount.id,
          principalType: 'service_account',
          projectId: project.id,
          scopes: launchAccount.scopes.split(' '),
        })
      ).token,
    );
    tokens.set('demotedCreatorAccount', await grant(demotedCreators, ROLE_SCOPES.owner.join(' ')));
    ctx = {
      t,
      projectId: project.id,
      orgId: project.organization_id,
      subjectId: subject.user_id,
      allocationId: allocation.id,
      nodeId: node.id,
      operatorToken,
    };
  });
  afterAll(() => t?.close());

  const cases = OPERATIONS.flatMap((op) => CALLERS.map((caller) => [op.operationId, caller, op] as const));

  it.each(cases)('%s as %s', async (id, caller, op) => {
    const row = NEEDS[id];
    if (row === undefined) throw new Error(`no expectation for ${id}: add it to NEEDS`);
    const want = expectedAnswer(op, row, caller);
    const req = await row.request(ctx, caller);
    const token = tokens.get(caller);
    const res = await t.request(req.path, {
      method: req.method,
      ...(token === undefined ? {} : { token }),
      ...(req.json === undefined ? {} : { json: req.json }),
      ...(req.headers === undefined ? {} : { headers: req.headers }),
    });
    let code: unknown;
    if (row.stream === true && res.ok) await res.body?.cancel();
    else if (res.headers.get('content-type')?.startsWith('application/problem+json') === true) {
      code = ((await res.json()) as { code?: unknown }).code;
    } else await res.arrayBuffer();
    expect({ status: res.status, code }).toEqual({ status: want.status, code: want.code });
  });
});
