/**
 * A project's service accounts (owners and operators only): the list with each account's scopes
 * and state, creation, secret rotation and revocation, both confirmed first. A secret the platform
 * answers with is shown once (secret-once.tsx) and kept nowhere else.
 */
import { collectAll } from '@gpuaas/sdk/browser';
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import { useState } from 'react';
import { dataOf } from '../../api/client.js';
import { useAsync } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import type { Project } from '../../context.js';
import { formatTime } from '../../format.js';
import { ErrorMessage } from '../../ui/feedback.js';
import { DataTable, Loaded } from '../../ui/loaded.js';
import { SecretOnce } from './secret-once.js';
import type { RevealedSecret } from './secret-once.js';
import { ServiceAccountForm } from './service-account-form.js';
import type { ServiceAccountWithSecret } from './service-account-form.js';

export type ServiceAccount = PlatformComponents['schemas']['ServiceAccount'];

function revealedOf(account: ServiceAccountWithSecret, reason: RevealedSecret['reason']): RevealedSecret {
  return { name: account.name, clientId: account.client_id, secret: account.client_secret, reason };
}

function AccountActions({
  project,
  account,
  onRotated,
  onRevoked,
}: {
  project: Project;
  account: ServiceAccount;
  onRotated: (revealed: RevealedSecret) => void;
  onRevoked: () => void;
}) {
  const { client } = useConsole();
  const [confirming, setConfirming] = useState<'rotate' | 'revoke' | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const path = { project_id: project.id, service_account_id: account.id };
  const act = async (what: 'rotate' | 'revoke') => {
    setBusy(true);
    setError(undefined);
    try {
      if (what === 'rotate') {
        const rotated = dataOf(
          await client.api.POST('/v1/projects/{project_id}/service-accounts/{service_account_id}/rotate', {
            params: { path },
          }),
        );
        onRotated(revealedOf(rotated, 'rotated'));
      } else {
        await client.api.DELETE('/v1/projects/{project_id}/service-accounts/{service_account_id}', {
          params: { path },
        });
        onRevoked();
      }
      setConfirming(undefined);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  if (account.revoked_at !== null) return null;
  return (
    <div>
      <div className="actions">
        {confirming === undefined ? (
          <>
            <button type="button" onClick={() => setConfirming('rotate')}>
              Rotate secret<span className="visually-hidden"> of {account.name}</span>
            </button>
            <button type="button" className="danger" onClick={() => setConfirming('revoke')}>
              Revoke<span className="visually-hidden"> {account.name}</span>
            </button>
          </>
        ) : (
          <>
            <span>
              {confirming === 'rotate'
                ? `Replace the secret of ${account.name}? The current one stops working at once.`
                : `Revoke ${account.name}? Its secret and tokens stop working at once; this cannot be undone.`}
            </span>
            <button
              type="button"
              className={confirming === 'rotate' ? 'primary' : 'danger'}
              autoFocus
              disabled={busy}
              onClick={() => void act(confirming)}
            >
              {confirming === 'rotate' ? 'Confirm rotation' : 'Confirm revocation'}
            </button>
            <button type="button" onClick={() => setConfirming(undefined)}>
              Cancel
            </button>
          </>
        )}
      </div>
      <ErrorMessage error={error} what={`Could not ${confirming ?? 'change'} ${account.name}`} />
    </div>
  );
}

export function ServiceAccountsSection({ project }: { project: Project }) {
  const { client } = useConsole();
  const accounts = useAsync(
    (signal) =>
      collectAll((cursor) =>
        client.api.GET('/v1/projects/{project_id}/service-accounts', {
          params: {
            path: { project_id: project.id },
            query: cursor === undefined ? { limit: 100 } : { limit: 100, cursor },
          },
          signal,
        }),
      ),
    [client, project.id],
  );
  // The one place a secret is held: this section's state, until dismissed or the screen goes.
  const [revealed, setRevealed] = useState<RevealedSecret>();
  const show = (next: RevealedSecret) => {
    setRevealed(next);
    accounts.reload();
  };

  return (
    <section aria-labelledby="accounts-heading">
      <h2 id="accounts-heading">Service accounts</h2>
      <p className="muted">
        Credentials for programs (CI jobs, scripts) that act in {project.name} within the scopes they are
        given.
      </p>
      {revealed !== undefined && <SecretOnce revealed={revealed} onDone={() => setRevealed(undefined)} />}
      <Loaded
        state={accounts}
        what="service accounts"
        failed="Could not load the service accounts"
        empty={<p>No service accounts yet.</p>}
      >
        {(items) => (
          <DataTable
            caption={<>Service accounts of {project.name}</>}
            columns={['Name', 'Scopes', 'State', 'Change']}
          >
            {items.map((a) => (
              <tr key={a.id} data-service-account={a.name}>
                <th scope="row">
                  {a.name}
                  <div className="muted">
                    <code>{a.client_id}</code>
                  </div>
                </th>
                <td className="scope-list">
                  {a.scopes.map((s) => (
                    <code key={s}>{s}</code>
                  ))}
                </td>
                <td data-testid="account-state">
                  {a.revoked_at !== null
                    ? `Revoked ${formatTime(a.revoked_at)}`
                    : a.secret_rotated_at !== null
                      ? `Active, secret rotated ${formatTime(a.secret_rotated_at)}`
                      : `Active since ${formatTime(a.created_at)}`}
                </td>
                <td>
                  <AccountActions
                    project={project}
                    account={a}
                    onRotated={show}
                    onRevoked={() => {
                      if (revealed?.clientId === a.client_id) setRevealed(undefined);
                      accounts.reload();
                    }}
                  />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Loaded>
      <ServiceAccountForm project={project} onCreated={(created) => show(revealedOf(created, 'created'))} />
    </section>
  );
}
