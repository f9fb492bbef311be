/**
 * Upgrading an instance to another version of its app (`POST …/{id}/upgrade`). The platform
 * refuses a version that widens what was consented to (APP_CONSENT_REQUIRED with `consent_diff`):
 * the changes are shown, and the upgrade is sent again with that consent once the user confirms.
 * A runtime that rolls the upgrade back answers APP_UPGRADE_FAILED with its own code.
 */
import { isApiError } from '@gpuaas/sdk/browser';
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { dataOf } from '../../api/client.js';
import { useAsync } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import { ErrorMessage, Loading } from '../../ui/feedback.js';
import { ConsentDiffView } from './consent-diff.js';
import { consentOf } from './instance-model.js';
import type { AppInstance, ConsentDiff } from './instance-model.js';

type CatalogApp = PlatformComponents['schemas']['CatalogApp'];

/** The catalog app the instance's version belongs to. */
function appOf(apps: readonly CatalogApp[], instance: AppInstance): CatalogApp | undefined {
  return (
    apps.find((a) => a.versions.some((v) => v.id === instance.version_id)) ??
    apps.find((a) => a.name.endsWith(`/${instance.app ?? ''}`))
  );
}

const ROLLED_BACK: Record<string, string> = {
  UPGRADE_ROLLED_BACK: 'the new version failed, and the previous one runs again',
  APP_STATE_CONFLICT: 'the app was not ready to be upgraded',
  APP_FAILED: 'the new version failed and so did the rollback: the app does not run',
};

export function InstanceUpgrade({ instance, onUpgraded }: { instance: AppInstance; onUpgraded: () => void }) {
  const { client } = useConsole();
  const versionId = useId();
  const catalog = useAsync(
    async (signal) =>
      dataOf(
        await client.api.GET('/v1/apps', {
          params: {
            query: {
              project_id: instance.project_id,
              ...(instance.app === null ? {} : { q: instance.app }),
              limit: 100,
            },
          },
          signal,
        }),
      ).items,
    [client, instance.project_id, instance.app],
  );
  const app = catalog.data === undefined ? undefined : appOf(catalog.data, instance);
  const others = app?.versions.filter((v) => v.version !== instance.version) ?? [];
  const [chosen, setChosen] = useState('');
  const version = chosen !== '' ? chosen : (others[0]?.version ?? '');
  const [pending, setPending] = useState<{ version: string; diff: ConsentDiff }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [outcome, setOutcome] = useState<string>();
  const acceptButton = useRef<HTMLButtonElement>(null);
  // The consent question takes the focus when it appears (the Upgrade button is gone).
  useEffect(() => {
    if (pending !== undefined) acceptButton.current?.focus();
  }, [pending]);

  const upgrade = async (to: string, diff?: ConsentDiff) => {
    setBusy(true);
    setError(undefined);
    setOutcome(undefined);
    try {
      const upgraded = dataOf(
        await client.api.POST('/v1/apps/instances/{instance_id}/upgrade', {
          params: { path: { instance_id: instance.id } },
          body: { version: to, ...(diff === undefined ? {} : consentOf(diff)) },
        }),
      );
      setPending(undefined);
      setOutcome(
        `Upgraded from ${upgraded.upgrade?.from_version ?? instance.version ?? '?'} to ${upgraded.upgrade?.to_version ?? to}.`,
      );
      setChosen('');
      onUpgraded();
    } catch (failure) {
      if (
        isApiError(failure) &&
        failure.code === 'APP_CONSENT_REQUIRED' &&
        failure.consentDiff !== undefined
      ) {
        setPending({ version: to, diff: failure.consentDiff });
      } else {
        setPending(undefined);
        setError(failure);
      }
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void upgrade(version);
  };
  const failedCode = isApiError(error) && error.code === 'APP_UPGRADE_FAILED' ? error.runtimeCode : undefined;
  const currency = app?.versions.find((v) => v.version === pending?.version)?.prices?.currency;

  return (
    <section aria-labelledby="upgrade-heading" className="card">
      <h2 id="upgrade-heading">Upgrade</h2>
      <ErrorMessage error={catalog.error} what="Could not load the app's versions" />
      {catalog.data === undefined ? (
        catalog.error === undefined && <Loading what="versions" />
      ) : others.length === 0 ? (
        <p className="muted">No other version of this app is in your catalog.</p>
      ) : pending !== undefined ? (
        <div className="notice consent" role="group" aria-labelledby="consent-heading">
          <h3 id="consent-heading">Consent needed for {pending.version}</h3>
          <ConsentDiffView diff={pending.diff} currency={currency} />
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={busy}
              ref={acceptButton}
              onClick={() => void upgrade(pending.version, pending.diff)}
            >
              {busy ? 'Upgrading…' : 'Accept and upgrade'}
            </button>
            <button type="button" disabled={busy} onClick={() => setPending(undefined)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <form onSubmit={submit}>
          <div className="fields">
            <div>
              <label htmlFor={versionId}>Version</label>
              <select id={versionId} value={version} onChange={(e) => setChosen(e.target.value)}>
                {others.map((v) => (
                  <option key={v.id} value={v.version}>
                    {v.version}
                    {v.state === 'deprecated' ? ' (deprecated)' : ''}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div className="actions">
            <button type="submit" className="primary" disabled={busy || version === ''}>
              {busy ? 'Upgrading…' : 'Upgrade'}
            </button>
            <span className="muted">Now on {instance.version ?? '—'}.</span>
          </div>
        </form>
      )}
      {outcome !== undefined && <p role="status">{outcome}</p>}
      {failedCode !== undefined && (
        <p role="alert" className="error" data-testid="upgrade-failed">
          The upgrade failed (runtime code <code>{failedCode}</code>)
          {ROLLED_BACK[failedCode] === undefined ? '.' : `: ${ROLLED_BACK[failedCode]}.`}
        </p>
      )}
      <ErrorMessage error={error} what="Could not upgrade" />
    </section>
  );
}
