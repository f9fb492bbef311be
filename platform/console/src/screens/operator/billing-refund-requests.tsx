/**
 * Refunds waiting for a second operator (`GET /v1/billing/refund-requests`, every project), each
 * approved after a confirmation (`POST …/{id}/approve`); the platform refuses the operator who
 * asked (FORBIDDEN), and the answer is shown as it came.
 */
import { collectAll } from '@gpuaas/sdk/browser';
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import { useState } from 'react';
import { dataOf } from '../../api/client.js';
import { useAsync } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import { formatMicros, formatTime, shortId } from '../../format.js';
import { ErrorMessage } from '../../ui/feedback.js';
import { DoneNotice, useAction } from '../../ui/form.js';
import { DataTable, Loaded } from '../../ui/loaded.js';

type RefundRequest = PlatformComponents['schemas']['BillingRefundRequest'];

function Approve({
  request,
  currency,
  onApproved,
}: {
  request: RefundRequest;
  currency: string;
  onApproved: (message: string) => void;
}) {
  const { client } = useConsole();
  const [confirming, setConfirming] = useState(false);
  const { busy, error, run } = useAction();
  const approve = () =>
    run(async () => {
      const transfer = dataOf(
        await client.api.POST('/v1/billing/refund-requests/{request_id}/approve', {
          params: { path: { request_id: request.id } },
        }),
      );
      setConfirming(false);
      onApproved(
        `Approved: refunded ${formatMicros(String(transfer.amount_micros), transfer.currency)} of charge ${request.charge_id} (transfer ${transfer.id}).`,
      );
    });
  return (
    <>
      {confirming ? (
        <span className="actions">
          <button type="button" className="primary" disabled={busy} autoFocus onClick={() => void approve()}>
            Confirm approval
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </span>
      ) : (
        <button type="button" onClick={() => setConfirming(true)}>
          Approve
          <span className="visually-hidden">
            {' '}
            refund of {formatMicros(String(request.amount_micros), currency)}
          </span>
        </button>
      )}
      <ErrorMessage error={error} what="Could not approve" />
    </>
  );
}

export function RefundRequests({
  currency,
  generation,
  onApproved,
}: {
  currency: string;
  generation: number;
  onApproved: () => void;
}) {
  const { client, projects } = useConsole();
  const [done, setDone] = useState<string>();
  const requests = useAsync(
    (signal) =>
      collectAll((cursor) =>
        client.api.GET('/v1/billing/refund-requests', {
          params: { query: { state: 'pending', limit: 100, ...(cursor === undefined ? {} : { cursor }) } },
          signal,
        }),
      ),
    [client, generation],
  );
  const projectName = (id: string) => projects?.find((p) => p.id === id)?.name ?? shortId(id);

  return (
    <section aria-labelledby="refund-requests-title">
      <h2 id="refund-requests-title">Refunds waiting for approval</h2>
      <DoneNotice text={done} />
      <Loaded
        state={requests}
        what="refund requests"
        failed="Could not load the refund requests"
        empty={<p>No refund is waiting for approval.</p>}
      >
        {(list) => (
          <DataTable
            caption="Refund requests waiting for a second operator"
            columns={['Requested', 'Project', 'Charge', 'Amount', 'Reason', 'By', { hidden: 'Approve' }]}
          >
            {list.map((r) => (
              <tr key={r.id} data-refund-request={r.id}>
                <th scope="row">{formatTime(r.requested_at)}</th>
                <td>{projectName(r.project_id)}</td>
                <td>
                  <code>{r.charge_id}</code>
                </td>
                <td>{formatMicros(String(r.amount_micros), currency)}</td>
                <td>{r.reason}</td>
                <td>
                  <code>{r.requested_by}</code>
                </td>
                <td>
                  <Approve
                    request={r}
                    currency={currency}
                    onApproved={(message) => {
                      setDone(message);
                      onApproved();
                    }}
                  />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Loaded>
    </section>
  );
}
