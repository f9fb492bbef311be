/**
 * The console's app catalog and launch form in Debian's Chromium against a real platform
 * (`gpuaas-platform serve` with its seeded demo app, a local node of two simulated GPUs and
 * bubblewrap sandboxes). A publisher releases an app whose manifest declares typed parameters
 * (text with a length, a secret, an integer range, an enum, a list with a server-only rule, a
 * boolean), a permission, a meter and prices, as the CLI does it. A tenant signs in, creates a
 * project, finds the demo app and that app in /apps, fills the form generated from the parameter
 * schemas (the browser's check first, then a value only the platform refuses, shown at its
 * field), passes the consent step and launches; the platform records the instance with those
 * parameters and never answers the secret, and it runs. The form works with the keyboard alone
 * and survives an expired session without keeping the secret; a second tenant sees nothing of
 * the first. Every screen passes axe-core and the console's CSP, and its screenshot is kept.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireTools } from '@gpuaas/test-support';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consoleContext,
  FOCUSED,
  JWT,
  signIn,
  storedState,
  submitLogin,
  tabTo,
} from './support/console-browser.js';
import { checkScreen, cliJson, startConsoleRig } from './support/console-harness.js';
import type { ConsoleRig } from './support/console-harness.js';
import { SANDBOXED_NODE } from './support/processes.js';

const available = requireTools('console apps in chromium', 'chromium', 'bwrap', 'python3');
const ALICE = { email: 'alice@example.com', password: 'alice apps password' };
const BOB = { email: 'bob@example.com', password: 'bob apps password' };
const SECRET = 'sk-console-apps-5e4d3c2b1a';
const APP = 'acme/chatbox';

const PARAMETERS = [
  'parameters:',
  '  greeting: { type: string, title: Greeting, minLength: 2, maxLength: 16, default: hello }',
  '  api_key: { type: string, title: API key, secret: true }',
  '  replicas: { type: integer, title: Replicas, minimum: 1, maximum: 4, default: 1 }',
  '  mode: { type: string, title: Mode, enum: [fast, careful], default: careful }',
  // `not` is beyond what the browser checks: only the platform refuses `root`.
  "  tags: { type: array, title: Tags, items: { type: string, pattern: '^[a-z]+$', not: { const: root } }, maxItems: 3 }",
  '  verbose: { type: boolean, title: Verbose logging, default: true }',
  'meters:',
  '  - { name: tokens, unit: token, aggregation: sum }',
  'permissions:',
  '  scopes: [projects:read]',
].join('\n');
const BILLING = [
  'billing:',
  '  currency: USD',
  "  hourlyPrice: '0.50'",
  '  metered:',
  "    - { meter: tokens, pricePerUnit: '0.000002' }",
  '',
].join('\n');

interface Instance {
  id: string;
  state: string;
  app: string | null;
  allocation_id: string;
}

describe.skipIf(!available)('the console app catalog and launch form', () => {
  let rig: ConsoleRig;
  let alice: BrowserContext;
  let page: Page;
  let instanceId = '';
  const tokens = { operator: '', publisher: '', alice: '', bob: '' };

  const mint = async (...args: string[]) => (await rig.mint(...args)).access_token;
  const api = async (token: string, path: string) => {
    const answer = await rig.fetch(token, path);
    return { status: answer.status, text: await answer.text() };
  };
  const instances = async (token: string, project: string) =>
    cliJson<{ items: Instance[] }>(
      await rig.gpuaas(token, 'apps', 'instances', 'list', '--project', project, '--output', 'json'),
    ).items;
  const field = (label: string) => page.getByLabel(label, { exact: false });

  /** As a publisher and an operator would: scaffold, publish, register, approve, publish. */
  const release = async (key: string) => {
    const dir = join(rig.work, 'chatbox');
    const template = ['--template', 'console-extension', '--name', 'chatbox', '--publisher', 'acme'];
    const init = await rig.gpuaasApp('', 'init', dir, ...template, '--yes');
    expect(init.code, init.stderr).toBe(0);
    const file = join(dir, 'gpuaas-app.yaml');
    const manifest = (await readFile(file, 'utf8'))
      .replace(/^endpoints:/m, () => `${PARAMETERS}\nendpoints:`)
      .replace(/^billing:\n(?: {2}.*\n)+/m, () => BILLING);
    expect(manifest).toContain("pricePerUnit: '0.000002'");
    await writeFile(file, manifest);
    const digest = await rig.publishApp(tokens.publisher, dir, `${APP}:0.1.0`, key, 'acme');
    await rig.approveApp(tokens.operator, APP, digest);
  };

  beforeAll(async () => {
    // With the demo app: no --no-demo, and no GPUAAS_DEMO=off from the environment.
    delete process.env.GPUAAS_DEMO;
    rig = await startConsoleRig({ users: [ALICE, BOB], serve: SANDBOXED_NODE });
    tokens.operator = await mint('--user', 'ops@example.com', '--operator');
    tokens.publisher = await mint('--user', 'dev@acme.example', '--project', 'acme');
    await release(await rig.signingKey(tokens.publisher, 'acme', 'acme'));
    alice = await consoleContext(rig.browser);
    page = await alice.newPage();
  }, 180_000);
  afterAll(() => rig?.stop());

  it('finds the demo app and the published app in the catalog of a new project', async () => {
    await signIn(page, `${rig.url}/apps`, ALICE.email, ALICE.password);
    await expect.poll(() => page.locator('main').textContent()).toContain('You have no project yet');
    await page.getByRole('navigation').getByRole('link', { name: 'Projects' }).click();
    await page.getByLabel('Name').fill('alice-apps');
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect.poll(() => page.getByRole('row', { name: /alice-apps/ }).textContent()).toContain('In use');
    await page.getByRole('navigation').getByRole('link', { name: 'Apps' }).click();
    const demo = page.locator('tr[data-app="gpuaas-demo/dashboard"]');
    const chatbox = page.locator(`tr[data-app="${APP}"]`);
    // The demo is seeded in the background as the platform starts.
    await expect.poll(() => demo.count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => chatbox.textContent()).toContain('$0.50 per hour while ready + 1 metered');
    expect(await chatbox.textContent()).toContain('1 GPU (any model), 1 CPU, 1 GiB memory');
    expect(await demo.getByTestId('entitled').textContent()).toBe('Entitled');
    expect(await demo.textContent()).toContain('Free');
    await page.getByLabel('Search apps').fill('chatbox');
    await expect.poll(() => demo.count()).toBe(0);
    expect(await chatbox.count()).toBe(1);
    await checkScreen(page, 'apps-catalog');
    await page.getByLabel('Search apps').fill('');
    await demo.getByRole('link').click();
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Demo dashboard');
    expect(await page.locator('main').textContent()).toContain('This version takes no parameters.');
    await checkScreen(page, 'app-demo');
  }, 90_000);

  it('launches from the generated form: browser check, platform check at its field, consent', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Apps' }).click();
    await page.locator(`tr[data-app="${APP}"]`).getByRole('link').click();
    await page.waitForURL(`${rig.url}/apps/acme/chatbox`);
    expect(await field('Greeting').inputValue()).toBe('hello');
    expect(await field('Replicas').inputValue()).toBe('1');
    expect(await field('Mode').inputValue()).toBe('careful');
    expect(await field('Verbose logging').isChecked()).toBe(true);
    expect(await field('API key').getAttribute('type')).toBe('password');
    expect(await page.getByTestId('permissions').textContent()).toContain('projects:read');
    await field('Greeting').fill('x');
    await field('Replicas').fill('9');
    await field('Replicas').press('Tab');
    await page.getByRole('button', { name: 'Review and launch' }).click();
    await expect.poll(() => page.getByTestId('form-errors').textContent()).toContain('Fix these 2 fields');
    expect(await page.getByTestId('field-error').allTextContents()).toEqual([
      'Greeting must be at least 2 characters long.',
      'Replicas must be at most 4.',
    ]);
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe(
      'launch-param-greeting',
    );
    await checkScreen(page, 'app-launch-invalid');

    await field('Greeting').fill('bonjour');
    await field('Replicas').fill('3');
    await field('API key').fill(SECRET);
    await field('Mode').selectOption('fast');
    await field('Tags').fill('alpha\nroot');
    await field('Verbose logging').uncheck();
    expect(await page.getByTestId('field-error').count()).toBe(0);
    await page.getByRole('button', { name: 'Review and launch' }).click();
    const consent = page.getByTestId('consent');
    await expect.poll(() => consent.locator('h2').textContent()).toMatch(/^Allow .* 0\.1\.0\?$/);
    const text = (await consent.textContent()) ?? '';
    for (const want of ['projects:read', '$0.50 per hour while ready', '$0.000002 per unit of tokens'])
      expect(text).toContain(want);
    expect(text).toContain('Charged in USD');
    expect(await consent.getByTestId('consent-parameters').textContent()).toContain('set (hidden)');
    expect(text).not.toContain(SECRET);
    expect(await page.getByRole('button', { name: 'Confirm and launch' }).isDisabled()).toBe(true);
    await checkScreen(page, 'app-consent');
    await page.getByLabel(/I allow .* these permissions and accept its prices in USD/).check();
    await page.getByRole('button', { name: 'Confirm and launch' }).click();
    // Only the platform knows `root` is refused: back at the form, the message at that field.
    await expect
      .poll(() => page.locator('[data-parameter="tags"]').getByTestId('field-error').textContent())
      .toMatch(/^Tags: /);
    expect(await field('API key').inputValue()).toBe(SECRET);
    await checkScreen(page, 'app-launch-refused');
    await field('Tags').fill('alpha\nbeta');
    await page.getByRole('button', { name: 'Review and launch' }).click();
    await page.getByLabel(/I allow/).check();
    await page.getByRole('button', { name: 'Confirm and launch' }).click();
    await page.waitForURL(/\/instances\/[0-9a-f-]{36}$/);
    instanceId = page.url().split('/').pop() ?? '';
    expect(await storedState(page)).not.toContain(SECRET);
  }, 60_000);

  it('recorded the instance with those parameters, never answers the secret, and it runs', async () => {
    tokens.alice = await mint('--user', ALICE.email);
    const listed = await instances(tokens.alice, 'alice-apps');
    expect(listed.map((i) => i.id)).toEqual([instanceId]);
    let instance: Instance | undefined;
    await expect
      .poll(
        async () => {
          instance = (await instances(tokens.alice, 'alice-apps'))[0];
          return instance?.state;
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe('running');
    const shown = await api(tokens.alice, `/v1/apps/instances/${instanceId}`);
    expect(shown.status).toBe(200);
    expect(shown.text).not.toContain(SECRET);
    const app = await api(tokens.alice, `/v1/allocations/${instance?.allocation_id ?? ''}/app`);
    expect(app.status).toBe(200);
    expect(app.text).not.toContain(SECRET);
    expect((JSON.parse(app.text) as { params: unknown }).params).toEqual({
      greeting: 'bonjour',
      api_key: '***',
      replicas: 3,
      mode: 'fast',
      tags: ['alpha', 'beta'],
      verbose: false,
    });
  }, 90_000);

  it('walks the launch form with the keyboard alone', async () => {
    const keys = await alice.newPage();
    await keys.goto(`${rig.url}/apps/acme/chatbox`);
    await keys.locator('main h1').waitFor();
    await keys.bringToFront();
    await keys.locator('main h1').focus();
    await tabTo(keys, /Greeting/);
    await keys.keyboard.press('ControlOrMeta+A');
    await keys.keyboard.type('hola');
    await tabTo(keys, /API key/);
    await keys.keyboard.type(SECRET);
    await tabTo(keys, /Time to live/);
    await keys.keyboard.type('30m');
    await keys.keyboard.press('Enter');
    await expect.poll(() => keys.evaluate(FOCUSED)).toMatch(/^Allow /);
    await tabTo(keys, /I allow/);
    await keys.keyboard.press('Space');
    await tabTo(keys, /^Confirm and launch$/);
    await keys.keyboard.press('Enter');
    await keys.waitForURL(/\/instances\/[0-9a-f-]{36}$/);
    const second = keys.url().split('/').pop() ?? '';
    expect((await instances(tokens.alice, 'alice-apps')).map((i) => i.id)).toEqual([second, instanceId]);
    await keys.close();
  }, 60_000);

  it('keeps the form through an expired session, but never the secret', async () => {
    await page.goto(`${rig.url}/apps/acme/chatbox`);
    await field('Greeting').fill('kept-draft');
    await field('API key').fill(SECRET);
    await page.getByRole('button', { name: 'Review and launch' }).click();
    await page.getByLabel(/I allow/).check();
    await rig.expireSession(page, '/v1/apps/instances', () =>
      page.getByRole('button', { name: 'Confirm and launch' }).click(),
    );
    const kept = await storedState(page);
    expect(kept).toContain('kept-draft');
    expect(kept).not.toContain(SECRET);
    expect(kept).not.toMatch(JWT);
    await submitLogin(page, ALICE.email, ALICE.password);
    await page.waitForURL(`${rig.url}/apps/acme/chatbox`);
    await expect.poll(() => field('Greeting').inputValue()).toBe('kept-draft');
    expect(await field('API key').inputValue()).toBe('');
    expect(await page.getByRole('status').filter({ hasText: 'restored' }).count()).toBe(1);
    await checkScreen(page, 'app-launch-restored');
    expect(await instances(tokens.alice, 'alice-apps')).toHaveLength(2);
  }, 60_000);

  it('shows a second tenant nothing of the first', async () => {
    const bob = await rig.signedInPage(BOB, '/projects');
    await bob.getByLabel('Name').fill('bob-apps');
    await bob.getByRole('button', { name: 'Create project' }).click();
    await expect.poll(() => bob.getByRole('row', { name: /bob-apps/ }).textContent()).toContain('In use');
    await bob.getByRole('navigation').getByRole('link', { name: 'Apps' }).click();
    await expect.poll(() => bob.locator(`tr[data-app="${APP}"]`).count()).toBe(1);
    const visible = (await bob.locator('body').textContent()) ?? '';
    for (const other of ['alice', instanceId]) expect(visible).not.toContain(other);
    await bob.getByLabel('Theme').selectOption('dark');
    await checkScreen(bob, 'apps-catalog-dark');
    tokens.bob = await mint('--user', BOB.email);
    expect(await instances(tokens.bob, 'bob-apps')).toEqual([]);
    expect((await api(tokens.bob, `/v1/apps/instances/${instanceId}`)).status).toBe(404);
    await bob.context().close();
  }, 60_000);
});
