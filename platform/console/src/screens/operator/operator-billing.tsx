/**
 * Operators: a project's balance, top-ups and refunds of its charges (each with a required
 * reason, amounts read exactly into micro-units), and the refunds of every project waiting for a
 * second operator's approval. Balance changes arrive from the event stream.
 */
import { useState } from 'react';
import { dataOf } from '../../api/client.js';
import { useAsync } from '../../api/use-async.js';
import { useEvents } from '../../api/use-events.js';
import { useConsole } from '../../context.js';
import type { Project } from '../../context.js';
import { formatMicros } from '../../format.js';
import { Loaded } from '../../ui/loaded.js';
import { Charges } from './billing-charges.js';
import { RefundRequests } from './billing-refund-requests.js';
import { TopupForm } from './billing-topup.js';
import { OperatorProjectScreen } from './quota-project-picker.js';
import './quota-form.css';

function ProjectBilling({ project }: { project: Project }) {
  const { client } = useConsole();
  // Bumped whenever money moved, so every part re-reads.
  const [generation, setGeneration] = useState(0);
  const moved = () => setGeneration((g) => g + 1);
  const balance = useAsync(
    async (signal) =>
      dataOf(
        await client.api.GET('/v1/billing/balance', {
          params: { query: { project_id: project.id } },
          signal,
        }),
      ),
    [client, project.id, generation],
  );
  useEvents(['billing.balance_changed'], project.id, balance.reload);
  const b = balance.data;
  return (
    <>
      <h2>Balance of {project.name}</h2>
      <Loaded state={balance} what="the balance" failed="Could not load the balance">
        {(b) => (
          <dl className="facts" data-testid="balance" data-balance-micros={b.balance_micros}>
            <dt>Balance</dt>
            <dd>{formatMicros(String(b.balance_micros), b.currency)}</dd>
            <dt>Prepaid</dt>
            <dd>{formatMicros(String(b.prepaid_micros), b.currency)}</dd>
            <dt>Promotional credit</dt>
            <dd>{formatMicros(String(b.promotional_micros), b.currency)}</dd>
            <dt>Held for running allocations</dt>
            <dd>{formatMicros(String(b.holds_micros), b.currency)}</dd>
            <dt>Available</dt>
            <dd>{formatMicros(String(b.available_micros), b.currency)}</dd>
          </dl>
        )}
      </Loaded>
      {b !== undefined && <TopupForm project={project} currency={b.currency} onDone={moved} />}
      <Charges project={project} generation={generation} onRefunded={moved} />
      {b !== undefined && <RefundRequests currency={b.currency} generation={generation} onApproved={moved} />}
    </>
  );
}

export function OperatorBillingScreen(_props: { id?: string | undefined; app?: string | undefined }) {
  return (
    <OperatorProjectScreen title="Top-ups and refunds">
      {(project) => <ProjectBilling key={project.id} project={project} />}
    </OperatorProjectScreen>
  );
}
