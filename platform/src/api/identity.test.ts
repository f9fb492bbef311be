import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('platform identity API');

interface Project {
  id: string;
  organization_id: string;
  name: string;
  description: string | null;
  role: string | null;
}
interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

describe.each(dialects)('projects, organisations and members on %s', (dialect) => {
  let t: TestPlatform;
  let alice: string;
  let bob: string;
  let bobId: string;

  beforeAll(async () => {
    t = await startTestPlatform(dialect);
    alice = (await t.login('alice@example.com')).token;
    const b = await t.login('bob@example.com');
    bob = b.token;
    bobId = b.user.id;
  });
  afterAll(() => t?.close());

  const post = (path: string, token: string, json: unknown, headers: Record<string, string> = {}) =>
    t.request(path, { method: 'POST', token, json, headers });

  it('POST /v1/projects returns the project with its id, owned by the caller, in a personal organisation', async () => {
    const res = await post('/v1/projects', alice, { name: 'alpha', description: 'first' });
    expect(res.status).toBe(201);
    const project = (await res.json()) as Project;
    expect(project).toMatchObject({ name: 'alpha', description: 'first', role: 'owner' });
    expect(res.headers.get('location')).toBe(`/v1/projects/${project.id}`);
    expect(res.headers.get('etag')).toBe('"v1"');

    const got = await t.request(`/v1/projects/${project.id}`, { token: alice });
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(project);

    const org = await t.request(`/v1/organizations/${project.organization_id}`, { token: alice });
    expect(await org.json()).toMatchObject({ name: 'alice-example-com' });
    // The second project lands in the same personal organisation.
    const second = (await (await post('/v1/projects', alice, { name: 'beta' })).json()) as Project;
    expect(second.organization_id).toBe(project.organization_id);
  });

  it('refuses a duplicate name in one organisation with 409 ALREADY_EXISTS', async () => {
    await post('/v1/projects', alice, { name: 'dup' });
    const res = await post('/v1/projects', alice, { name: 'dup' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe('ALREADY_EXISTS');
  });

  it('creates projects in a named organisation only for its creator or a project owner in it', async () => {
    const org = (await (await post('/v1/organizations', alice, { name: 'acme' })).json()) as { id: string };
    const ok = await post('/v1/projects', alice, { name: 'in-acme', organization_id: org.id });
    expect(ok.status).toBe(201);
    const stranger = await post('/v1/projects', bob, { name: 'sneaky', organization_id: org.id });
    expect(stranger.status).toBe(404);
  });

  it('paginates with opaque cursors until next_cursor is null, without repeats', async () => {
    const { token } = await t.login('pager@example.com');
    const created = [];
    for (let i = 0; i < 7; i++) {
      created.push(((await (await post('/v1/projects', token, { name: `page-${i}` })).json()) as Project).id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '?limit=3' : `?limit=3&cursor=${encodeURIComponent(cursor)}`;
      const page = (await (await t.request(`/v1/projects${query}`, { token })).json()) as Page<Project>;
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((p) => p.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(created);
  });

  it('refuses a cursor from another endpoint with 400 CURSOR_INVALID', async () => {
    const { token } = await t.login('pager@example.com');
    const page = (await (await t.request('/v1/projects?limit=1', { token })).json()) as Page<Project>;
    expect(page.next_cursor).not.toBeNull();
    const res = await t.request(`/v1/organizations?cursor=${encodeURIComponent(page.next_cursor ?? '')}`, {
      token,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('CURSOR_INVALID');
  });

  it('updates with If-Match: new ETag on success, 412 for the stale one', async () => {
    const created = await post('/v1/projects', alice, { name: 'etag' });
    const project = (await created.json()) as Project;
    const etag = created.headers.get('etag') ?? '';
    const patch = (ifMatch: string, json: unknown) =>
      t.request(`/v1/projects/${project.id}`, {
        method: 'PATCH',
        token: alice,
        json,
        headers: { 'if-match': ifMatch },
      });

    const ok = await patch(etag, { description: 'changed' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ description: 'changed', name: 'etag' });
    const newEtag = ok.headers.get('etag');
    expect(newEtag).toBe('"v2"');

    const stale = await patch(etag, { description: 'lost update' });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as { code: string }).code).toBe('PRECONDITION_FAILED');
    const after = (await (await t.request(`/v1/projects/${project.id}`, { token: alice })).json()) as Project;
    expect(after.description).toBe('changed');

    expect((await patch('*', { name: 'etag-renamed' })).status).toBe(200);
  });

  it('manages members: add by email, change role with If-Match, remove; keeps one owner', async () => {
    const project = (await (await post('/v1/projects', alice, { name: 'team' })).json()) as Project;
    const base = `/v1/projects/${project.id}/members`;
    const added = await post(base, alice, { email: 'Bob@Example.com', role: 'viewer' });
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({ user_id: bobId, email: 'bob@example.com', role: 'viewer' });
    expect((await post(base, alice, { email: 'bob@example.com', role: 'member' })).status).toBe(409);

    // Bob (viewer) sees the project but may not change it.
    expect(await (await t.request(`/v1/projects/${project.id}`, { token: bob })).json()).toMatchObject({
      role: 'viewer',
    });
    const denied = await t.request(`/v1/projects/${project.id}`, {
      method: 'PATCH',
      token: bob,
      json: { description: 'x' },
      headers: { 'if-match': '*' },
    });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { code: string }).code).toBe('FORBIDDEN');

    const members = (await (await t.request(base, { token: bob })).json()) as Page<{
      email: string;
      role: string;
    }>;
    expect(members.items.map((m) => `${m.email}:${m.role}`).sort()).toEqual([
      'alice@example.com:owner',
      'bob@example.com:viewer',
    ]);

    const promote = await t.request(`${base}/${bobId}`, {
      method: 'PATCH',
      token: alice,
      json: { role: 'owner' },
      headers: { 'if-match': added.headers.get('etag') ?? '' },
    });
    expect(promote.status).toBe(200);
    expect(promote.headers.get('etag')).toBe('"v2"');

    const aliceId = ((await (await t.request('/v1/users/me', { token: alice })).json()) as { id: string }).id;
    expect((await t.request(`${base}/${aliceId}`, { method: 'DELETE', token: bob })).status).toBe(204);
    const last = await t.request(`${base}/${bobId}`, { method: 'DELETE', token: bob });
    expect(last.status).toBe(409);
    expect(((await last.json()) as { code: string }).code).toBe('LAST_OWNER');
    const demote = await t.request(`${base}/${bobId}`, {
      method: 'PATCH',
      token: bob,
      json: { role: 'member' },
      headers: { 'if-match': '*' },
    });
    expect(((await demote.json()) as { code: string }).code).toBe('LAST_OWNER');
    // Alice lost access with her membership.
    expect((await t.request(`/v1/projects/${project.id}`, { token: alice })).status).toBe(404);
  });

  it('lists only the projects the caller belongs to; an operator sees all', async () => {
    const mine = (await (await t.request('/v1/projects?limit=100', { token: bob })).json()) as Page<Project>;
    expect(mine.items.every((p) => p.role !== null)).toBe(true);
    const { token: op } = await t.login('operator@example.com', { operator: true });
    const all = (await (await t.request('/v1/projects?limit=100', { token: op })).json()) as Page<Project>;
    expect(all.items.length).toBeGreaterThan(mine.items.length);
    const me = (await (await t.request('/v1/users/me', { token: op })).json()) as { operator: boolean };
    expect(me.operator).toBe(true);
  });
});
