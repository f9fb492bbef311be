/**
 * The permission consent step before a launch: what the app's service account may do in the
 * project, what it charges (meters and prices, in its currency) on top of the GPU time, where it
 * runs and the parameters it gets (secrets only as "set"). Nothing launches until the user ticks
 * the consent and confirms.
 */
import { useEffect, useRef, useState } from 'react';
import { ErrorMessage } from '../../ui/feedback.js';
import type { CatalogApp, CatalogVersion } from './app-facts.js';
import { PermissionList, PriceList, ProfileList } from './app-facts-view.js';
import type { LaunchInputs, FormField } from './parameter-form.js';

/** A parameter's value as the user typed it: text as is, a list of texts comma-separated. */
function shown(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ');
  return JSON.stringify(value);
}

export function ConsentStep({
  app,
  version,
  fields,
  inputs,
  where,
  busy,
  error,
  onBack,
  onConfirm,
}: {
  app: CatalogApp;
  version: CatalogVersion;
  fields: FormField[];
  inputs: LaunchInputs;
  where: string;
  busy: boolean;
  error: unknown;
  onBack: () => void;
  onConfirm: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [agreed, setAgreed] = useState(false);
  // The step replaces the form: its heading takes the focus, so a screen reader announces it.
  useEffect(() => heading.current?.focus(), []);
  const name = app.display_name ?? app.name;
  return (
    <section className="card consent" aria-labelledby="consent-heading" data-testid="consent">
      <h2 id="consent-heading" tabIndex={-1} ref={heading}>
        Allow {name} {version.version}?
      </h2>
      <p>Check what the app may do and what it costs before it runs in your project.</p>
      <div className="fact-columns">
        <div>
          <h3>It may</h3>
          <PermissionList permissions={version.permissions} />
          <p className="muted">It may always report its own usage, which is how its meters charge.</p>
        </div>
        <div>
          <h3>It charges</h3>
          <PriceList prices={version.prices} />
          <p className="muted">GPU time of its allocation is charged at the GPU catalog price.</p>
        </div>
        <div>
          <h3>It runs on</h3>
          <p>{where}</p>
          <ProfileList gpu={version.gpu} />
        </div>
      </div>
      <h3>Parameters</h3>
      {fields.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <dl className="facts" data-testid="consent-parameters">
          {fields.map((f) => (
            <div key={f.name}>
              <dt>{f.label}</dt>
              <dd>
                {f.secret
                  ? f.name in inputs.secrets
                    ? 'set (hidden)'
                    : 'not set'
                  : f.name in inputs.parameters
                    ? shown(inputs.parameters[f.name])
                    : f.hasDefault
                      ? `the default (${shown(f.schema.default)})`
                      : 'not set'}
              </dd>
            </div>
          ))}
        </dl>
      )}
      <div className="check consent-check">
        <input
          id="consent-agree"
          type="checkbox"
          checked={agreed}
          onChange={(e) => setAgreed(e.target.checked)}
        />
        <label htmlFor="consent-agree">
          I allow {name} these permissions
          {version.prices === null ? '' : ` and accept its prices in ${version.prices.currency}`}
        </label>
      </div>
      <ErrorMessage error={error} what="Could not launch the app" />
      <div className="actions">
        <button type="button" onClick={onBack} disabled={busy}>
          Back to the form
        </button>
        <button type="button" className="primary" disabled={!agreed || busy} onClick={onConfirm}>
          {busy ? 'Launching…' : 'Confirm and launch'}
        </button>
      </div>
    </section>
  );
}
