/**
 * A real browser signs in: Debian's chromium (driven by playwright-core) opens the authorization
 * URL, the user types email and password into the login page, and the browser lands on the
 * CLI's loopback callback with a code that openid-client exchanges for tokens.
 */
import { requireTools, startHttpServer } from '@gpuaas/test-support';
import type { TestHttpServer } from '@gpuaas/test-support';
import * as client from 'openid-client';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/passwords.js';
import { ensureUser } from '../identity/store.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { discoverCli, startAuthorization } from '../testing/oidc.js';

const available = requireTools('platform browser login', 'chromium');

describe.skipIf(!available)('browser login with chromium', () => {
  let t: TestPlatform;
  let browser: Browser;
  let callback: TestHttpServer;

  beforeAll(async () => {
    t = await startTestPlatform('sqlite');
    callback = await startHttpServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><title>Signed in</title><p>You can close this window.</p>');
    });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await callback?.stop();
    await t?.close();
  });

  it('types credentials into the login page and reaches the loopback callback with a code', async () => {
    const user = await ensureUser(t.platform.db, 'browser@example.com');
    await t.platform.db
      .updateTable('users')
      .set({ password_hash: await hashPassword('browser-password') })
      .where('id', '=', user.id)
      .execute();
    const config = await discoverCli(t.url);
    const port = Number(new URL(callback.url).port);
    const start = await startAuthorization(config, port);
    const page = await browser.newPage();
    await page.goto(start.url.toString());
    await page.getByLabel('Email').fill('browser@example.com');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong email or password');
    await page.getByLabel('Password').fill('browser-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.toString().startsWith(start.redirectUri));
    expect(await page.title()).toBe('Signed in');
    const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), {
      pkceCodeVerifier: start.verifier,
      expectedState: start.state,
    });
    const res = await t.request('/v1/users/me', { token: tokens.access_token });
    expect(((await res.json()) as { email: string }).email).toBe('browser@example.com');
    await page.close();
  }, 60_000);
});
