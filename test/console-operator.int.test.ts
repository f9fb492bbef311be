/**
 * The console's operator screens in Debian's Chromium against a real platform (`gpuaas-platform
 * serve` with one local node of two simulated GPUs, no demo data): an operator signs in and sees a
 * tenant's running allocation in the nodes grid (1 allocated, 1 free), cordons and uncordons the
 * node, sets the tenant's quota (the tenant's next request then waits as `quota_exceeded`), drains
 * the node with the keyboard alone (its allocation released as `node_drained`), tops the tenant up
 * and refunds a charge, each with a reason, and approves another operator's refund request; every
 * effect is read back through the API. The tenant sees no Operator navigation, and the operator
 * screens opened directly show the API's refusal. Each screen passes axe-core and the CSP.
 */
import { requireTools } from '@gpuaas/test-support';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleContext, FOCUSED, signIn, tabTo } from './support/console-browser.js';
import { checkScreen, startConsoleRig } from './support/console-harness.js';
import type { ConsoleRig } from './support/console-harness.js';
import { SANDBOXED_NODE, until } from './support/processes.js';

const available = requireTools('operator console in chromium', 'chromium', 'bwrap');
const OPS = { email: 'ops@example.com', password: 'operator console password', operator: true };
const TENANT = { email: 'tenant@example.com', password: 'tenant console password' };

interface NodeView {
  id: string;
  schedulable: boolean;
  allocations: string[];
}
interface Charge {
  id: string;
  amount_micros: number;
  refunded_micros: number;
}

describe.skipIf(!available)('the operator console', () => {
  let rig: ConsoleRig;
  let page: Page;
  const tokens = { tenant: '', secondOperator: '', operator: '' };
  let projectId = '';
  let allocationId = '';
  let nodeId = '';

  const node = async () => (await rig.api<NodeView>(tokens.operator, `/v1/nodes/${nodeId}`)).body;
  const allocation = async (id: string) =>
    (
      await rig.api<{ state: string; state_reason: string; pending_reason: string | null }>(
        tokens.tenant,
        `/v1/allocations/${id}`,
      )
    ).body;
  const charges = async () =>
    (await rig.api<{ items: Charge[] }>(tokens.operator, `/v1/billing/charges?project_id=${projectId}`)).body
      .items;
  const nav = (p: Page, name: string) =>
    p.getByRole('navigation', { name: 'Operator' }).getByRole('link', { name }).click();

  beforeAll(async () => {
    rig = await startConsoleRig({ users: [OPS, TENANT], serve: [...SANDBOXED_NODE, '--no-demo'] });
    const tenant = await rig.mint('--user', TENANT.email, '--project', 'tenant-lab', '--ttl', '3600');
    tokens.tenant = tenant.access_token;
    projectId = tenant.project_id ?? '';
    tokens.operator = (await rig.mint('--user', OPS.email, '--ttl', '3600')).access_token;
    tokens.secondOperator = (
      await rig.mint('--user', 'ops2@example.com', '--operator', '--ttl', '3600')
    ).access_token;

    const created = await rig.api<{ id: string }>(tokens.tenant, '/v1/allocations', {
      method: 'POST',
      json: { project_id: projectId, gpus: { count: 1 }, ttl: '2h', name: 'tenant-run' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    allocationId = created.body.id;
    await until(async () => ((await allocation(allocationId)).state === 'running' ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: 'the tenant allocation running',
    });
    const nodes = await rig.api<{ items: NodeView[] }>(tokens.operator, '/v1/nodes');
    nodeId = nodes.body.items[0]?.id ?? '';

    page = await (await consoleContext(rig.browser)).newPage();
  }, 120_000);
  afterAll(() => rig?.stop());

  it("shows the node's GPUs as a grid: 1 allocated, 1 free, in words as well as colour", async () => {
    await signIn(page, `${rig.url}/operator/nodes`, OPS.email, OPS.password);
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Nodes');
    await expect
      .poll(() => page.getByTestId('gpu-summary').textContent())
      .toBe('1 node: 1 free, 1 allocated');
    const cells = page.locator(`section[data-node="${nodeId}"] li.gpu`);
    expect(await cells.count()).toBe(2);
    const allocated = cells.and(page.locator('[data-gpu-state="allocated"]'));
    expect(await allocated.textContent()).toContain('Allocated');
    expect(await allocated.textContent()).toContain(allocationId.slice(0, 8));
    expect(await cells.and(page.locator('[data-gpu-state="free"]')).textContent()).toContain('Free');
    await expect.poll(() => page.getByTestId('live').getAttribute('data-status')).toBe('live');
    await checkScreen(page, 'operator-nodes');
  }, 60_000);

  it('cordons and uncordons the node, each confirmed', async () => {
    await page.getByRole('button', { name: /^Cordon / }).click();
    await checkScreen(page, 'operator-nodes-cordon-confirm');
    await page.getByRole('button', { name: 'Confirm cordon' }).click();
    await expect.poll(async () => (await node()).schedulable).toBe(false);
    await expect
      .poll(() => page.getByTestId('node-condition').textContent())
      .toMatch(/^Cordoned, 1 allocation/);
    expect(await page.locator('[data-gpu-state="cordoned"]').textContent()).toContain('Free, cordoned');

    await page.getByRole('button', { name: /^Uncordon / }).click();
    await page.getByRole('button', { name: 'Confirm uncordon' }).click();
    await expect.poll(async () => (await node()).schedulable).toBe(true);
    await expect.poll(() => page.getByTestId('node-condition').textContent()).toBe('Ready');
  }, 30_000);

  it("sets the tenant's quota; the tenant's request beyond it waits", async () => {
    await nav(page, 'Quotas');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Quotas');
    await page.getByLabel('Project to manage').selectOption(projectId);
    await expect.poll(() => page.getByTestId('quota').textContent()).toContain('Platform default');
    await page.getByLabel('Guaranteed GPUs').fill('2');
    await page.getByLabel('Maximum GPUs').fill('1');
    await page.getByRole('button', { name: 'Save quota' }).click();
    await expect
      .poll(() => page.locator('main').textContent())
      .toContain('Must be at least the guaranteed 2.');
    await checkScreen(page, 'operator-quota-invalid');
    await page.getByLabel('Guaranteed GPUs').fill('0');
    await page.getByRole('button', { name: 'Save quota' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Saved' }).textContent())
      .toBe('Saved: 0 guaranteed, at most 1 GPUs.');
    const quota = await rig.api<{ max_gpus: number; nominal_gpus: number; default: boolean }>(
      tokens.tenant,
      `/v1/projects/${projectId}/quota`,
    );
    expect(quota.body).toMatchObject({ nominal_gpus: 0, max_gpus: 1, default: false });
    await checkScreen(page, 'operator-quotas');

    const beyond = await rig.api<{ id: string }>(tokens.tenant, '/v1/allocations', {
      method: 'POST',
      json: { project_id: projectId, gpus: { count: 1 }, ttl: '1h' },
    });
    expect(beyond.status).toBe(201);
    await expect
      .poll(async () => (await allocation(beyond.body.id)).pending_reason, { timeout: 15_000 })
      .toBe('quota_exceeded');
    expect((await allocation(beyond.body.id)).state).toBe('queued');
    const released = await rig.api(tokens.tenant, `/v1/allocations/${beyond.body.id}/release`, {
      method: 'POST',
    });
    expect(released.status).toBeLessThan(300);
  }, 60_000);

  it('drains the node with the keyboard alone: its allocation is released', async () => {
    await nav(page, 'Nodes');
    await expect.poll(() => page.getByTestId('node-condition').textContent()).toBe('Ready');
    await page.locator('main h1').focus();
    await tabTo(page, /^Drain\b/);
    await page.keyboard.press('Enter');
    // The choice of what happens to its allocations takes the focus: release now.
    expect(await page.evaluate('document.activeElement?.getAttribute("value")')).toBe('release');
    await checkScreen(page, 'operator-nodes-drain-confirm');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(FOCUSED)).toBe('Confirm drain');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Drained' }).textContent())
      .toMatch(/1 allocation released, 0 still running/);
    const drained = await node();
    expect(drained.schedulable).toBe(false);
    await expect
      .poll(async () => (await allocation(allocationId)).state, { timeout: 30_000 })
      .toMatch(/^releas/);
    expect((await allocation(allocationId)).state_reason).toBe('node_drained');
    await expect.poll(async () => (await node()).allocations, { timeout: 30_000 }).toEqual([]);
    await expect
      .poll(() => page.getByTestId('node-condition').textContent(), { timeout: 20_000 })
      .toBe('Drained (cordoned, empty)');
    await checkScreen(page, 'operator-nodes-drained');
    // The grid's colours pass the same checks in the dark theme (contrast included).
    await page.getByLabel('Theme').selectOption('dark');
    await checkScreen(page, 'operator-nodes-dark');
    await page.getByLabel('Theme').selectOption('system');
  }, 90_000);

  it('tops the tenant up by exactly the amount typed, with a reason', async () => {
    const before = await rig.api<{ prepaid_micros: number }>(
      tokens.tenant,
      `/v1/billing/balance?project_id=${projectId}`,
    );
    await nav(page, 'Top-ups');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Top-ups and refunds');
    await page.getByLabel('Project to manage').selectOption(projectId);
    await page.getByLabel('Top-up amount (USD)').fill('12.345');
    await page.getByRole('button', { name: 'Top up' }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('At most 2 decimals.');
    expect(await page.locator('main').textContent()).toContain('Say why: the reason is required.');
    await page.getByLabel('Top-up amount (USD)').fill('12.50');
    expect(await page.getByTestId('amount-preview').textContent()).toBe('$12.50 = 12500000 micro-units');
    await page.getByLabel('Top-up reason').fill('invoice 42 paid');
    await checkScreen(page, 'operator-topup-form');
    await page.getByRole('button', { name: 'Top up' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Added' }).textContent())
      .toMatch(/^Added \$12\.50 to tenant-lab/);
    const after = await rig.api<{ prepaid_micros: number }>(
      tokens.tenant,
      `/v1/billing/balance?project_id=${projectId}`,
    );
    expect(after.body.prepaid_micros - before.body.prepaid_micros).toBe(12_500_000);
  }, 60_000);

  it("refunds part of the tenant's charge with a reason, and approves another operator's request", async () => {
    // The drained allocation's last interval is rated by the platform's rater loop.
    const charge = await until(async () => (await charges()).find((c) => c.amount_micros > 3), {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'a charge for the drained allocation',
    });
    const chargeId = charge.id;
    await page.reload();
    const row = page.locator(`tr[data-charge="${chargeId}"]`);
    await row.getByRole('button', { name: /^Refund/ }).click();
    await page.getByLabel('Refund amount (USD)').fill('0.000001');
    await page.getByLabel('Refund reason').fill('console test: outage');
    await checkScreen(page, 'operator-refund-form');
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Refunded' }).textContent())
      .toContain(`of charge ${chargeId}`);
    expect((await charges()).find((c) => c.id === chargeId)?.refunded_micros).toBe(1);

    const filed = await rig.api<{ id: string }>(tokens.secondOperator, '/v1/billing/refund-requests', {
      method: 'POST',
      json: { charge_id: chargeId, amount: '0.000002', reason: 'second look' },
    });
    expect(filed.status).toBe(201);
    await page.reload();
    const request = page.locator(`tr[data-refund-request="${filed.body.id}"]`);
    await expect.poll(() => request.textContent()).toContain('second look');
    await checkScreen(page, 'operator-billing');
    await request.getByRole('button', { name: /^Approve/ }).click();
    await request.getByRole('button', { name: 'Confirm approval' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Approved' }).textContent())
      .toMatch(/^Approved: refunded \$0\.000002/);
    expect((await charges()).find((c) => c.id === chargeId)?.refunded_micros).toBe(3);
    await expect
      .poll(() => page.locator('main').textContent())
      .toContain('No refund is waiting for approval.');
  }, 120_000);

  it('shows a tenant no Operator navigation, and the API refusal on operator screens', async () => {
    const tenant = await rig.signedInPage(TENANT, '/');
    await expect.poll(() => tenant.locator('main h1').textContent()).toBe('GPU catalog');
    expect(await tenant.getByRole('navigation', { name: 'Sections' }).count()).toBe(1);
    expect(await tenant.getByRole('navigation', { name: 'Operator' }).count()).toBe(0);

    await tenant.goto(`${rig.url}/operator/nodes`);
    await expect.poll(() => tenant.getByRole('alert').textContent()).toContain('FORBIDDEN');
    await checkScreen(tenant, 'operator-nodes-as-tenant');

    await tenant.goto(`${rig.url}/operator/billing`);
    await expect
      .poll(() => tenant.getByRole('alert').filter({ hasText: 'refund requests' }).textContent())
      .toContain('FORBIDDEN');
    await tenant.getByLabel('Top-up amount (USD)').fill('100');
    await tenant.getByLabel('Top-up reason').fill('free money');
    await tenant.getByRole('button', { name: 'Top up' }).click();
    await expect
      .poll(() => tenant.getByRole('alert').filter({ hasText: 'Could not top up' }).textContent())
      .toContain('FORBIDDEN');
    await checkScreen(tenant, 'operator-billing-as-tenant');

    await tenant.goto(`${rig.url}/operator/quotas`);
    await tenant.getByLabel('Guaranteed GPUs').fill('8');
    await tenant.getByLabel('Maximum GPUs').fill('8');
    await tenant.getByRole('button', { name: 'Save quota' }).click();
    await expect.poll(() => tenant.getByRole('alert').textContent()).toContain('FORBIDDEN');
    await checkScreen(tenant, 'operator-quotas-as-tenant');
    const quota = await rig.api<{ max_gpus: number }>(tokens.tenant, `/v1/projects/${projectId}/quota`);
    expect(quota.body.max_gpus).toBe(1);
    await tenant.context().close();
  }, 90_000);
});
