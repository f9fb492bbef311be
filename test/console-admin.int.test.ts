/**
 * Project administration in the web console (Debian's Chromium against a real platform, no node):
 * alice creates a project, adds bob, changes his role and is refused demoting herself; removes a
 * member with the keyboard; creates a service account whose secret is shown once and proves it
 * real at the token endpoint, rotates it (the old secret is refused), loses her session with the
 * new secret on screen (it is never kept, the form's draft is), and revokes it; the audit screen
 * finds those actions by filter, pages with the cursor, opens an event's details, keeps the search
 * in a shareable URL and exports it. bob, a viewer, sees the project but cannot manage it (nor can
 * he through the API); carol sees nothing of it. Every screen passes axe-core and the CSP.
 */
import { readFile } from 'node:fs/promises';
import { requireTools } from '@gpuaas/test-support';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consoleContext,
  cspViolations,
  FOCUSED,
  signIn,
  storedState,
  submitLogin,
  tabTo,
} from './support/console-browser.js';
import { checkScreen, startConsoleRig } from './support/console-harness.js';
import type { ConsoleRig } from './support/console-harness.js';

const available = requireTools('web console in chromium', 'chromium');
const ALICE = { email: 'alice@example.com', password: 'alice admin password' };
const BOB = { email: 'bob@example.com', password: 'bob admin password' };
const CAROL = { email: 'carol@example.com', password: 'carol admin password' };
const PROJECT = 'alice-admin';

describe.skipIf(!available)('project administration in the web console', () => {
  let rig: ConsoleRig;
  let alice: BrowserContext;
  let page: Page;
  let projectId = '';
  let aliceToken = '';
  const account = { clientId: '', first: '', second: '' };

  /** An access token for `email` from the platform's CLI (as an operator would mint one). */
  const tokenOf = async (email: string) => (await rig.mint('--user', email)).access_token;
  const members = async () =>
    (
      await rig.api<{ items: { email: string; role: string; user_id: string }[] }>(
        aliceToken,
        `/v1/projects/${projectId}/members`,
      )
    ).body.items;
  /** The token endpoint's answer to the service account's client_credentials grant. */
  const grant = (secret: string) =>
    fetch(`${rig.url}/oidc/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${account.clientId}:${secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'projects:read' }).toString(),
    });
  const roleOf = (p: Page, email: string) =>
    p.locator(`tr[data-member="${email}"]`).getByTestId('member-role').textContent();

  beforeAll(async () => {
    rig = await startConsoleRig({ users: [ALICE, BOB, CAROL], serve: ['--no-demo'] });
    alice = await consoleContext(rig.browser, { clipboard: true });
    page = await alice.newPage();
  }, 120_000);
  afterAll(() => rig?.stop());

  it('opens a new project from the projects list', async () => {
    await signIn(page, `${rig.url}/projects`, ALICE.email, ALICE.password);
    await page.getByLabel('Name').fill(PROJECT);
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('link', { name: PROJECT }).click();
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
    projectId = page.url().split('/').pop() ?? '';
    await expect.poll(() => page.locator('main h1').textContent()).toBe(`Project ${PROJECT}`);
    expect(await page.getByTestId('project-role').textContent()).toBe('owner');
    await expect.poll(() => roleOf(page, ALICE.email)).toBe('owner');
    await expect.poll(() => page.getByText('No service accounts yet.').count()).toBe(1);
    await checkScreen(page, 'project-detail');
    aliceToken = await tokenOf(ALICE.email);
  }, 60_000);

  it('adds bob, changes his role, and shows the platform refusing to leave no owner', async () => {
    await page.getByLabel('Email').fill(BOB.email);
    await page.getByLabel('Role', { exact: true }).selectOption('member');
    await page.getByRole('button', { name: 'Add member' }).click();
    await expect.poll(() => roleOf(page, BOB.email)).toBe('member');

    await page.getByLabel(`New role of ${BOB.email}`).selectOption('viewer');
    await page.getByRole('button', { name: `Change role of ${BOB.email}` }).click();
    await checkScreen(page, 'member-role-confirm');
    await page.getByRole('button', { name: 'Confirm role change' }).click();
    await expect.poll(() => roleOf(page, BOB.email)).toBe('viewer');
    expect((await members()).map((m) => [m.email, m.role]).sort()).toEqual([
      [ALICE.email, 'owner'],
      [BOB.email, 'viewer'],
    ]);

    // The last owner cannot step down: the platform says so, with its code.
    await page.getByLabel(`New role of ${ALICE.email}`).selectOption('member');
    await page.getByRole('button', { name: `Change role of ${ALICE.email}` }).click();
    await page.getByRole('button', { name: 'Confirm role change' }).click();
    const refusal = page.locator(`tr[data-member="${ALICE.email}"]`).getByRole('alert');
    await expect.poll(() => refusal.textContent()).toContain('LAST_OWNER');
    await checkScreen(page, 'member-refused');
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await roleOf(page, ALICE.email)).toBe('owner');
  }, 60_000);

  it('removes a member with the keyboard alone, after confirming', async () => {
    await page.getByLabel('Email').fill('dave@example.com');
    await page.getByLabel('Role', { exact: true }).selectOption('viewer');
    await page.getByRole('button', { name: 'Add member' }).click();
    await expect.poll(() => roleOf(page, 'dave@example.com')).toBe('viewer');
    await page.locator('main h1').focus();
    await tabTo(page, /^Remove dave@example\.com$/, 60);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate<string | undefined>(FOCUSED)).toBe('Confirm removal');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('tr[data-member="dave@example.com"]').count()).toBe(0);
    expect((await members()).map((m) => m.email)).not.toContain('dave@example.com');
  }, 60_000);

  it('creates a service account and shows its secret once, which really works', async () => {
    await page.getByLabel('Service account name').fill('ci-bot');
    await page.getByLabel('Scopes of a role').selectOption('viewer');
    await page.getByRole('checkbox', { name: /audit:read/ }).check();
    await page.getByRole('button', { name: 'Create service account' }).click();
    const panel = page.getByTestId('secret-once');
    await panel.waitFor();
    expect(await panel.textContent()).toContain('you will not see it again');
    account.clientId = await page.getByLabel('Client id').inputValue();
    account.first = await page.getByLabel('Client secret').inputValue();
    expect(account.clientId).toMatch(/^sa-/);
    expect(account.first).toMatch(/^gpsa_/);
    await page.getByRole('button', { name: 'Copy secret' }).click();
    await expect.poll(() => page.evaluate<string>('navigator.clipboard.readText()')).toBe(account.first);
    await checkScreen(page, 'service-account-secret');

    // The secret shown is the real one: it gets a token that reads the project.
    const granted = await grant(account.first);
    expect(granted.status).toBe(200);
    const { access_token: token } = (await granted.json()) as { access_token: string };
    const read = await rig.api<{ name: string }>(token, `/v1/projects/${projectId}`);
    expect(read.body.name).toBe(PROJECT);
    const listed = await rig.api<{ items: { name: string; scopes: string[] }[] }>(
      aliceToken,
      `/v1/projects/${projectId}/service-accounts`,
    );
    expect(listed.body.items).toEqual([expect.objectContaining({ name: 'ci-bot' })]);
    expect(listed.body.items[0]?.scopes).toContain('audit:read');
    expect(listed.body.items[0]?.scopes).not.toContain('allocations:write');
    expect(await storedState(page)).not.toContain(account.first);

    await page.getByRole('button', { name: 'I have saved it' }).click();
    expect(await page.locator('body').textContent()).not.toContain(account.first);
  }, 60_000);

  it('rotates the secret: the new one is shown once, the old one is refused', async () => {
    await page.getByRole('button', { name: 'Rotate secret of ci-bot' }).click();
    await page.getByRole('button', { name: 'Confirm rotation' }).click();
    await page.getByTestId('secret-once').waitFor();
    account.second = await page.getByLabel('Client secret').inputValue();
    expect(account.second).not.toBe(account.first);
    expect((await grant(account.first)).status).toBe(401);
    expect((await grant(account.second)).status).toBe(200);
    await expect
      .poll(() =>
        page.locator('tr[data-service-account="ci-bot"]').getByTestId('account-state').textContent(),
      )
      .toMatch(/secret rotated/);

    // Leaving the screen forgets the secret: coming back does not show it again.
    await page.getByRole('navigation').getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('link', { name: PROJECT }).click();
    await expect.poll(() => roleOf(page, BOB.email)).toBe('viewer');
    await expect.poll(() => page.locator('tr[data-service-account="ci-bot"]').count()).toBe(1);
    expect(await page.getByTestId('secret-once').count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toContain(account.second);
  }, 60_000);

  it('keeps the form, never the secret, through an expired session', async () => {
    await page.getByRole('button', { name: 'Rotate secret of ci-bot' }).click();
    await page.getByRole('button', { name: 'Confirm rotation' }).click();
    await page.getByTestId('secret-once').waitFor();
    account.second = await page.getByLabel('Client secret').inputValue();
    await page.getByLabel('Service account name').fill('half-typed');
    await rig.expireSession(page, `/v1/projects/${projectId}/service-accounts`, () =>
      page.getByRole('button', { name: 'Create service account' }).click(),
    );
    const kept = await storedState(page);
    expect(kept).toContain('half-typed');
    expect(kept).not.toContain(account.second);
    await submitLogin(page, ALICE.email, ALICE.password);
    await page.waitForURL(`${rig.url}/projects/${projectId}`);
    await expect.poll(() => page.getByLabel('Service account name').inputValue()).toBe('half-typed');
    await expect.poll(() => page.locator('tr[data-service-account="ci-bot"]').count()).toBe(1);
    expect(await page.getByTestId('secret-once').count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toContain(account.second);
    await page.getByLabel('Service account name').fill('');
  }, 60_000);

  it('revokes the service account: its secret stops working', async () => {
    await page.getByRole('button', { name: 'Revoke ci-bot' }).click();
    await page.getByRole('button', { name: 'Confirm revocation' }).click();
    await expect
      .poll(() =>
        page.locator('tr[data-service-account="ci-bot"]').getByTestId('account-state').textContent(),
      )
      .toMatch(/^Revoked/);
    expect(await page.getByRole('button', { name: 'Rotate secret of ci-bot' }).count()).toBe(0);
    expect((await grant(account.second)).status).toBe(401);
    await checkScreen(page, 'service-account-revoked');
  }, 60_000);

  it('finds those actions in the audit log by filter, with details, pages and a shareable link', async () => {
    await page.getByRole('link', { name: `Audit log of ${PROJECT}` }).click();
    await page.waitForURL(`${rig.url}/audit?project=${projectId}`);
    const actions = async () => {
      const rows = await page.locator('tbody tr[data-audit-action]').all();
      return Promise.all(rows.map((r) => r.getAttribute('data-audit-action')));
    };
    await expect.poll(actions).toContain('service_account.revoke');
    for (const action of ['project.create', 'member.add', 'member.remove', 'service_account.create'])
      expect(await actions()).toContain(action);
    await checkScreen(page, 'audit');

    await page.getByLabel('Action').fill('service_account.rotate');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/action=service_account\.rotate/);
    await expect.poll(actions).toEqual(['service_account.rotate', 'service_account.rotate']);
    await page
      .getByRole('button', { name: /^Details of service_account\.rotate/ })
      .first()
      .click();
    const details = page.locator('tr.audit-details');
    expect(await details.textContent()).toContain(account.clientId.slice(3));
    await checkScreen(page, 'audit-details');

    // By target, typed as the service account's name: its whole life.
    await page.getByLabel('Action').fill('');
    await page.getByLabel('Target').fill('ci-bot');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((url) => url.searchParams.has('target') && !url.searchParams.has('action'));
    await expect
      .poll(actions)
      .toEqual([
        'service_account.revoke',
        'service_account.rotate',
        'service_account.rotate',
        'service_account.create',
      ]);
    await page.getByLabel('Target').fill('');

    // More role changes than one page holds (50), through the API.
    for (let i = 0; i < 52; i++) {
      const changed = await rig.fetch(aliceToken, `/v1/projects/${projectId}/members/${await bobId()}`, {
        method: 'PATCH',
        headers: { 'if-match': '*' },
        json: { role: i % 2 === 0 ? 'member' : 'viewer' },
      });
      expect(changed.status).toBe(200);
    }
    // By actor, typed as an email; the URL carries alice's id.
    await page.getByLabel('Action').fill('member.update');
    await page.getByLabel('Actor').fill(ALICE.email);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/actor=/);
    await expect.poll(() => page.getByTestId('audit-count').textContent()).toMatch(/^50 events/);
    expect(new Set(await actions())).toEqual(new Set(['member.update']));
    const firstPage = await page.locator('tbody tr[data-audit-action] td').first().textContent();
    await page.getByRole('button', { name: 'Next page (older)' }).click();
    await page.waitForURL(/cursor=/);
    // 1 change in the console, 1 refused (recorded as a failure) and 52 through the API.
    await expect.poll(() => page.getByTestId('audit-count').textContent()).toMatch(/^4 events/);
    const results = await page.locator('tbody tr[data-audit-action]').allTextContents();
    expect(results.filter((r) => r.includes('failure'))).toHaveLength(1);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.waitForURL((url) => !url.searchParams.has('cursor'));
    await expect
      .poll(() => page.locator('tbody tr[data-audit-action] td').first().textContent())
      .toBe(firstPage);

    // The search is a link: another tab opens the same results; the API agrees.
    const shared = page.url();
    const url = new URL(shared);
    expect(url.searchParams.get('action')).toBe('member.update');
    const viaApi = await rig.api<{ items: unknown[] }>(
      aliceToken,
      `/v1/audit?project_id=${projectId}&action=member.update&actor=${url.searchParams.get('actor')}&limit=100`,
    );
    expect(viaApi.body.items).toHaveLength(54);
    const other = await alice.newPage();
    await other.goto(shared);
    await expect.poll(() => other.getByTestId('audit-count').textContent()).toMatch(/^50 events/);
    expect(await other.getByLabel('Actor').inputValue()).toBe(ALICE.email);
    await other.close();

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    const csv = (await readFile((await file.path()) ?? '', 'utf8')).trim().split('\r\n');
    expect(csv[0]).toMatch(/^id,occurred_at,/);
    expect(csv).toHaveLength(55);
    expect(await cspViolations(page)).toEqual([]);
  }, 90_000);

  it('shows bob, a viewer, the project but no way to manage it; the API refuses him too', async () => {
    const bob = await rig.signedInPage(BOB, '/projects');
    await bob.getByRole('link', { name: PROJECT }).click();
    await expect.poll(() => bob.getByTestId('project-role').textContent()).toBe('viewer');
    await expect.poll(() => roleOf(bob, ALICE.email)).toBe('owner');
    expect(await bob.getByTestId('members-read-only').count()).toBe(1);
    for (const name of ['Add member', /^Change role/, /^Remove/, 'Create service account', /^Rotate/])
      expect(await bob.getByRole('button', { name }).count()).toBe(0);
    expect(await bob.locator('body').textContent()).not.toContain('ci-bot');
    // The dark theme passes the same checks (contrast included).
    await bob.getByLabel('Theme').selectOption('dark');
    await checkScreen(bob, 'project-viewer-dark');

    const bobToken = await tokenOf(BOB.email);
    const refused = await rig.api<{ code: string }>(bobToken, `/v1/projects/${projectId}/members`, {
      method: 'POST',
      json: { email: 'eve@example.com', role: 'owner' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('FORBIDDEN');

    await bob.goto(`${rig.url}/audit?project=${projectId}`);
    await expect.poll(() => bob.getByRole('alert').textContent()).toContain('FORBIDDEN');
    await checkScreen(bob, 'audit-refused');
    await bob.context().close();
  }, 60_000);

  it('shows carol nothing of the project', async () => {
    const carol = await rig.signedInPage(CAROL, `/projects/${projectId}`);
    await expect.poll(() => carol.locator('main h1').textContent()).toBe('Project not found');
    await checkScreen(carol, 'project-not-found');
    await carol.goto(`${rig.url}/audit?project=${projectId}`);
    await expect.poll(() => carol.getByRole('alert').textContent()).toContain('NOT_FOUND');
    await carol.getByRole('navigation').getByRole('link', { name: 'Projects' }).click();
    await expect.poll(() => carol.locator('main').textContent()).toContain('You have no project yet');
    const visible = await carol.locator('body').textContent();
    for (const secret of [PROJECT, BOB.email, 'ci-bot']) expect(visible).not.toContain(secret);
    await carol.context().close();
  }, 60_000);

  async function bobId(): Promise<string> {
    return (await members()).find((m) => m.email === BOB.email)?.user_id ?? '';
  }
});
