/**
 * Enforcement end to end, on SQLite and PostgreSQL: `gpuaas-platform serve` with its local node
 * agent (simulated GPU, the real runtime), no starter credit, 10-second intervals and the default
 * 30-second grace. An operator tops a project up with exactly two minutes of one H100; its
 * allocation runs; the project is told on the event stream when its funds run out; the
 * allocation is released within 60 s of that moment; and its charges add up to the list price ×
 * the seconds it ran, to the micro-unit (rounded down once), the balance going below zero by
 * exactly the time used past the funds.
 */
import { createTestStore, testDialects } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { describe, expect, it } from 'vitest';
import { runPlatform, startServer, until } from './support/processes.js';

/** The default catalog's H100 price per GPU-hour, in micros (what the simulated GPUs are). */
const PRICE = 2_490_000n;
/** Two minutes of one GPU: floor(PRICE × 120 / 3600). */
const FUNDS = (PRICE * 120n) / 3600n;

interface Transition {
  to: string;
  reason: string;
  at: string;
}

async function tokenFor(store: TestStore, email: string, operator = false): Promise<string> {
  const minted = await runPlatform(store, [
    'token',
    '--user',
    email,
    ...(operator ? ['--operator'] : []),
    '--ttl',
    '1800',
    '--json',
  ]);
  expect(minted.code, minted.stderr).toBe(0);
  return (JSON.parse(minted.stdout) as { access_token: string }).access_token;
}

/** Collects the text of a Server-Sent Events stream until aborted. */
function listen(url: string, token: string): { text(): string; stop(): void } {
  const controller = new AbortController();
  let text = '';
  void (async () => {
    try {
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
        signal: controller.signal,
      });
      const decoder = new TextDecoder();
      for await (const chunk of res.body ?? []) text += decoder.decode(chunk as Uint8Array, { stream: true });
    } catch {
      // Aborted at the end of the test.
    }
  })();
  return { text: () => text, stop: () => controller.abort() };
}

describe.concurrent.each(await testDialects('billing enforcement e2e'))(
  'billing enforcement on %s',
  (dialect) => {
    it('releases an allocation within 60 s of its project running out of funds, charging exactly the time used', async () => {
      const store = await createTestStore(dialect);
      const server = await startServer(store, [
        '--local-node',
        '--gpus',
        'simulated',
        '--simulate',
        '1x1',
        '--starter-credit',
        '0',
        '--billing-interval',
        '10',
        '--billing-grace',
        '30',
      ]);
      let events: { text(): string; stop(): void } | undefined;
      try {
        const api = async (path: string, token: string, init: { method?: string; json?: unknown } = {}) => {
          const res = await fetch(`${server.url}${path}`, {
            method: init.method ?? 'GET',
            headers: {
              authorization: `Bearer ${token}`,
              ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
          });
          return { status: res.status, body: (await res.json()) as Record<string, unknown> };
        };
        const operator = await tokenFor(store, 'ops@example.com', true);
        const tenant = await tokenFor(store, 'tenant@example.com');
        const project = await api('/v1/projects', tenant, { method: 'POST', json: { name: 'two-minutes' } });
        expect(project.status).toBe(201);
        const projectId = String(project.body.id);

        // Without starter credit the project cannot hold even the first interval.
        const refused = await api('/v1/allocations', tenant, {
          method: 'POST',
          json: { project_id: projectId, gpus: { count: 1 } },
        });
        expect(refused.status).toBe(402);
        expect(refused.body.code).toBe('INSUFFICIENT_FUNDS');

        const topup = await api('/v1/billing/topups', operator, {
          method: 'POST',
          json: { project_id: projectId, amount: '0.083', reason: 'two minutes of one H100' },
        });
        expect(topup.status, JSON.stringify(topup.body)).toBe(201);
        expect(FUNDS).toBe(83_000n);

        events = listen(
          `${server.url}/v1/events?project_id=${projectId}&types=billing.funds_exhausted`,
          tenant,
        );
        const created = await api('/v1/allocations', tenant, {
          method: 'POST',
          json: { project_id: projectId, gpus: { count: 1 } },
        });
        expect(created.status).toBe(201);
        const id = String(created.body.id);
        const transitions = async () =>
          ((await api(`/v1/allocations/${id}`, tenant)).body.transitions ?? []) as Transition[];

        // Two minutes of funds, the 30-second grace, then release: allow four minutes in all.
        const history = await until(
          async () => {
            const list = await transitions();
            return list.some((s) => s.to === 'released') ? list : undefined;
          },
          { timeoutMs: 240_000, intervalMs: 1000, what: `allocation ${id} released` },
        );
        const running = history.find((s) => s.to === 'running');
        const stopped = history.find((s) => s.to === 'releasing');
        expect(running).toBeDefined();
        expect(stopped).toMatchObject({ reason: 'funds_exhausted', actor: 'system' });
        const startedAt = Date.parse(running?.at ?? '');
        const stoppedAt = Date.parse(stopped?.at ?? '');
        // The funds ran out once the allocation had run 120 s: released within 60 s of that.
        const fundsOutAt = startedAt + 120_000;
        expect(stoppedAt).toBeGreaterThanOrEqual(fundsOutAt);
        expect(stoppedAt - fundsOutAt).toBeLessThanOrEqual(60_000);
        expect(events.text()).toContain('event: billing.funds_exhausted');
        expect(events.text()).toContain(id);

        // The final interval is rated within a rater period of the release.
        const seconds = Math.floor((stoppedAt - startedAt) / 1000);
        const expected = (PRICE * BigInt(seconds)) / 3600n;
        const charges = await until(
          async () => {
            const page = await api(`/v1/billing/charges?allocation_id=${id}&limit=100`, tenant);
            const items = page.body.items as { kind: string; amount_micros: number }[];
            const total = items.reduce((sum, c) => sum + BigInt(c.amount_micros), 0n);
            return total === expected ? items : undefined;
          },
          { timeoutMs: 30_000, intervalMs: 500, what: `charges of ${id} adding up to ${expected} micros` },
        );
        expect(charges.every((c) => c.kind === 'gpu_time')).toBe(true);
        const balance = await api(`/v1/billing/balance?project_id=${projectId}`, tenant);
        expect(balance.body).toMatchObject({
          holds_micros: 0,
          prepaid_micros: Number(FUNDS - expected),
        });
        // Overdrawn by exactly the time used past the funds: no more than the grace and a rater period.
        expect(expected).toBeGreaterThan(FUNDS);
      } finally {
        events?.stop();
        await server.stop();
        await store.drop();
      }
    }, 330_000);
  },
);
