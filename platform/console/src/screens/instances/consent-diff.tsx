/**
 * What an upgrade changes in what the tenant consented to (`consent_diff` of APP_CONSENT_REQUIRED):
 * permissions and meters added or removed, prices changed (and the currency), widening ones marked.
 */
import type { ConsentDiff } from './instance-model.js';
import { describePriceChange, diffCurrency } from './instance-model.js';

function List({ title, items, added }: { title: string; items: readonly string[]; added: boolean }) {
  if (items.length === 0) return null;
  return (
    <>
      <dt>{title}</dt>
      <dd>
        <ul className={added ? 'diff-added' : 'diff-removed'}>
          {items.map((item) => (
            <li key={item}>
              <span className="visually-hidden">{added ? 'added: ' : 'removed: '}</span>
              <span aria-hidden="true">{added ? '+ ' : '− '}</span>
              <code>{item}</code>
            </li>
          ))}
        </ul>
      </dd>
    </>
  );
}

export function ConsentDiffView({ diff, currency }: { diff: ConsentDiff; currency: string | undefined }) {
  const unit = diffCurrency(diff) ?? currency;
  const nothing =
    diff.permissions_added.length +
      diff.permissions_removed.length +
      diff.meters_added.length +
      diff.meters_removed.length +
      diff.prices_changed.length ===
    0;
  return (
    <div data-testid="consent-diff">
      <p>
        Version {diff.to_version} changes what you agreed to for {diff.from_version}
        {diff.widening ? ': it asks for more, so it needs your consent.' : '.'}
      </p>
      {nothing ? (
        <p className="muted">No permission, meter or price changes.</p>
      ) : (
        <dl className="facts consent-diff">
          <List title="Permissions added" items={diff.permissions_added} added />
          <List title="Permissions removed" items={diff.permissions_removed} added={false} />
          <List title="Meters added" items={diff.meters_added} added />
          <List title="Meters removed" items={diff.meters_removed} added={false} />
          {diff.prices_changed.length > 0 && (
            <>
              <dt>Prices</dt>
              <dd>
                <ul>
                  {diff.prices_changed.map((c) => (
                    <li key={c.item}>{describePriceChange(c, unit)}</li>
                  ))}
                </ul>
              </dd>
            </>
          )}
        </dl>
      )}
    </div>
  );
}
