/**
 * What the app-instance screens derive from the API and the event stream: state classes, the
 * history lines the `app_instance.*` events make, and a failed hook's output. Pure functions
 * (instance-model.test.ts).
 */
import type { PlatformComponents, PlatformEvent } from '@gpuaas/sdk/browser';

export type AppInstance = PlatformComponents['schemas']['AppInstance'];
export type ConsentDiff = PlatformComponents['schemas']['AppConsentDiff'];

/** The app-instance events of asyncapi.yaml (subject `app_instance/<id>`). */
export const APP_INSTANCE_EVENTS: readonly string[] = [
  'app_instance.state_changed',
  'app_instance.hook_failed',
  'app_instance.probe_changed',
  'app_instance.upgraded',
  'app_instance.upgrade_available',
];

/** Whether the instance has ended (stopped, failed for good, uninstalled): no app runs any more. */
export function isEnded(instance: Pick<AppInstance, 'ended_at' | 'state'>): boolean {
  return instance.ended_at !== null || instance.state === 'stopped';
}

/**
 * Whether its app serves (or is on its way to): not ended and not failed. A runtime whose app
 * failed (a hook, a crash loop) keeps the instance open until it is stopped or uninstalled.
 */
export function isServing(instance: Pick<AppInstance, 'ended_at' | 'state'>): boolean {
  return !isEnded(instance) && instance.state !== 'failed';
}

/** How an instance is named in lists: the tail of its id (ids made together share their start). */
export function instanceLabel(id: string): string {
  return `…${id.slice(-8)}`;
}

/** The tone a state is shown in (the runtime may add states: unknown ones are neutral). */
export function stateTone(state: string): 'ok' | 'busy' | 'bad' | 'done' | 'neutral' {
  if (state === 'ready' || state === 'running') return 'ok';
  if (state === 'failed' || state === 'degraded' || state === 'unknown') return 'bad';
  if (state === 'stopped') return 'done';
  if (
    [
      'pending',
      'launching',
      'fetching',
      'installing',
      'configuring',
      'starting',
      'upgrading',
      'stopping',
    ].includes(state)
  )
    return 'busy';
  return 'neutral';
}

/** One entry of an instance's history, from an event or from the instance itself. */
export interface HistoryEntry {
  key: string;
  at: string;
  what: string;
  detail: string;
  /** A hook's last output lines (hook_failed). */
  output?: string[];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function lines(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((l): l is string => typeof l === 'string') : [];
}

/** A hook_failed event's summary: which hook, how it ended. */
export function hookEnding(data: Record<string, unknown>): string {
  const hook = text(data.hook) || 'a';
  if (data.timed_out === true) return `the ${hook} hook timed out`;
  if (typeof data.exit_code === 'number') return `the ${hook} hook exited with code ${data.exit_code}`;
  const signal = text(data.signal);
  return signal === '' ? `the ${hook} hook failed` : `the ${hook} hook was ended by ${signal}`;
}

/** The history entry an `app_instance.*` event makes; undefined for another type. */
export function historyOf(event: PlatformEvent): HistoryEntry | undefined {
  const d = event.data;
  const base = { key: event.id, at: event.time };
  switch (event.type) {
    case 'app_instance.state_changed':
      return {
        ...base,
        what: `${text(d.from) || '—'} → ${text(d.to)}`,
        detail: text(d.reason),
      };
    case 'app_instance.hook_failed':
      return { ...base, what: 'Hook failed', detail: hookEnding(d), output: lines(d.last_lines) };
    case 'app_instance.probe_changed':
      return {
        ...base,
        what: `${text(d.probe)} probe ${d.healthy === true ? 'passing' : 'failing'}`,
        detail: text(d.message),
      };
    case 'app_instance.upgraded':
      return {
        ...base,
        what: `Upgrade ${text(d.from_version) || '—'} → ${text(d.to_version) || '—'}: ${text(d.outcome)}`,
        detail: [text(d.code), text(d.reason)].filter((s) => s !== '').join(' '),
      };
    case 'app_instance.upgrade_available':
      return {
        ...base,
        what: `Version ${text(d.available_version)} available`,
        detail: d.consent_required === true ? 'needs your consent to upgrade' : '',
      };
    default:
      return undefined;
  }
}

/**
 * A failed instance's output: the runtime's HOOK_FAILED detail ends with `last output:` and the
 * hook's last lines (runtime/src/app/run.ts); the summary is what comes before.
 */
export function splitFailure(detail: string): { summary: string; output: string[] } {
  const marker = detail.indexOf('last output:\n');
  if (marker < 0) return { summary: detail, output: [] };
  return {
    summary: detail.slice(0, marker).replace(/[;\s]+$/, ''),
    output: detail.slice(marker + 'last output:\n'.length).split('\n'),
  };
}

/** A hook's result as the runtime's status reports it (`GET /v1/allocations/{id}/app`, `hooks`). */
export interface HookResult {
  hook: string;
  ok: boolean;
  attempts: number;
  exitCode: number | null;
  timedOut: boolean;
  tail: string[];
  time: string;
}

/** The `hooks` of a runtime status document (untyped in the contract), failed ones first. */
export function hookResults(status: unknown): HookResult[] {
  const hooks = (status as { hooks?: unknown } | null)?.hooks;
  if (typeof hooks !== 'object' || hooks === null) return [];
  const results = Object.entries(hooks as Record<string, unknown>).flatMap(([name, raw]) => {
    if (typeof raw !== 'object' || raw === null) return [];
    const r = raw as Record<string, unknown>;
    return [
      {
        hook: text(r.hook) || name,
        ok: r.ok === true,
        attempts: typeof r.attempts === 'number' ? r.attempts : 1,
        exitCode: typeof r.exit_code === 'number' ? r.exit_code : null,
        timedOut: r.timed_out === true,
        tail: lines(r.tail),
        time: text(r.time),
      },
    ];
  });
  return results.sort((a, b) => Number(a.ok) - Number(b.ok));
}

/** What accepting a consent diff sends with the retried upgrade. */
export function consentOf(diff: ConsentDiff): { accepted_permissions: string[]; accept_changes: boolean } {
  return {
    accepted_permissions: [...diff.permissions_added],
    accept_changes: diff.meters_added.length > 0 || diff.prices_changed.length > 0,
  };
}

/** A price change of a consent diff in words (`item` is `hourly`, `metered.<meter>` or `currency`). */
export function describePriceChange(
  change: ConsentDiff['prices_changed'][number],
  currency?: string,
): string {
  const unit = currency === undefined || change.item === 'currency' ? '' : ` ${currency}`;
  const label =
    change.item === 'hourly'
      ? 'Hourly price'
      : change.item === 'currency'
        ? 'Currency'
        : change.item.startsWith('metered.')
          ? `Price per unit of ${change.item.slice('metered.'.length)}`
          : change.item;
  const from = change.from === null ? 'none' : `${change.from}${unit}`;
  const to = change.to === null ? 'none' : `${change.to}${unit}`;
  return `${label}: ${from} → ${to}`;
}

/** The currency a diff's prices are in: the new one when it changes. */
export function diffCurrency(diff: ConsentDiff): string | undefined {
  const change = diff.prices_changed.find((c) => c.item === 'currency');
  return change?.to ?? undefined;
}
