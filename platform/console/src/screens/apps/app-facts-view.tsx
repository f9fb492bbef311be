/** A version's GPU profile, permissions and prices as lists, on the app page and the consent step. */
import { describeScope, priceLines, profilesOf } from './app-facts.js';
import type { CatalogVersion } from './app-facts.js';

export function ProfileList({ gpu }: { gpu: CatalogVersion['gpu'] }) {
  const profiles = profilesOf(gpu);
  return (
    <ul className="plain">
      <li>
        <strong>Minimum:</strong> {profiles.minimum}
      </li>
      {profiles.recommended !== undefined && (
        <li>
          <strong>Recommended:</strong> {profiles.recommended}
        </li>
      )}
    </ul>
  );
}

export function PermissionList({ permissions }: { permissions: readonly string[] }) {
  return (
    <ul className="plain" data-testid="permissions">
      {permissions.length === 0 && <li>No platform permissions.</li>}
      {permissions.map((p) => (
        <li key={p}>
          <code>{p}</code> {describeScope(p)}
        </li>
      ))}
    </ul>
  );
}

export function PriceList({ prices }: { prices: CatalogVersion['prices'] }) {
  const lines = priceLines(prices);
  return (
    <ul className="plain" data-testid="prices">
      {lines.length === 0 && <li>Free: no charge beyond the GPU time of its allocation.</li>}
      {lines.map((l) => (
        <li key={l.item}>{l.text}</li>
      ))}
      {prices !== null && lines.length > 0 && <li className="muted">Charged in {prices.currency}.</li>}
    </ul>
  );
}
