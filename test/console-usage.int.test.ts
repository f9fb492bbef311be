/**
 * The console's usage and billing screens in Debian's Chromium against a real platform
 * (`gpuaas-platform serve` with one local node of two simulated GPUs, no demo data, no starter
 * credit, 10-second GPU-time intervals): an operator tops the tenant's project up with the `gpuaas`
 * CLI; the tenant's allocation runs for a while and is released, so its GPU time is charged.
 * /usage then draws the charts (canvases) and their text alternatives list the allocation with the
 * GPU-seconds and spend the API's charges add up to, per allocation, app and meter, with the
 * balance and the projected run-out; /billing downloads the month's statement as CSV and JSON
 * (the files equal the API's own, the JSON matching its X-Statement-Sha256) and sets a budget,
 * refused at the field first, then read back through the API. Every screen passes axe-core and
 * the CSP, in the light and dark themes.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { requireTools } from '@gpuaas/test-support';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleContext, cspViolations, signIn } from './support/console-browser.js';
import { checkScreen, startConsoleRig } from './support/console-harness.js';
import type { ApiInit, ConsoleRig } from './support/console-harness.js';
import { SANDBOXED_NODE, until } from './support/processes.js';

const available = requireTools('usage console in chromium', 'chromium', 'bwrap');
const TENANT = { email: 'tenant@example.com', password: 'tenant usage password' };
const OTHER = { email: 'other@example.com', password: 'other tenant password' };
const PROJECT = 'usage-lab';

interface Charge {
  kind: string;
  allocation_id: string | null;
  amount_micros: number;
  refunded_micros: number;
  period_start: string | null;
  period_end: string | null;
}
interface Balance {
  available_micros: number;
  holds_micros: number;
  running_interval_micros: number;
  balance_micros: number;
}
interface Transition {
  to: string;
  at: string;
}

/** Micro-units as the console shows them in en-US (what format.ts does). */
function usd(micros: bigint): string {
  const units = micros / 1_000_000n;
  const fraction = (micros % 1_000_000n).toString().padStart(6, '0');
  const digits =
    fraction.slice(2) === '0000' ? fraction.slice(0, 2) : fraction.replace(/0+$/, '').padEnd(2, '0');
  return `$${units.toLocaleString('en-US')}.${digits}`;
}

describe.skipIf(!available)('the usage and billing console', () => {
  let rig: ConsoleRig;
  let page: Page;
  const tokens = { tenant: '', operator: '' };
  let projectId = '';
  let allocationId = '';

  const mint = (...args: string[]) => rig.mint(...args, '--ttl', '3600');
  /** The API as the tenant. */
  const api = <T>(path: string, init?: ApiInit) => rig.api<T>(tokens.tenant, path, init);
  const charges = async () =>
    (await api<{ items: Charge[] }>(`/v1/billing/charges?project_id=${projectId}&limit=100`)).body.items;

  beforeAll(async () => {
    rig = await startConsoleRig({
      users: [TENANT, OTHER],
      serve: [...SANDBOXED_NODE, '--no-demo', '--starter-credit', '0', '--billing-interval', '10'],
    });
    const tenant = await mint('--user', TENANT.email, '--project', PROJECT, '--starter-credit', '0');
    tokens.tenant = tenant.access_token;
    projectId = tenant.project_id ?? '';
    tokens.operator = (await mint('--user', 'ops@example.com', '--operator')).access_token;

    // The operator's top-up through the CLI gives the project its balance.
    const topup = await rig.gpuaas(
      tokens.operator,
      'billing',
      'topup',
      PROJECT,
      '20',
      '--reason',
      'prepaid invoice 7',
    );
    expect(topup.code, topup.stderr).toBe(0);

    const created = await api<{ id: string }>('/v1/allocations', {
      method: 'POST',
      json: { project_id: projectId, gpus: { count: 1 }, ttl: '1h', name: 'usage-run' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    allocationId = created.body.id;
    const transitions = async () =>
      (await api<{ state: string; transitions?: Transition[] }>(`/v1/allocations/${allocationId}`)).body;
    await until(async () => ((await transitions()).state === 'running' ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'the allocation running',
    });
    // Two full 10-second intervals and part of a third, then the release rates the last one.
    await new Promise((r) => setTimeout(r, 25_000));
    const released = await api(`/v1/allocations/${allocationId}/release`, { method: 'POST', json: {} });
    expect(released.status, JSON.stringify(released.body)).toBeLessThan(300);
    await until(
      async () => {
        const { state } = await transitions();
        const balance = (await api<Balance>(`/v1/billing/balance?project_id=${projectId}`)).body;
        const charged = await charges();
        const closed = balance.holds_micros === 0 && balance.running_interval_micros === 0;
        return state === 'released' && closed && charged.length >= 3 ? true : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 1000, what: 'the final interval charged' },
    );

    page = await (await consoleContext(rig.browser)).newPage();
  }, 180_000);
  afterAll(() => rig?.stop());

  it('plots GPU-seconds and spend, its text alternative listing what the API charged', async () => {
    const items = await charges();
    const mine = items.filter((c) => c.allocation_id === allocationId);
    expect(mine.every((c) => c.kind === 'gpu_time')).toBe(true);
    const spend = mine.reduce((sum, c) => sum + BigInt(c.amount_micros) - BigInt(c.refunded_micros), 0n);
    const gpuSeconds = mine.reduce(
      (sum, c) => sum + (Date.parse(c.period_end ?? '') - Date.parse(c.period_start ?? '')) / 1000,
      0,
    );
    expect(spend).toBeGreaterThan(0n);
    expect(gpuSeconds).toBeGreaterThanOrEqual(20);

    await signIn(page, `${rig.url}/usage?range=hour`, TENANT.email, TENANT.password);
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Usage and cost');
    // Both charts drew on a canvas (uPlot, loaded on demand).
    await page.getByTestId('chart-gpu').locator('canvas').waitFor();
    await page.getByTestId('chart-spend').locator('canvas').waitFor();
    expect(await page.getByLabel('Range').inputValue()).toBe('hour');
    await page.getByLabel('Range').focus();
    await page.keyboard.press('ArrowDown');
    await page.waitForURL(/range=day/);
    await expect
      .poll(() => page.getByRole('heading', { name: 'Spend per allocation, last 24 hours' }).count())
      .toBe(1);
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe(
      await page.getByLabel('Range').getAttribute('id'),
    );
    await page.keyboard.press('ArrowUp');
    await page.waitForURL(/range=hour/);

    const row = page.getByTestId('usage-totals').locator(`tr[data-key="${allocationId}"]`);
    expect(await row.locator('th').textContent()).toBe('usage-run');
    expect(await row.getByTestId('gpu-seconds').textContent()).toBe(String(gpuSeconds));
    expect(await row.getByTestId('spend').textContent()).toBe(usd(spend));
    expect(await row.getByTestId('spend').getAttribute('data-micros')).toBe(String(spend));
    // The legends say the same in words; the data tables open from their disclosure.
    await expect
      .poll(() => page.getByRole('list', { name: /GPU-seconds per allocation.*totals/ }).textContent())
      .toBe(`usage-run: ${gpuSeconds} GPU-s`);
    expect(await page.getByRole('list', { name: /Spend per allocation.*totals/ }).textContent()).toBe(
      `usage-run: ${usd(spend)}`,
    );
    // The disclosure and the controls work from the keyboard; a control keeps the focus.
    await page.getByText('Spend per allocation, last hour: show the data as a table').focus();
    await page.keyboard.press('Enter');
    const table = page.getByRole('table', { name: 'Spend per allocation, last hour, per time bucket' });
    expect(await table.locator('tbody tr').count()).toBeGreaterThanOrEqual(1);
    expect(await table.locator('thead th').allTextContents()).toEqual(['From', 'usage-run']);

    // Balance and run-out: what the API says is available, and a projection from the recent spend.
    const balance = (await api<Balance>(`/v1/billing/balance?project_id=${projectId}`)).body;
    expect(BigInt(balance.available_micros)).toBe(20_000_000n - spend);
    expect(await page.getByTestId('balance-available').textContent()).toBe(
      usd(BigInt(balance.available_micros)),
    );
    expect(await page.getByTestId('run-out').getAttribute('data-kind')).toBe('projected');
    expect(await page.getByTestId('run-out').textContent()).toMatch(
      /lasts about .+ Nothing is running now\.$/,
    );
    await checkScreen(page, 'usage');

    // Per meter: the same GPU time as one meter; per app: none ran, so it is "No app".
    await page.getByLabel('Group by').selectOption('meter');
    await page.waitForURL(/by=meter/);
    const meter = page.getByTestId('usage-totals').locator('tr[data-key="gpu_time"]');
    expect(await meter.locator('th').textContent()).toBe('GPU time');
    expect(await meter.getByTestId('gpu-seconds').textContent()).toBe(String(gpuSeconds));
    expect(await meter.getByTestId('spend').textContent()).toBe(usd(spend));
    await expect
      .poll(() => page.getByRole('heading', { name: 'Metered usage per allocation' }).count())
      .toBe(1);
    const metered = page.getByRole('region', { name: 'Metered usage per allocation' });
    await expect.poll(() => metered.textContent()).not.toContain('Loading');
    await checkScreen(page, 'usage-meter');
    await page.getByLabel('Group by').selectOption('app');
    const app = page.getByTestId('usage-totals').locator('tr[data-key=""]');
    expect(await app.locator('th').textContent()).toBe('No app');
    expect(await app.getByTestId('spend').textContent()).toBe(usd(spend));
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByTestId('chart-gpu').locator('canvas').waitFor();
    await checkScreen(page, 'usage-dark');
    await page.getByLabel('Theme').selectOption('light');
  }, 90_000);

  it('downloads the statement as CSV and JSON, the API’s own documents', async () => {
    await page.getByRole('link', { name: 'Statements and budget' }).click();
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Billing');
    const period = new Date().toISOString().slice(0, 7);
    const statementPath = `/v1/billing/statements/${projectId}/${period}`;
    const json = await rig.fetch(tokens.tenant, statementPath);
    const jsonText = await json.text();
    const statement = JSON.parse(jsonText) as { lines: unknown[]; display: { charges: string } };
    const csvText = await (await rig.fetch(tokens.tenant, `${statementPath}?format=csv`)).text();
    await expect
      .poll(() => page.getByTestId('statement-charges').textContent())
      .toBe(`${statement.display.charges} USD`);
    await checkScreen(page, 'billing');

    const save = async (name: string) => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name }).click(),
      ]);
      return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
    };
    const csv = await save('Download CSV');
    expect(csv.name).toBe(`statement-${PROJECT}-${period}.csv`);
    expect(csv.text).toBe(csvText);
    // One row per statement line, besides the header, the opening balance and the totals.
    const rows = csv.text.trim().split('\n');
    expect(rows.filter((r) => r.includes(allocationId)).length).toBe(
      (statement.lines as { allocation_id: string | null }[]).filter((l) => l.allocation_id === allocationId)
        .length,
    );
    const downloaded = await save('Download JSON');
    expect(downloaded.name).toBe(`statement-${PROJECT}-${period}.json`);
    expect(JSON.parse(downloaded.text)).toEqual(statement);
    expect(createHash('sha256').update(downloaded.text).digest('hex')).toBe(
      json.headers.get('x-statement-sha256'),
    );
    expect(await cspViolations(page)).toEqual([]);
    // Not a publisher: no earnings section.
    expect(await page.getByTestId('earnings').count()).toBe(0);
  }, 60_000);

  it('sets a budget: refused at the field first, then saved and read back from the API', async () => {
    const limit = page.getByLabel(/^Monthly limit/);
    const thresholds = page.getByLabel(/^Alert thresholds/);
    await limit.fill('ten dollars');
    await thresholds.fill('50, 2000');
    await page.getByRole('button', { name: 'Save budget' }).click();
    expect(await limit.getAttribute('aria-invalid')).toBe('true');
    expect(await thresholds.getAttribute('aria-invalid')).toBe('true');
    // Each message is the field's description, so a screen reader says it with the field.
    const describedBy = (await limit.getAttribute('aria-describedby')) ?? '';
    const descriptions = await Promise.all(
      describedBy.split(' ').map((id) => page.locator(`[id="${id}"]`).textContent()),
    );
    const limitError = descriptions.join(' ');
    expect(limitError).toContain('at most six decimals');
    expect(await page.locator('.field-error').allTextContents()).toEqual([
      expect.stringContaining('at most six decimals'),
      '“2000” is not a whole percentage from 1 to 1000.',
    ]);
    expect(await page.evaluate<string | null>("document.activeElement?.getAttribute('name')")).toBe('limit');
    await checkScreen(page, 'billing-budget-errors');
    const unset = await api<{ limit_micros: number | null }>(`/v1/billing/budgets/${projectId}`);
    expect(unset.body.limit_micros).toBeNull();

    await limit.fill('40.25');
    await thresholds.fill('100, 50 80');
    await page.getByRole('button', { name: 'Save budget' }).click();
    await expect.poll(() => page.getByTestId('budget-saved').textContent()).toBe('Budget saved.');
    expect(await page.locator('.field-error').count()).toBe(0);
    const saved = await api<{ limit_micros: number; alert_thresholds: number[] }>(
      `/v1/billing/budgets/${projectId}`,
    );
    expect(saved.body).toMatchObject({ limit_micros: 40_250_000, alert_thresholds: [50, 80, 100] });
    await expect
      .poll(() => page.getByTestId('budget-status').textContent())
      .toContain('of $40.25; alerts at 50%, 80%, 100%.');
    expect(await thresholds.inputValue()).toBe('50, 80, 100');
    await checkScreen(page, 'billing-budget');
  }, 60_000);

  it('shows another tenant nothing of the first', async () => {
    const other = await rig.signedInPage(OTHER, '/usage?range=hour');
    await expect.poll(() => other.locator('main').textContent()).toContain('You have no project yet');
    await other.goto(`${rig.url}/billing`);
    await expect.poll(() => other.locator('main').textContent()).toContain('You have no project yet');
    const visible = (await other.locator('body').textContent()) ?? '';
    for (const secret of [PROJECT, 'usage-run', allocationId, 'prepaid invoice'])
      expect(visible).not.toContain(secret);
    await checkScreen(other, 'usage-other-tenant');
    await other.context().close();
  }, 30_000);

  it('keeps the screen and its numbers when the chart module cannot be loaded', async () => {
    const context = await consoleContext(rig.browser);
    const offline = await context.newPage();
    await offline.route(/\/assets\/usage-chart-[^/]*\.js$/, (route) => route.abort());
    await signIn(offline, `${rig.url}/usage?range=hour`, TENANT.email, TENANT.password);
    await expect
      .poll(() => offline.getByText('The chart could not be drawn').count(), { timeout: 15_000 })
      .toBe(2);
    const row = offline.getByTestId('usage-totals').locator(`tr[data-key="${allocationId}"]`);
    expect(await row.locator('th').textContent()).toBe('usage-run');
    await context.close();
  }, 30_000);
});
