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
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, makeApp, requireTools } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consoleContext,
  cspViolations,
  ensureConsoleBuilt,
  launchChromium,
  screenshot,
  seriousViolations,
  signIn,
  tabTo,
} from './support/console-browser.js';
import { gpuaasAppBin, gpuaasBin, run, runPlatform, startServer } from './support/processes.js';
import type { RunResult, TestServer } from './support/processes.js';

const available = requireTools('operator app review in chromium', 'chromium');
const OPS = { email: 'ops@example.com', password: 'operator console password' };
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

function json<T>(result: RunResult): T {
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as T;
}

describe.skipIf(!available)('operator app review in the web console', () => {
  let work: string;
  let store: TestStore;
  let server: TestServer;
  let browser: Browser;
  let opsContext: BrowserContext;
  let page: Page;
  const tokens = { publisher: '', tenant: '' };
  const ids = { v1: '', v2: '', project: '' };
  let keyName = '';

  const check = async (p: Page, name: string) => {
    expect(await seriousViolations(p), name).toEqual([]);
    expect(await cspViolations(p), name).toEqual([]);
    await screenshot(p, name);
  };
  const env = (token: string): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: join(work, 'home'),
    XDG_CONFIG_HOME: join(work, 'home'),
    GPUAAS_API_URL: server.url,
    GPUAAS_TOKEN: token,
    CI: 'true',
  });
  const api = (token: string, path: string, init: RequestInit = {}) =>
    fetch(server.url + path, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
  /** The version as the publisher reads it through the API. */
  const publisherView = async (id: string): Promise<Version> => {
    const answer = await api(tokens.publisher, `/v1/apps/versions/${id}`);
    expect(answer.status).toBe(200);
    return (await answer.json()) as Version;
  };

  /** examples/echo-llm as acme's `echo`, `edit`ed, published and registered as the publisher does. */
  const publish = async (version: string, edit: (manifest: string) => string): Promise<string> => {
    const dir = await makeApp(join(work, `echo-${version}`), { 'unique.txt': version });
    const file = join(dir, 'gpuaas-app.yaml');
    const manifest = (await readFile(file, 'utf8'))
      .replace(/^name: .*$/m, 'name: echo')
      .replace(/^publisher: .*$/m, 'publisher: acme')
      .replace(/^version: .*$/m, `version: ${version}`);
    await writeFile(file, edit(manifest));
    const host = new URL(server.url).host;
    const published = json<{ digest: string }>(
      await run(
        gpuaasAppBin,
        [
          'publish',
          dir,
          '--to',
          `${host}/acme/echo:${version}`,
          '--key',
          join(work, 'acme.key'),
          '--register',
          '--project',
          'acme',
          '--json',
        ],
        env(tokens.publisher),
      ),
    );
    const listed = await api(tokens.publisher, `/v1/apps/versions?project_id=${ids.project}`);
    const { items } = (await listed.json()) as { items: (Version & { digest: string })[] };
    const registered = items.find((v) => v.digest === published.digest);
    expect(registered).toMatchObject({ version, state: 'verified' });
    return registered?.id ?? '';
  };

  beforeAll(async () => {
    await ensureConsoleBuilt();
    work = await mkdtemp(join(tmpdir(), 'gpuaas-console-review-'));
    store = await createTestStore('sqlite');
    server = await startServer(store, ['--no-demo']);
    const operator = await runPlatform(
      store,
      ['users', 'add', '--email', OPS.email, '--password-stdin', '--operator'],
      `${OPS.password}\n`,
    );
    expect(operator.code, operator.stderr).toBe(0);
    const tenant = await runPlatform(
      store,
      ['users', 'add', '--email', TENANT.email, '--password-stdin'],
      `${TENANT.password}\n`,
    );
    expect(tenant.code, tenant.stderr).toBe(0);
    const minted = json<{ access_token: string; project_id: string }>(
      await runPlatform(store, ['token', '--user', 'dev@acme.example', '--project', 'acme', '--json']),
    );
    tokens.publisher = minted.access_token;
    ids.project = minted.project_id;
    tokens.tenant = json<{ access_token: string }>(
      await runPlatform(store, ['token', '--user', TENANT.email, '--json']),
    ).access_token;

    const keygen = await run(
      gpuaasAppBin,
      ['keygen', '--out', join(work, 'acme'), '--no-gitignore'],
      env(''),
    );
    expect(keygen.code, keygen.stderr).toBe(0);
    keyName = 'acme-release';
    const added = await run(
      gpuaasBin,
      [
        'apps',
        'keys',
        'add',
        join(work, 'acme.pub'),
        '--name',
        keyName,
        '--project',
        'acme',
        '--output',
        'json',
      ],
      env(tokens.publisher),
    );
    expect(added.code, added.stderr).toBe(0);
    ids.v1 = await publish('0.1.0', (m) => m);
    // 0.2.0 asks for one more permission and raises its hourly price.
    ids.v2 = await publish('0.2.0', (m) =>
      m
        .replace('scopes: [usage:write]', 'scopes: [usage:write, storage:read]')
        .replace("hourlyPrice: '0.20'", "hourlyPrice: '0.30'"),
    );

    browser = await launchChromium();
    opsContext = await consoleContext(browser);
    page = await opsContext.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await store?.drop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('lists both versions awaiting review with their publisher and signer', async () => {
    await signIn(page, `${server.url}/`, OPS.email, OPS.password);
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
    await check(page, 'operator-apps');
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
    await check(page, 'operator-app-version-new');

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
    await page.goto(`${server.url}/operator/apps/versions/${ids.v2}`);
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
    await check(page, 'operator-app-version-diff');
    // The dark theme passes the same checks (contrast of the highlights included).
    await page.getByLabel('Theme').selectOption('dark');
    await check(page, 'operator-app-version-diff-dark');
    await page.getByLabel('Theme').selectOption('system');
  }, 60_000);

  it('shows a refused approval with its code and hint, then rejects 0.2.0 with a reason', async () => {
    await page.getByLabel('Scope').selectOption('project');
    await page.getByLabel('Project id').fill('0190a000-0000-7000-8000-00000000dead');
    await page.getByRole('button', { name: 'Approve' }).click();
    const refusal = page.getByRole('alert');
    await expect.poll(() => refusal.textContent()).toContain('NOT_FOUND');
    await expect.poll(() => page.getByTestId('review-hint').isVisible()).toBe(true);
    await check(page, 'operator-app-version-refused');
    expect(await publisherView(ids.v2)).toMatchObject({ state: 'verified' });

    // No reason, no rejection: the form does not go out.
    await page.getByRole('button', { name: 'Reject' }).click();
    const reason = page.getByLabel(/Reason for rejecting/);
    expect(await reason.and(page.locator(':invalid')).count()).toBe(1);
    expect(await publisherView(ids.v2)).toMatchObject({ state: 'verified' });

    // The session expires as the operator sends the reason: they sign in again and find it kept.
    await reason.fill(REJECT_REASON);
    await page.route(`${server.url}/v1/apps/versions/${ids.v2}/reject`, (route) =>
      route.fulfill({
        status: 401,
        contentType: 'application/problem+json',
        body: '{"code":"TOKEN_EXPIRED","title":"Token expired","status":401}',
      }),
    );
    await page.route(`${server.url}/oidc/token`, (route) =>
      route.fulfill({ status: 400, contentType: 'application/json', body: '{"error":"invalid_grant"}' }),
    );
    await opsContext.clearCookies();
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.waitForURL(/\/oidc\/interaction\//);
    await page.unrouteAll();
    await page.getByLabel('Email').fill(OPS.email);
    await page.getByLabel('Password').fill(OPS.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/operator/apps/versions/${ids.v2}`);
    await expect.poll(() => reason.inputValue()).toBe(REJECT_REASON);
    expect(await page.getByRole('status').filter({ hasText: 'restored' }).count()).toBe(1);
    expect(await publisherView(ids.v2)).toMatchObject({ state: 'verified' });

    await page.getByRole('button', { name: 'Reject' }).click();
    await expect.poll(() => page.getByTestId('version-state').textContent()).toBe('rejected');
    expect(await page.getByTestId('version-reason').textContent()).toBe(REJECT_REASON);
    expect(await page.getByTestId('version-facts').innerText()).toContain(`by ${OPS.email}`);
    expect(await publisherView(ids.v2)).toMatchObject({ state: 'rejected', reason: REJECT_REASON });
    await check(page, 'operator-app-version-rejected');
  }, 60_000);

  it('revokes the approved 0.1.0 with a reason', async () => {
    await page.goto(`${server.url}/operator/apps?state=approved`);
    const row = page.locator(`tr[data-version="${ids.v1}"]`);
    await expect.poll(() => row.innerText()).toContain('approved');
    await check(page, 'operator-apps-approved');
    await row.getByRole('link', { name: 'echo' }).click();
    await page.getByLabel('Reason for revoking').fill(REVOKE_REASON);
    await page.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => page.getByTestId('version-state').textContent()).toBe('revoked');
    expect(await publisherView(ids.v1)).toMatchObject({ state: 'revoked', reason: REVOKE_REASON });

    await page.goto(`${server.url}/operator/apps?state=revoked`);
    await expect
      .poll(() => page.locator(`tr[data-version="${ids.v1}"]`).innerText())
      .toContain(REVOKE_REASON);
    await check(page, 'operator-apps-revoked');
  }, 60_000);

  it('shows a tenant no Operator navigation; the platform refuses the review calls', async () => {
    const tenantPage = await (await consoleContext(browser)).newPage();
    await signIn(tenantPage, `${server.url}/`, TENANT.email, TENANT.password);
    await expect.poll(() => tenantPage.getByRole('navigation', { name: 'Sections' }).isVisible()).toBe(true);
    expect(await tenantPage.getByRole('navigation', { name: 'Operator' }).count()).toBe(0);
    await tenantPage.goto(`${server.url}/operator/apps`);
    await expect.poll(() => tenantPage.getByRole('alert').textContent()).toContain('FORBIDDEN');
    await check(tenantPage, 'operator-apps-tenant-refused');
    await tenantPage.goto(`${server.url}/operator/apps/versions/${ids.v2}`);
    await expect.poll(() => tenantPage.getByRole('alert').textContent()).toContain('NOT_FOUND');

    expect((await api(tokens.tenant, '/v1/apps/versions?state=verified')).status).toBe(403);
    expect((await api(tokens.tenant, `/v1/apps/versions/${ids.v2}`)).status).toBe(404);
    for (const [action, body] of [
      ['approve', { scope: 'platform' }],
      ['reject', { reason: 'x' }],
      ['revoke', { reason: 'x' }],
    ] as const) {
      const refused = await api(tokens.tenant, `/v1/apps/versions/${ids.v2}/${action}`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
      expect([403, 404], action).toContain(refused.status);
    }
    expect(await publisherView(ids.v2)).toMatchObject({ state: 'rejected', reason: REJECT_REASON });
  }, 60_000);
});
