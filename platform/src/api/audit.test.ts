import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { AUDIT_CSV_COLUMNS, csvField } from './audit.js';

const dialects = await testDialects('platform audit');

interface AuditEvent {
  id: string;
  occurred_at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_id: string | null;
  project_id: string | null;
  result: string;
  status: number;
  correlation_id: string;
  details?: Record<string, unknown>;
}
interface Page {
  items: AuditEvent[];
  next_cursor: string | null;
}

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['-1', "'-1"],
    [null, ''],
    [42, '42'],
  ])('%j → %s', (value, want) => expect(csvField(value)).toBe(want));
});

describe.each(dialects)('audit trail on %s', (dialect) => {
  let t: TestPlatform;
  let owner: string;
  let ownerId: string;
  let operator: string;
  let projectId: string;
  const correlationId = `audit-test-${Date.now()}`;

  beforeAll(async () => {
    t = await startTestPlatform(dialect);
    const o = await t.login('audit-owner@example.com');
    owner = o.token;
    ownerId = o.user.id;
    operator = (await t.login('audit-operator@example.com', { operator: true })).token;
    const created = await t.request('/v1/projects', {
      method: 'POST',
      token: owner,
      json: { name: 'audited' },
      headers: { 'x-correlation-id': correlationId },
    });
    projectId = ((await created.json()) as { id: string }).id;
    for (let i = 0; i < 4; i++) {
      await t.request(`/v1/projects/${projectId}`, {
        method: 'PATCH',
        token: owner,
        json: { description: `edit ${i}` },
        headers: { 'if-match': '*' },
      });
    }
  });
  afterAll(() => t?.close());

  const list = async (token: string, query: string) => {
    const res = await t.request(`/v1/audit?${query}`, { token });
    return { status: res.status, body: (await res.json()) as Page & { code?: string } };
  };

  it('records a mutating request with actor, action, target, result and the correlation id', async () => {
    const { body } = await list(operator, `action=project.create&target=${projectId}`);
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({
      actor_type: 'user',
      actor_id: ownerId,
      action: 'project.create',
      target_id: projectId,
      project_id: projectId,
      result: 'success',
      status: 201,
      correlation_id: correlationId,
      details: { name: 'audited' },
    });
  });

  it('records refusals too, with their code', async () => {
    const { token: stranger } = await t.login('audit-stranger@example.com');
    const res = await t.request(`/v1/projects/${projectId}`, {
      method: 'PATCH',
      token: stranger,
      json: { description: 'nope' },
      headers: { 'if-match': '*' },
    });
    expect(res.status).toBe(404);
    const { body } = await list(operator, `action=project.update&project_id=${projectId}`);
    const failure = body.items.find((e) => e.result === 'failure');
    expect(failure).toMatchObject({ status: 404, target_id: projectId, details: { code: 'NOT_FOUND' } });
    expect(failure?.correlation_id).toBe(res.headers.get('x-correlation-id'));
  });

  it('pages newest first with a cursor', async () => {
    const all = (await list(operator, `project_id=${projectId}&limit=100`)).body.items;
    expect(all.length).toBeGreaterThanOrEqual(5);
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = (
        await list(
          operator,
          `project_id=${projectId}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        )
      ).body;
      ids.push(...page.items.map((e) => e.id));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(ids).toEqual(all.map((e) => e.id));
    expect([...ids].sort().reverse()).toEqual(ids);
  });

  it('filters by actor and time', async () => {
    const byActor = (await list(operator, `actor=${ownerId}&limit=100`)).body.items;
    expect(byActor.length).toBeGreaterThanOrEqual(5);
    expect(byActor.every((e) => e.actor_id === ownerId)).toBe(true);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await list(operator, `since=${encodeURIComponent(future)}`)).body.items).toEqual([]);
    const untilPast = (await list(operator, `until=2000-01-01T00:00:00Z`)).body.items;
    expect(untilPast).toEqual([]);
  });

  it('lets an owner read their project only, and nobody else without operator rights', async () => {
    expect((await list(owner, `project_id=${projectId}`)).status).toBe(200);
    const whole = await list(owner, '');
    expect(whole.status).toBe(403);
    expect(whole.body.code).toBe('FORBIDDEN');
    const { token: stranger } = await t.login('audit-stranger@example.com');
    expect((await list(stranger, `project_id=${projectId}`)).status).toBe(404);
  });

  it('exports every matching event as JSON Lines and as CSV, streamed', async () => {
    const all = (await list(operator, `project_id=${projectId}&limit=100`)).body.items;
    const jsonl = await t.request(`/v1/audit/export?format=jsonl&project_id=${projectId}`, {
      token: operator,
    });
    expect(jsonl.status).toBe(200);
    expect(jsonl.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await jsonl.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditEvent);
    expect(lines.map((e) => e.id)).toEqual(all.map((e) => e.id));

    const csv = await t.request(`/v1/audit/export?format=csv&project_id=${projectId}`, { token: owner });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toContain('audit.csv');
    const rows = (await csv.text()).trimEnd().split('\r\n');
    expect(rows[0]).toBe(AUDIT_CSV_COLUMNS.join(','));
    expect(rows).toHaveLength(all.length + 1);
    expect(rows[1]?.startsWith(`${all[0]?.id},`)).toBe(true);
  });
});
