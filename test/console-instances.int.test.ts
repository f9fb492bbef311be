/**
 * The console's app instances in Debian's Chromium against a real platform (`gpuaas-platform
 * serve` with its seeded demo app `gpuaas-demo/dashboard`, a local node of two simulated GPUs and
 * bubblewrap sandboxes). A tenant launches the demo with the CLI; the console lists it and shows
 * it ready from the event stream; its logs follow (a line the app writes appears; scrolling up
 * holds the view until "Resume following"); its UI extension opens in a sandboxed iframe on the
 * instance's own origin and the page inside works (the platform has a public URL on a domain,
 * `gpuaas.test`, which Chromium resolves to loopback: console and instance origins are same-site
 * as in production, and the browser signs in and carries the instance's cookie on its own); with
 * automatic upgrades on, a second version
 * that adds a permission and a price is published and announced live, not installed; the upgrade
 * shows that consent diff and, accepted, the instance runs the new version; an app whose install
 * hook fails appears live in the list, failed, with the hook's output, and is uninstalled; the demo
 * is stopped with the keyboard after a confirmation. The platform's records are checked through
 * the CLI. Every screen passes axe-core and the console's CSP (one also in the dark theme), and
 * its screenshot is kept.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, requireTools } from '@gpuaas/test-support';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleContext, FOCUSED, signIn, tabTo } from './support/console-browser.js';
import { checkScreen, cliJson, startConsoleRig } from './support/console-harness.js';
import type { ConsoleRig } from './support/console-harness.js';
import { repoRoot, SANDBOXED_NODE, until } from './support/processes.js';

const available = requireTools('console app instances in chromium', 'chromium', 'bwrap', 'python3');
const ALICE = { email: 'alice@example.com', password: 'alice instances password' };
const DEMO = 'gpuaas-demo/dashboard';
const HOOK_MARKER = `hook-says-${Math.random().toString(36).slice(2, 8)}`;
/**
 * The platform's public domain, resolved to loopback as DNS resolves a deployment's: by Chromium
 * (its host-resolver rules) and by the platform (test-domain-dns.mjs: its node agent connects
 * there for the runtime, which pulls the app from the registry under that name). The CLI and the
 * test itself talk to the listen address.
 */
const DOMAIN = 'gpuaas.test';
const DOMAIN_DNS = `--import=${join(repoRoot, 'test/support/test-domain-dns.mjs')}`;

interface Instance {
  id: string;
  state: string;
  app: string | null;
  version: string | null;
  allocation_id: string;
  endpoints: { name: string; url: string }[];
  upgrades?: string;
  ended_at?: string | null;
  failure?: { code: string; detail: string } | null;
}

describe.skipIf(!available)('the console app instances', () => {
  let rig: ConsoleRig;
  /** Where the browser reaches the platform: `http://gpuaas.test:PORT`. */
  let publicUrl: string;
  /** The publisher's signing key, registered with the demo's project. */
  let key: string;
  let alice: BrowserContext;
  let page: Page;
  let demo: Instance;
  const tokens = { operator: '', publisher: '', alice: '' };

  // The operator names the issuer as `serve` was given it (a public URL is not recorded).
  const mint = async (...args: string[]) => (await rig.mint('--public-url', publicUrl, ...args)).access_token;
  const instanceOf = async (id: string) =>
    cliJson<Instance>(await rig.gpuaas(tokens.alice, 'apps', 'instances', 'get', id, '--output', 'json'));
  const launch = async (app: string, wait: boolean) =>
    cliJson<Instance>(
      await rig.gpuaas(
        tokens.alice,
        'apps',
        'launch',
        app,
        '--project',
        'tenant',
        '--yes',
        ...(wait ? ['--wait'] : []),
        '--output',
        'json',
      ),
    );

  /**
   * Publishes (as the demo's publisher project), approves and publishes one version of `app`, the
   * console-extension template the demo is made from, with `extra` added to its manifest.
   */
  const release = async (app: string, version: string, extra: string, free: boolean) => {
    const dir = join(rig.work, 'apps', `${app}-${version}`);
    const template = ['--template', 'console-extension', '--name', app, '--publisher', 'gpuaas-demo'];
    const init = await rig.gpuaasApp('', 'init', dir, ...template, '--yes');
    expect(init.code, init.stderr).toBe(0);
    const file = join(dir, 'gpuaas-app.yaml');
    let manifest = (await readFile(file, 'utf8')).replace(/^version: .*$/m, `version: ${version}`);
    if (free) manifest = manifest.replace(/^billing:\n(?: {2}.*\n)+/m, '');
    await writeFile(file, `${manifest.trimEnd()}\n${extra}`);
    const ref = `gpuaas-demo/${app}`;
    const digest = await rig.publishApp(tokens.publisher, dir, `${ref}:${version}`, key, 'gpuaas-demo');
    await rig.approveApp(tokens.operator, ref, digest, '--access', 'free');
  };

  beforeAll(async () => {
    // The platform's public URL names its port before it listens: a port free now.
    const port = await freePort();
    publicUrl = `http://${DOMAIN}:${port}`;
    // The demo app is seeded (no --no-demo). The later --port wins over the rig's own.
    rig = await startConsoleRig({
      users: [ALICE],
      serve: [...SANDBOXED_NODE, '--port', String(port), '--public-url', publicUrl],
      serveEnv: {
        GPUAAS_TEST_DOMAIN: DOMAIN,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${DOMAIN_DNS}`.trim(),
      },
      chromium: [
        `--host-resolver-rules=MAP ${DOMAIN} 127.0.0.1, MAP *.${DOMAIN} 127.0.0.1`,
        // A deployment serves https; the console needs a secure context (Web Crypto for PKCE).
        `--unsafely-treat-insecure-origin-as-secure=${publicUrl}`,
      ],
    });
    tokens.alice = await mint('--user', ALICE.email, '--project', 'tenant');
    tokens.operator = await mint('--user', 'ops@example.com', '--operator');
    // A member of the demo's publisher project, with a signing key of its own registered there.
    tokens.publisher = await mint('--user', 'dev@demo.example', '--project', 'gpuaas-demo');
    key = await rig.signingKey(tokens.publisher, 'gpuaas-demo', 'demo');
    await until(
      async () => {
        const listed = await rig.gpuaas(
          tokens.alice,
          'apps',
          'list',
          '--project',
          'tenant',
          '--output',
          'json',
        );
        return listed.code === 0 && listed.stdout.includes(DEMO) ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'the demo app in the catalog' },
    );
    demo = await launch(DEMO, true);
    expect(demo).toMatchObject({ app: 'dashboard', version: '0.1.0', state: 'ready' });

    alice = await consoleContext(rig.browser);
    page = await alice.newPage();
  }, 240_000);

  afterAll(() => rig?.stop());

  it('lists the instance and shows it ready, live from the event stream', async () => {
    await signIn(page, `${publicUrl}/instances`, ALICE.email, ALICE.password);
    await expect.poll(() => page.locator('main h1').textContent()).toBe('App instances');
    const row = page.locator(`tr[data-instance="${demo.id}"]`);
    // The runtime's state of a running instance, not only the stored `running`.
    await expect.poll(() => row.getByTestId('instance-state').textContent()).toBe('ready');
    expect(await row.textContent()).toContain('dashboard');
    expect(await row.locator(`a[href="/allocations/${demo.allocation_id}"]`).count()).toBe(1);
    await checkScreen(page, 'instances');

    await row.locator(`a[href="/instances/${demo.id}"]`).click();
    await page.waitForURL(`${publicUrl}/instances/${demo.id}`);
    await expect.poll(() => page.getByTestId('live').getAttribute('data-status')).toBe('live');
    await expect.poll(() => page.getByTestId('instance-state').textContent()).toBe('ready');
    expect(await page.getByTestId('instance-version').textContent()).toBe('0.1.0');
    await checkScreen(page, 'instance');
  }, 60_000);

  it('follows the logs: a line the app writes appears; scrolling up holds the view', async () => {
    // The endpoint's public URL, reached at the listen address (this process does not resolve it).
    const endpoint = new URL(new URL(demo.endpoints[0]?.url ?? '').pathname, rig.url);
    expect(demo.endpoints[0]?.url.startsWith(`${publicUrl}/`)).toBe(true);
    const hit = (query: string) =>
      fetch(new URL(`healthz?${query}`, endpoint), { headers: { authorization: `Bearer ${tokens.alice}` } });
    // The app logs each request on stderr.
    await page.getByLabel('Stream').selectOption('stderr');
    await expect.poll(() => page.getByTestId('logs-status').getAttribute('data-status')).toBe('following');
    const logs = page.getByTestId('logs');
    const marker = Math.random().toString(36).slice(2, 8);
    expect((await hit(`marker=${marker}`)).status).toBe(200);
    await expect.poll(() => logs.textContent(), { timeout: 20_000 }).toContain(`marker=${marker}`);

    // Enough lines to scroll, then the user scrolls up: the view holds still.
    await Promise.all(Array.from({ length: 40 }, (_, i) => hit(`fill=${i}`)));
    await expect.poll(() => logs.textContent()).toContain('fill=39');
    await page.evaluate(`document.querySelector('[data-testid="logs"]').scrollTo({ top: 0 })`);
    await page.getByRole('button', { name: 'Resume following' }).waitFor();
    const held = `held-${marker}`;
    expect((await hit(held)).status).toBe(200);
    await expect.poll(() => page.getByTestId('logs-paused').textContent()).toContain('new lines are waiting');
    expect(await logs.textContent()).not.toContain(held);
    await checkScreen(page, 'instance-logs-paused');
    await page.getByRole('button', { name: 'Resume following' }).click();
    await expect.poll(() => logs.textContent()).toContain(held);
    await expect
      .poll(() =>
        page.evaluate(
          `(() => { const el = document.querySelector('[data-testid="logs"]'); return el.scrollHeight - el.scrollTop - el.clientHeight; })()`,
        ),
      )
      .toBeLessThan(10);
  }, 60_000);

  it('opens the UI extension in a sandboxed iframe on its own origin', async () => {
    await page.getByRole('button', { name: 'Open UI extension' }).click();
    const iframe = page.getByTestId('ui-extension');
    await iframe.waitFor();
    const inside = page.frameLocator('[data-testid="ui-extension"]');
    // The app's own page, its script run and its fetch of its own API answered.
    await expect.poll(() => inside.locator('h1').textContent(), { timeout: 20_000 }).toBe('Demo dashboard');
    await expect
      .poll(() => inside.locator('#uptime').textContent(), { timeout: 20_000 })
      .toMatch(/^\d+h \d+m \d+s$/);
    const frame = page.frames().find((f) => f.url().includes(`.apps.${DOMAIN}`));
    const frameOrigin = new URL(frame?.url() ?? 'about:blank').origin;
    expect(frameOrigin).toBe(`http://${demo.allocation_id}.apps.${DOMAIN}:${new URL(publicUrl).port}`);
    expect(new URL(page.url()).origin).toBe(publicUrl);
    expect(frameOrigin).not.toBe(new URL(page.url()).origin);
    expect(new URL(frame?.url() ?? '').pathname).toBe('/ui/');
    // The browser itself kept the origin's session cookie and sent it from inside the console.
    const cookies = await alice.cookies(frameOrigin);
    expect(cookies.map((c) => [c.name, c.domain, c.httpOnly, c.sameSite])).toEqual([
      ['gpuaas_app_session', new URL(frameOrigin).hostname, true, 'Lax'],
    ]);
    // Scripts with their own origin, which is never the console's.
    expect(await iframe.getAttribute('sandbox')).toBe('allow-scripts allow-forms allow-same-origin');
    // The framed page cannot reach into the console.
    expect(
      await frame?.evaluate(
        '(() => { try { return window.parent.document.title; } catch { return "blocked"; } })()',
      ),
    ).toBe('blocked');
    await checkScreen(page, 'instance-extension');
    await page.getByRole('button', { name: 'Close UI extension' }).click();
    await checkScreen(page, 'instance-extension-closed');
  }, 60_000);

  it('upgrades after showing the consent diff, and the instance runs the new version', async () => {
    // Automatic upgrades on: a version that widens the consent is announced, never installed.
    await page.getByLabel('Upgrades', { exact: true }).selectOption('automatic');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(async () => (await instanceOf(demo.id)).upgrades).toBe('automatic');
    await release('dashboard', '0.2.0', 'permissions:\n  scopes: [apps:read]\n', false);
    await expect
      .poll(() => page.getByTestId('instance-history').textContent(), { timeout: 20_000 })
      .toContain('Version 0.2.0 available');
    expect((await instanceOf(demo.id)).version).toBe('0.1.0');
    await page.reload();
    await page.getByRole('heading', { name: 'Upgrade', exact: true }).waitFor();
    await page.getByLabel('Version').selectOption('0.2.0');
    await page.getByRole('button', { name: 'Upgrade', exact: true }).click();
    const diff = page.getByTestId('consent-diff');
    await diff.waitFor({ timeout: 20_000 });
    const text = (await diff.textContent()) ?? '';
    expect(text).toContain('apps:read');
    expect(text).toMatch(/Hourly price: none → 0\.01 USD/);
    // Nothing changed before the consent.
    expect((await instanceOf(demo.id)).version).toBe('0.1.0');
    await checkScreen(page, 'instance-upgrade-consent');

    await page.getByRole('button', { name: 'Accept and upgrade' }).click();
    await expect
      .poll(() => page.getByText('Upgraded from 0.1.0 to 0.2.0.').count(), { timeout: 120_000 })
      .toBe(1);
    const upgraded = await until(
      async () => {
        const i = await instanceOf(demo.id);
        return i.version === '0.2.0' && i.state === 'ready' ? i : undefined;
      },
      { timeoutMs: 60_000, what: 'the instance ready on 0.2.0' },
    );
    expect(upgraded.id).toBe(demo.id);
    await expect.poll(() => page.getByTestId('instance-version').textContent()).toBe('0.2.0');
    await checkScreen(page, 'instance-upgraded');
  }, 180_000);

  it("shows an instance whose install hook fails, live, with the hook's output", async () => {
    await release(
      'broken',
      '0.1.0',
      `hooks:\n  install:\n    command: "echo ${HOOK_MARKER}; echo cannot-install >&2; exit 3"\n`,
      true,
    );
    await page.getByRole('navigation').getByRole('link', { name: 'Instances' }).click();
    await expect.poll(() => page.locator('main h1').textContent()).toBe('App instances');
    const broken = await launch('gpuaas-demo/broken', false);
    // Appears and fails without a reload: the event stream drives the list.
    const row = page.locator(`tr[data-instance="${broken.id}"]`);
    await expect
      .poll(() => row.getByTestId('instance-state').textContent(), { timeout: 60_000 })
      .toMatch(/^failed/);
    await row.locator(`a[href="/instances/${broken.id}"]`).click();
    const failure = page.getByRole('region', { name: 'What went wrong' });
    await expect.poll(() => failure.textContent(), { timeout: 20_000 }).toContain('HOOK_FAILED');
    await expect.poll(() => failure.getByTestId('hook-output').first().textContent()).toContain(HOOK_MARKER);
    expect(await failure.textContent()).toContain('cannot-install');
    const recorded = await instanceOf(broken.id);
    expect(recorded.state).toBe('failed');
    await checkScreen(page, 'instance-failed');

    await page.getByRole('button', { name: 'Uninstall' }).click();
    await page.getByRole('button', { name: 'Confirm uninstall' }).click();
    await expect.poll(async () => (await instanceOf(broken.id)).ended_at, { timeout: 30_000 }).not.toBeNull();
    await expect.poll(() => page.getByTestId('instance-state').textContent()).toMatch(/^(stopped|failed)/);
  }, 120_000);

  it('stops the instance after a confirmation, with the keyboard', async () => {
    await page.goto(`${publicUrl}/instances/${demo.id}`);
    await expect.poll(() => page.getByTestId('instance-state').textContent()).toBe('ready');
    await tabTo(page, /^Stop$/);
    await page.keyboard.press('Enter');
    // The confirmation takes the focus: Enter confirms.
    await expect.poll(() => page.evaluate(FOCUSED)).toBe('Confirm stop');
    await checkScreen(page, 'instance-stop-confirm');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('instance-state').textContent(), { timeout: 60_000 })
      .toBe('stopped');
    expect((await instanceOf(demo.id)).state).toBe('stopped');
    await expect.poll(() => page.getByTestId('logs-status').getAttribute('data-status')).toBe('ended');
    await checkScreen(page, 'instance-stopped');
    await page.getByLabel('Theme').selectOption('dark');
    await checkScreen(page, 'instance-stopped-dark');
    await page.getByLabel('Theme').selectOption('system');
  }, 90_000);
});
