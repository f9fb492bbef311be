/**
 * A hostile console UI extension in Debian's Chromium (playwright-core): the app's page, served on
 * its instance origin `<allocation>.apps.platform.example.com` and embedded (without any iframe
 * sandbox: the most an app could be granted) in a page of the platform's origin
 * `platform.example.com`, tries to read the parent page, the platform's cookies and storage, to
 * call the platform's API with the user's credentials and to mint itself a sign-in code. Every
 * attempt must fail; the test fails if one succeeds.
 *
 * A real platform and runtime relay to an app written by the test, without the bubblewrap sandbox
 * (test/support/app-ui.ts). The hosts are a public-suffix domain mapped to 127.0.0.1 in Chromium,
 * so console and instance are same-site as in production, where the session cookie (SameSite=Lax)
 * works inside the console's iframe; `*.localhost` hosts are each a site of their own, so on
 * loopback a UI extension opens in a tab instead (docs/ui-extensions.md).
 */
import { requireTools } from '@gpuaas/test-support';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUiFixture } from './support/app-ui.js';
import type { UiFixture } from './support/app-ui.js';

const available = requireTools('hostile app UI extension in chromium', 'chromium');
const PLATFORM_HOST = 'platform.example.com';

/** Each attempt resolves to what it obtained (a success) or to `blocked: <why>`. */
const HOSTILE_PAGE = (platform: string, allocation: string) => `<!doctype html>
<title>hostile</title>
<pre id="out"></pre>
<script>
const platform = ${JSON.stringify(platform)};
const attempts = {
  parentDocument: () => window.parent.document.body.innerHTML,
  parentLocalStorage: () => window.parent.localStorage.getItem('platform_token'),
  parentCookie: () => window.parent.document.cookie,
  topLocation: () => String(window.top.location.href),
  ownCookies: () => document.cookie || 'blocked: no cookie readable',
  ownLocalStorage: () => localStorage.getItem('platform_token') ?? 'blocked: not in this origin',
  apiWithCredentials: async () => {
    const res = await fetch(platform + '/v1/projects', { credentials: 'include' });
    return res.status + ' ' + (await res.text());
  },
  apiMeWithCredentials: async () => {
    const res = await fetch(platform + '/v1/users/me', { credentials: 'include' });
    return res.status + ' ' + (await res.text());
  },
  mintSignInCode: async () => {
    const res = await fetch(platform + '/v1/allocations/${allocation}/app/ui-sessions', {
      method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{}',
    });
    return res.status + ' ' + (await res.text());
  },
  readConsolePage: async () => {
    const res = await fetch(platform + '/console', { credentials: 'include' });
    return res.status + ' ' + (await res.text());
  },
  apiThroughOwnOrigin: async () => {
    const res = await fetch('/v1/projects', { credentials: 'include' });
    return res.status + ' ' + (await res.text());
  },
};
(async () => {
  const results = {};
  for (const [name, attempt] of Object.entries(attempts)) {
    try {
      results[name] = String(await attempt());
    } catch (error) {
      results[name] = 'blocked: ' + error.name;
    }
  }
  const out = document.getElementById('out');
  out.textContent = JSON.stringify(results);
  out.dataset.done = 'yes';
})();
</script>`;

describe.skipIf(!available)('a hostile UI extension in chromium', () => {
  let f: UiFixture;
  let browser: Browser;

  beforeAll(async () => {
    let allocation = '';
    f = await startUiFixture({
      dialect: 'sqlite',
      publicHost: PLATFORM_HOST,
      // The page needs the allocation id, known only once the fixture made it: served lazily.
      get page() {
        return HOSTILE_PAGE(`http://${PLATFORM_HOST}:${f.port}`, allocation);
      },
    });
    allocation = f.a;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        `--host-resolver-rules=MAP *.example.com 127.0.0.1`,
        // The console page is fulfilled by the test (the platform serves no console yet), which
        // Chromium deems public and then refuses frames from 127.0.0.1: a rule that restricts,
        // never widens, what a page may reach, so off it goes here.
        '--disable-features=LocalNetworkAccessChecks',
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it("cannot reach the console page, the platform's cookies or storage, or its API", async () => {
    const platform = `http://${PLATFORM_HOST}:${f.port}`;
    const res = await fetch(`${f.url}/v1/allocations/${f.a}/app/ui-sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.member.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(201);
    const session = (await res.json()) as { url: string; origin: string };
    expect(session.origin).toBe(`http://${f.a}.apps.${PLATFORM_HOST}:${f.port}`);

    const context = await browser.newContext();
    // The platform's cookies as a signed-in console would hold them (one readable by script).
    await context.addCookies([
      { name: '_session', value: 'platform-secret', url: platform, httpOnly: true, sameSite: 'Lax' },
      { name: 'console_pref', value: 'platform-visible', url: platform, sameSite: 'Lax' },
    ]);
    const page = await context.newPage();
    // A page of the platform's origin that embeds the extension as the console does, holding the
    // user's token in its storage.
    // Only the top-level navigation is the test's: anything else (the extension's fetches) goes
    // to the real platform, as it would.
    await page.route(`${platform}/console`, (route) =>
      !route.request().isNavigationRequest() || route.request().frame() !== page.mainFrame()
        ? route.continue()
        : route.fulfill({
            contentType: 'text/html',
            body: `<!doctype html><title>console</title><p id="secret">console secret</p>
<script>localStorage.setItem('platform_token', ${JSON.stringify(f.member.token)});</script>
<iframe id="ext" src="${session.url}" width="800" height="600"></iframe>`,
          }),
    );
    await page.goto(`${platform}/console`);
    const frame = page.frameLocator('#ext');
    await frame.locator('#out[data-done="yes"]').waitFor({ timeout: 20_000 });
    const results = JSON.parse((await frame.locator('#out').textContent()) ?? '{}') as Record<string, string>;

    // The page did load on its own origin, signed in (so the attempts ran as a real extension).
    const extension = page.frames().find((fr) => fr.url().startsWith(session.origin));
    expect(extension?.url()).toBe(`${session.origin}/ui/`);

    for (const name of [
      'parentDocument',
      'parentLocalStorage',
      'parentCookie',
      'topLocation',
      'ownCookies',
      'ownLocalStorage',
      'apiWithCredentials',
      'apiMeWithCredentials',
      'mintSignInCode',
      'readConsolePage',
    ]) {
      expect(results[name], `${name}: ${results[name]}`).toMatch(/^blocked: /);
    }
    // Same-origin, the platform's paths are the app's own: the app answered, not the platform.
    expect(results.apiThroughOwnOrigin).toBe('404 app: not found');
    const everything = JSON.stringify(results);
    for (const secret of ['platform-secret', 'platform-visible', 'console secret', f.member.token])
      expect(everything).not.toContain(secret);

    // And nothing of the platform's reached the app's server either.
    expect(f.seen.length).toBeGreaterThan(0);
    const received = JSON.stringify(f.seen.map((s) => s.headers));
    for (const secret of ['platform-secret', 'platform-visible', f.member.token])
      expect(received).not.toContain(secret);
    await context.close();
  }, 60_000);
});
