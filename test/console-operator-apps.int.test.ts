/**
 * The operators' app review in the web console (Debian's Chromium against `gpuaas-platform serve
 * --no-demo`): a publisher publishes versions 0.1.0 and 0.2.0 of an app with the CLI (signed with a
 * registered key, registered for review) as they would; an operator signs in, finds both in the
 * pending queue with their publisher and signer, approves 0.1.0 from the keyboard (a first version:
 * "new app", its whole manifest), reads 0.2.0's diff against it (the added permission and the
 * raised price highlighted), sees a refused approval with its code and hint, rejects 0.2.0 with a
 * reason (kept through an expired session) and revokes 0.1.0 with one; the platform's API (as the publisher reads it) records each
 * decision. A tenant sees no Operator navigation, and the platform refuses the review screen's
 * calls. Every screen passes axe-core and the console's CSP; screenshots go to
 * `.ci/artifacts/console/`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeApp, requireTools } from '@gpuaas/test-support';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleContext, signIn, submitLogin, tabTo } from './support/console-browser.js';
import { checkScreen, startConsoleRig } from './support/console-harness.js';
import type { ConsoleRig } from './support/console-harness.js';

const available = requireTools('operator app review in chromium', 'chromium');
const OPS = { email: 'ops@example.com', password: 'operator console password', operator: true };
const TENANT = { email: 'tenant@example.com', password: 'tenant console password' };
const REJECT_REASON = 'Asks for storage:read without saying why; explain it in the description.';
const REVOKE_REASON = 'Superseded after a security report.';

interface Version {
  id: string;
  version: string;
  state: string;
  reason: string | null;
  signer_key_id: string | null;
}

describe.skipIf(!available)('operator app review in the web console', () => {
  let rig: ConsoleRig;
  let page: Page;
  const tokens = { publisher: '', tenant: '' };
  const ids = { v1: '', v2: '', project: '' };
  const keyName = 'acme-release';
  /** The publisher's signing key, registered with acme as {@link keyName}. */
  let key = '';

  /** The version as the publisher reads it through the API. */
  const publisherView = async (id: string): Promise<Version> => {
    const answer = await rig.api<Version>(tokens.publisher, `/v1/apps/versions/${id}`);
    expect(answer.status).toBe(200);
    return answer.body;
  };

  /** examples/echo-llm as acme's `echo`, `edit`ed, published and registered as the publisher does. */
  const publish = async (version: string, edit: (manifest: string) => string): Promise<string> => {
    const dir = await makeApp(join(rig.work, `echo-${version}`), { 'unique.txt': version });
    const file = join(dir, 'gpuaas-app.yaml');
    const manifest = (await readFile(file, 'utf8'))
      .replace(/^name: .*$/m, 'name: echo')
      .replace(/^publisher: .*$/m, 'publisher: acme')
      .replace(/^version: .*$/m, `version: ${version}`);
    await writeFile(file, edit(manifest));
    const digest = await rig.publishApp(tokens.publisher, dir, `acme/echo:${version}`, key, 'acme');
    const listed = await rig.api<{ items: (Version & { digest: string })[] }>(
      tokens.publisher,
      `/v1/apps/versions?project_id=${ids.project}`,
    );
    const registered = listed.body.items.find((v) => v.digest === digest);
    expect(registered).toMatchObject({ version, state: 'verified' });
    return registered?.id ?? '';
  };

  beforeAll(async () => {
    rig = await startConsoleRig({ users: [OPS, TENANT], serve: ['--no-demo'] });
    const minted = await rig.mint('--user', 'dev@acme.example', '--project', 'acme');
    tokens.publisher = minted.access_token;
    ids.project = minted.project_id ?? '';
    tokens.tenant = (await rig.mint('--user', TENANT.email)).access_token;
    key = await rig.signingKey(tokens.publisher, 'acme', 'acme', keyName);
    ids.v1 = await publish('0.1.0', (m) => m);
    // 0.2.0 asks for one more permission and raises its hourly price.
    ids.v2 = await publish('0.2.0', (m) =>
      m
        .replace('scopes: [usage:write]', 'scopes: [usage:write, storage:read]')
        .replace("hourlyPrice: '0.20'", "hourlyPrice: '0.30'"),
    );

    page = await (await consoleContext(rig.browser)).newPage();
  }, 120_000);
  afterAll(() => rig?.stop());

  it('lists both versions awaiting review with their publisher and signer', async () => {
    await signIn(page, `${rig.url}/`, OPS.email, OPS.password);
    const operatorNav = page.getByRole('navigation', { name: 'Operator' });
    await operatorNav.getByRole('link', { name: 'App review' }).click();
    await expect.poll(() => page.locator('main h1').textContent()).toBe('App review');
    const rows = page.getByTestId('review-queue').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    for (const [id, version] of [
      [ids.v1, '0.1.0'],
      [ids.v2, '0.2.0'],
    ] as const) {
      const row = page.locator(`tr[data-version="${id}"]`);
      const text = await row.innerText();
      expect(text).toContain('echo');
      expect(text).toContain(version);
      expect(text).toContain('acme');
      expect(text).toContain('verified');
      await expect
        .poll(() => row.getByTestId('signer').textContent())
        .toMatch(new RegExp(`^${keyName} \\(key [0-9a-f]{12}\\)$`));
    }
    await checkScreen(page, 'operator-apps');
  }, 60_000);

  it('shows a first version as a new app and approves it with the keyboard', async () => {
    await page.locator(`tr[data-version="${ids.v1}"]`).getByRole('link', { name: 'echo' }).click();
    await page.waitForURL(`**/operator/apps/versions/${ids.v1}`);
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Review echo 0.1.0');
    await expect.poll(() => page.getByTestId('new-app').isVisible()).toBe(true);
    // The whole manifest, the permissions and the prices it asks for.
    await expect
      .poll(() => page.getByTestId('manifest-listing').locator('tr[data-path="run.env.PORT"]').innerText())
      .toContain('8000');
    expect(await page.getByTestId('permissions').innerText()).toContain('usage:write');
    expect(await page.getByTestId('prices').locator('tr[data-field="hourlyPrice"]').innerText()).toContain(
      '$0.20',
    );
    expect(await page.getByTestId('version-facts').getByTestId('signer').textContent()).toContain(keyName);
    await checkScreen(page, 'operator-app-version-new');

    await page.locator('main h1').focus();
    await tabTo(page, /^Approve$/, 80);
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('review-done').textContent())
      .toBe('Approved echo 0.1.0 (now approved).');
    await expect.poll(() => page.getByTestId('version-state').textContent()).toBe('approved');
    expect(await publisherView(ids.v1)).toMatchObject({ state: 'approved' });
  }, 60_000);

  it("highlights 0.2.0's added permission and raised price against 0.1.0", async () => {
    await page.goto(`${rig.url}/operator/apps/versions/${ids.v2}`);
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Review echo 0.2.0');
    await expect.poll(() => page.getByTestId('compared-with').textContent()).toContain('0.1.0');
    const permissions = page.getByTestId('permissions');
    expect(await permissions.locator('li[data-change="added"]').innerText()).toMatch(
      /^storage:read\s+added$/,
    );
    expect(await permissions.locator('li[data-change="same"]').innerText()).toContain('usage:write');
    const hourly = page.getByTestId('prices').locator('tr[data-field="hourlyPrice"]');
    expect(await hourly.getAttribute('data-change')).toBe('up');
    expect(await hourly.innerText()).toMatch(/\$0\.20\s+\$0\.30\s+price up/);
    // The rest of the manifest: the version line changed, nothing else.
    const diff = page.getByTestId('manifest-diff');
    await expect
      .poll(() => diff.locator('tr[data-path="version"]').getAttribute('data-change'))
      .toBe('changed');
    expect(await diff.locator('tr[data-change="changed"]').count()).toBe(1);
    await checkScreen(page, 'operator-app-version-diff');
    // The dark theme passes the same checks (contrast of the highlights included).
    await page.getByLabel('Theme').selectOption('dark');
    await checkScreen(page, 'operator-app-version-diff-dark');
    await page.getByLabel('Theme').selectOption('system');
  }, 60_000);

  it('shows a refused approval with its code and hint, then rejects 0.2.0 with a reason', async () => {
    await page.getByLabel('Scope').selectOption('project');
    await page.getByLabel('Project id').fill('0190a000-0000-7000-8000-00000000dead');
    await page.getByRole('button', { name: 'Approve' }).click();
    const refusal = page.getByRole('alert');
    await expect.poll(() => refusal.textContent()).toContain('NOT_FOUND');
    await expect.poll(() => page.getByTestId('review-hint').isVisible()).toBe(true);
    await checkScreen(page, 'operator-app-version-refused');
    expect(await publisherView(ids.v2)).toMatchObject({ state: 'verified' });

    // No reason, no rejection: the form does not go out.
    await page.getByRole('button', { name: 'Reject' }).click();
    const reason = page.getByLabel(/Reason for rejecting/);
    expect(await reason.and(page.locator(':invalid')).count()).toBe(1);
    expect(await publisherView(ids.v2)).toMatchObject({ state: 'verified' });

    // The session expires as the operator sends the reason: they sign in again and find it kept.
    await reason.fill(REJECT_REASON);
    await rig.expireSession(page, `/v1/apps/versions/${ids.v2}/reject`, () =>
      page.getByRole('button', { name: 'Reject' }).click(),
    );
    await submitLogin(page, OPS.email, OPS.password);
    await page.waitForURL(`${rig.url}/operator/apps/versions/${ids.v2}`);
    await expect.poll(() => reason.inputValue()).toBe(REJECT_REASON);
    expect(await page.getByRole('status').filter({ hasText: 'restored' }).count()).toBe(1);
    expect(await publisherView(ids.v2)).toMatchObject({ state: 'verified' });

    await page.getByRole('button', { name: 'Reject' }).click();
    await expect.poll(() => page.getByTestId('version-state').textContent()).toBe('rejected');
    expect(await page.getByTestId('version-reason').textContent()).toBe(REJECT_REASON);
    expect(await page.getByTestId('version-facts').innerText()).toContain(`by ${OPS.email}`);
    expect(await publisherView(ids.v2)).toMatchObject({ state: 'rejected', reason: REJECT_REASON });
    await checkScreen(page, 'operator-app-version-rejected');
  }, 60_000);

  it('revokes the approved 0.1.0 with a reason', async () => {
    await page.goto(`${rig.url}/operator/apps?state=approved`);
    const row = page.locator(`tr[data-version="${ids.v1}"]`);
    await expect.poll(() => row.innerText()).toContain('approved');
    await checkScreen(page, 'operator-apps-approved');
    await row.getByRole('link', { name: 'echo' }).click();
    await page.getByLabel('Reason for revoking').fill(REVOKE_REASON);
    await page.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => page.getByTestId('version-state').textContent()).toBe('revoked');
    expect(await publisherView(ids.v1)).toMatchObject({ state: 'revoked', reason: REVOKE_REASON });

    await page.goto(`${rig.url}/operator/apps?state=revoked`);
    await expect
      .poll(() => page.locator(`tr[data-version="${ids.v1}"]`).innerText())
      .toContain(REVOKE_REASON);
    await checkScreen(page, 'operator-apps-revoked');
  }, 60_000);

  it('shows a tenant no Operator navigation; the platform refuses the review calls', async () => {
    const tenantPage = await rig.signedInPage(TENANT, '/');
    await expect.poll(() => tenantPage.getByRole('navigation', { name: 'Sections' }).isVisible()).toBe(true);
    expect(await tenantPage.getByRole('navigation', { name: 'Operator' }).count()).toBe(0);
    await tenantPage.goto(`${rig.url}/operator/apps`);
    await expect.poll(() => tenantPage.getByRole('alert').textContent()).toContain('FORBIDDEN');
    await checkScreen(tenantPage, 'operator-apps-tenant-refused');
    await tenantPage.goto(`${rig.url}/operator/apps/versions/${ids.v2}`);
    await expect.poll(() => tenantPage.getByRole('alert').textContent()).toContain('NOT_FOUND');

    expect((await rig.fetch(tokens.tenant, '/v1/apps/versions?state=verified')).status).toBe(403);
    expect((await rig.fetch(tokens.tenant, `/v1/apps/versions/${ids.v2}`)).status).toBe(404);
    for (const [action, body] of [
      ['approve', { scope: 'platform' }],
      ['reject', { reason: 'x' }],
      ['revoke', { reason: 'x' }],
    ] as const) {
      const refused = await rig.fetch(tokens.tenant, `/v1/apps/versions/${ids.v2}/${action}`, {
        method: 'POST',
        json: body,
      });
      expect([403, 404], action).toContain(refused.status);
    }
    expect(await publisherView(ids.v2)).toMatchObject({ state: 'rejected', reason: REJECT_REASON });
  }, 60_000);
});
