/**
 * A platform with a tenant project and a publisher project, a node, and the helpers the app-usage
 * billing tests share: allocations, the launch's runtime token, launches recorded as the app
 * registry records them (`app_launches` with `pricing`), usage events and their ingestion.
 */
import type { TestDialect } from '@gpuaas/test-support';
import { expect } from 'vitest';
import { isoTime, newId } from '../ids.js';
import { startFakeNode } from '../testing/fake-node.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

export interface AppUsageFixture {
  t: TestPlatform;
  operator: string;
  owner: string;
  ownerId: string;
  publisher: string;
  projectId: string;
  publisherProjectId: string;
  allocate(): Promise<string>;
  runtimeToken(allocationId: string): Promise<string>;
  launch(
    allocationId: string,
    pricing: unknown,
    options?: { at?: string; endedAt?: string | null },
  ): Promise<string>;
  pricing(hourly: bigint | null): Record<string, unknown>;
  event(
    allocationId: string,
    id: string,
    quantity: number,
    options?: { meter?: string; origin?: string; time?: string },
  ): { data: { quantity: number } } & Record<string, unknown>;
  send(token: string, events: unknown[]): Promise<{ accepted: string[]; duplicates: string[] }>;
}

export async function startAppUsageFixture(
  dialect: TestDialect,
  { feeBps }: { feeBps: bigint },
): Promise<AppUsageFixture> {
  const t = await startTestPlatform(dialect, { rateLimit: { enabled: false } });
  const FEE_BPS = feeBps;
  const createProject = async (token: string, name: string) =>
    (
      (await (await t.request('/v1/projects', { method: 'POST', token, json: { name } })).json()) as {
        id: string;
      }
    ).id;
  const allocate = async () =>
    (
      (await (
        await t.request('/v1/allocations', {
          method: 'POST',
          token: owner,
          json: { project_id: projectId, gpus: { count: 1 } },
        })
      ).json()) as { id: string }
    ).id;
  /** The launch's service account token: the only caller that may report its usage. */
  const runtimeToken = async (allocationId: string) => {
    const id = newId();
    await t.platform.db
      .insertInto('service_accounts')
      .values({
        id,
        project_id: projectId,
        name: `sa-${id.slice(-8)}`,
        scopes: 'usage:write',
        secret_hash: null,
        created_by: ownerId,
        created_at: isoTime(),
        revoked_at: null,
        allocation_id: allocationId,
      })
      .execute();
    return (
      await t.platform.issueAccessToken({
        sub: id,
        principalType: 'service_account',
        projectId,
        scopes: ['usage:write'],
      })
    ).token;
  };
  /** Records a launch with prices as the app registry does, with a registered version. */
  const launch = async (
    allocationId: string,
    pricing: unknown,
    { at = isoTime(), endedAt = null }: { at?: string; endedAt?: string | null } = {},
  ) => {
    const versionId = newId();
    const now = at;
    await t.platform.db
      .insertInto('app_versions')
      .values({
        id: versionId,
        project_id: publisherProjectId,
        registry: 'registry.test:5000',
        repository: 'pub/chat',
        tag: '1.2.0',
        digest: `sha256:${versionId.padEnd(64, '0').slice(0, 64)}`,
        app: 'chat',
        version: '1.2.0',
        state: 'published',
        manifest: '{}',
        signer_key_id: null,
        errors: null,
        submitted_by: 'test',
        submitted_at: now,
        updated_at: now,
        reviewed_by: null,
        reviewed_at: null,
        reason: null,
        approval_scope: 'platform',
        approval_scope_id: null,
        release_reference: null,
        approval_digest: null,
        revoked_at: null,
      })
      .execute();
    const id = newId();
    await t.platform.db
      .insertInto('app_launches')
      .values({
        id,
        allocation_id: allocationId,
        project_id: projectId,
        version_id: versionId,
        reference: 'registry.test:5000/pub/chat:1.2.0',
        digest: 'sha256:0',
        service_account_id: null,
        launched_by: ownerId,
        launched_at: now,
        ended_at: endedAt,
        pricing: pricing === null ? null : JSON.stringify(pricing),
      })
      .execute();
    return id;
  };
  const pricing = (hourly: bigint | null) => ({
    currency: 'USD',
    hourly_price_micros: hourly === null ? null : hourly.toString(),
    meters: [
      { meter: 'tokens', unit: 'token', micros: '3', per_units: '1000' },
      { meter: 'images', unit: 'image', micros: '250000', per_units: '1' },
    ],
    publisher_project_id: publisherProjectId,
    fee_bps: Number(FEE_BPS),
  });
  const event = (
    allocationId: string,
    id: string,
    quantity: number,
    { meter = 'tokens', origin = 'app', time = isoTime() } = {},
  ) => ({
    specversion: '1.0',
    id,
    source: `gpuaas-runtime/${allocationId}`,
    type: 'dev.gpuaas.usage.v1',
    subject: allocationId,
    time,
    data: { meter, quantity, allocation_id: allocationId, origin },
  });
  const send = async (token: string, events: unknown[]) => {
    const response = await t.request('/v1/usage-events', { method: 'POST', token, json: { events } });
    expect(response.status).toBe(200);
    return (await response.json()) as { accepted: string[]; duplicates: string[] };
  };

  const operator = (await t.login('ops@example.com', { operator: true })).token;
  const login = await t.login('tenant@example.com');
  const owner = login.token;
  const ownerId = login.user.id;
  const publisher = (await t.login('publisher@example.com')).token;
  const projectId = await createProject(owner, 'tenant');
  const publisherProjectId = await createProject(publisher, 'publisher');
  await startFakeNode({ url: t.url, token: operator, name: 'n', gpus: 4 });
  return {
    t,
    operator,
    owner,
    ownerId,
    publisher,
    projectId,
    publisherProjectId,
    allocate,
    runtimeToken,
    launch,
    pricing,
    event,
    send,
  };
}
