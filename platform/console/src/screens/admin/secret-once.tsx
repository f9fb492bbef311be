/**
 * A service account's secret, shown once: right after it was created or rotated, with a copy
 * button and a plain warning. The secret lives only in the state of the section that asked for it:
 * never in a draft, in storage or in the URL, and gone when the user dismisses it or leaves.
 */
import { useEffect, useId, useRef, useState } from 'react';

export interface RevealedSecret {
  /** The account's name. */
  name: string;
  clientId: string;
  secret: string;
  /** Why it is shown: a new account, or a rotation (the old secret no longer works). */
  reason: 'created' | 'rotated';
}

export function SecretOnce({ revealed, onDone }: { revealed: RevealedSecret; onDone: () => void }) {
  const ids = { title: useId(), secret: useId(), client: useId() };
  const heading = useRef<HTMLHeadingElement>(null);
  const [copy, setCopy] = useState<'copied' | 'failed' | undefined>();
  useEffect(() => heading.current?.focus(), [revealed]);

  const copySecret = async () => {
    try {
      await navigator.clipboard.writeText(revealed.secret);
      setCopy('copied');
    } catch {
      setCopy('failed');
    }
  };

  return (
    <section className="card secret-once" aria-labelledby={ids.title} data-testid="secret-once">
      <h3 id={ids.title} tabIndex={-1} ref={heading}>
        {revealed.reason === 'created' ? 'Secret of the new service account' : 'New secret'} {revealed.name}
      </h3>
      <p className="secret-warning">
        <strong>Copy the secret now: you will not see it again.</strong> The platform keeps only a hash of it.
        If it is lost, rotate it to get a new one.
        {revealed.reason === 'rotated' && ' The previous secret no longer works.'}
      </p>
      <div className="fields">
        <div>
          <label htmlFor={ids.client}>Client id</label>
          <input id={ids.client} readOnly size={44} value={revealed.clientId} spellCheck={false} />
        </div>
        <div className="secret-field">
          <label htmlFor={ids.secret}>Client secret</label>
          <input
            id={ids.secret}
            readOnly
            size={56}
            value={revealed.secret}
            autoComplete="off"
            spellCheck={false}
            onFocus={(e) => e.target.select()}
          />
        </div>
      </div>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void copySecret()}>
          Copy secret
        </button>
        <span role="status">
          {copy === 'copied'
            ? 'Copied to the clipboard.'
            : copy === 'failed'
              ? 'The browser refused the clipboard: select the secret and copy it yourself.'
              : ''}
        </span>
        <button type="button" onClick={onDone}>
          I have saved it
        </button>
      </div>
      <p className="muted">
        Use it with the client id at the platform&apos;s token endpoint (
        <code>grant_type=client_credentials</code>
        ), or as <code>GPUAAS_CLIENT_ID</code> and <code>GPUAAS_CLIENT_SECRET</code> for the CLI.
      </p>
    </section>
  );
}
