/**
 * Driving the web console in Debian's Chromium (playwright-core) for the console's tests and its
 * benchmark: making sure it is built, launching the browser, signing in through the platform's
 * login page, checking a screen with axe-core (injected into the page as the browser's own code,
 * so the page's CSP stays in force) and collecting CSP violations, screenshots kept as CI
 * artefacts under `.ci/artifacts/console/`, what the tab keeps in its storage, and a session that
 * expires under a screen.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { repoRoot, runCommand } from './processes.js';

/** The text of the focused element (evaluated in the page). */
export const FOCUSED = 'document.activeElement?.textContent';
/** A JWT's header and payload: no token may reach the address bar or the tab's storage. */
export const JWT = /eyJ[\w-]+\.eyJ[\w-]+\./;

export const consoleDist = join(repoRoot, 'platform/console/dist');
export const artifactsDir = join(repoRoot, '.ci/artifacts/console');

/** Builds the console when its dist/ is missing (a fresh clone's `npm ci` builds it already). */
export async function ensureConsoleBuilt(): Promise<void> {
  if (existsSync(join(consoleDist, 'index.html'))) return;
  const built = await runCommand('npm', ['run', 'build', '-w', '@gpuaas/console']);
  if (built.code !== 0) throw new Error(`building the console failed:\n${built.stdout}${built.stderr}`);
}

/** `extraArgs`: more Chromium switches (e.g. `--host-resolver-rules=…` for a platform on a domain). */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', ...extraArgs],
  });
}

/** A context whose pages record every CSP violation in `window.__cspViolations`. */
export async function consoleContext(
  browser: Browser,
  options: { clipboard?: boolean } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  if (options.clipboard === true) await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await context.addInitScript(`
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
  `);
  return context;
}

export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate<string[]>('window.__cspViolations ?? []');
}

/**
 * Opens `url` (a console page) and signs in on the platform's login page when it appears; resolves
 * once the console shows a screen heading.
 */
export async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(url);
  await page.waitForURL(/\/oidc\/interaction\//);
  await submitLogin(page, email, password);
  // The signed-in console's banner (the pages of the sign-in flow have none).
  await page.locator('header.banner').waitFor();
}

/** Fills in and submits the platform's login page, open in `page`. */
export async function submitLogin(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  const path = createRequire(join(repoRoot, 'platform/console/package.json')).resolve('axe-core/axe.min.js');
  axeSource ??= await readFile(path, 'utf8');
  // Evaluated by the browser's debugger, not as a page script: the page's CSP (script-src 'self')
  // would refuse an injected <script>, and rightly so.
  await page.evaluate(axeSource);
  const violations = await page.evaluate<AxeViolation[]>('axe.run().then((result) => result.violations)');
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true });
}

/** The focused element's label, aria-label and text (evaluated in the page). */
const FOCUSED_NAME = `(() => {
  const el = document.activeElement;
  if (el === null) return '';
  const label = el.id === '' ? null : document.querySelector('label[for="' + CSS.escape(el.id) + '"]');
  return [el.getAttribute('aria-label') ?? '', label?.textContent ?? '', el.textContent ?? ''].join(' ').trim();
})()`;

/** Presses Tab until the focused element matches `accessibleName` (a regexp on its text or label). */
export async function tabTo(page: Page, accessibleName: RegExp, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate<string>(FOCUSED_NAME);
    if (accessibleName.test(focused)) return;
  }
  throw new Error(`Tab never reached ${accessibleName}`);
}

/** Everything the tab keeps in its session and local storage, as one JSON text. */
export function storedState(page: Page): Promise<string> {
  return page.evaluate<string>('JSON.stringify({ ...sessionStorage, ...localStorage })');
}

/**
 * Makes the session expire as `submit` sends a POST to `path`: the API answers TOKEN_EXPIRED, the
 * provider refuses the refresh and has forgotten the session (cookies cleared), so the console
 * goes to the login page. Resolves there, with the routes taken away again.
 */
export async function expireSessionOn(
  page: Page,
  serverUrl: string,
  path: string,
  submit: () => Promise<void>,
): Promise<void> {
  await page.route(serverUrl + path, (route) =>
    route.request().method() === 'POST'
      ? route.fulfill({
          status: 401,
          contentType: 'application/problem+json',
          body: '{"code":"TOKEN_EXPIRED","title":"Token expired","status":401}',
        })
      : route.continue(),
  );
  await page.route(`${serverUrl}/oidc/token`, (route) =>
    route.fulfill({ status: 400, contentType: 'application/json', body: '{"error":"invalid_grant"}' }),
  );
  await page.context().clearCookies();
  await submit();
  await page.waitForURL(/\/oidc\/interaction\//);
  await page.unrouteAll();
}
