/**
 * The origin of an app instance's console UI extension: `<allocation-id>.apps.<platform host>`
 * (on loopback `<allocation-id>.apps.localhost`, which browsers resolve to loopback), same scheme
 * and port as the platform. A separate host is a separate origin and a separate cookie jar: the
 * platform's cookies (host-only on the platform's host) and storage are out of the app page's
 * reach, and the platform never accepts its own tokens or serves its API there
 * (http/app-origin.ts). The allocation id is a lowercase UUID, a valid DNS label.
 */
import { UUID_PATTERN } from '../ids.js';

/** Hosts that mean "this machine": their apps live under `apps.localhost`. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The host names apps are served under, for a platform reached at `platformUrl`. */
export function appsDomain(platformUrl: string): string {
  // Asked for every request (is it an instance origin's?) with the same URL: parsed once.
  if (lastDomain?.url === platformUrl) return lastDomain.domain;
  const { hostname } = new URL(platformUrl);
  const domain = LOOPBACK.has(hostname) ? 'apps.localhost' : `apps.${hostname}`;
  lastDomain = { url: platformUrl, domain };
  return domain;
}

let lastDomain: { url: string; domain: string } | undefined;

/** `http(s)://<allocation>.apps.<host>[:port]` for a platform reached at `platformUrl`. */
export function instanceOrigin(platformUrl: string, allocationId: string): string {
  const url = new URL(platformUrl);
  const port = url.port === '' ? '' : `:${url.port}`;
  return `${url.protocol}//${allocationId}.${appsDomain(platformUrl)}${port}`;
}

/**
 * The allocation id a request's `Host` names, or undefined when the host is not an instance origin
 * of this platform (then the platform serves it as itself). The port is not compared: a proxy in
 * front may listen on another one.
 */
export function instanceOfHost(host: string | undefined, platformUrl: string): string | undefined {
  if (host === undefined) return undefined;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  const suffix = `.${appsDomain(platformUrl)}`;
  if (!name.endsWith(suffix)) return undefined;
  const label = name.slice(0, -suffix.length);
  return UUID_PATTERN.test(label) ? label : undefined;
}

/** Whether `host` is under the apps domain at all (an instance origin, valid or not). */
export function isAppsHost(host: string | undefined, platformUrl: string): boolean {
  if (host === undefined) return false;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  const domain = appsDomain(platformUrl);
  return name === domain || name.endsWith(`.${domain}`);
}

/** The platform's own origin (what may frame an instance page). */
export function platformOrigin(platformUrl: string): string {
  return new URL(platformUrl).origin;
}
