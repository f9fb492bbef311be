/**
 * A small client-side router: the console's routes as a union, matched from the path (the
 * platform answers every deep link with the same page), links that change the history without
 * a reload, and the current path as React state.
 */
import { createElement, useSyncExternalStore } from 'react';
import type { AnchorHTMLAttributes, MouseEvent, ReactNode } from 'react';

export type Route =
  | { name: 'catalog' }
  | { name: 'allocations' }
  | { name: 'allocation'; id: string }
  | { name: 'projects' }
  | { name: 'project'; id: string }
  | { name: 'apps' }
  | { name: 'app'; app: string }
  | { name: 'instances' }
  | { name: 'instance'; id: string }
  | { name: 'usage' }
  | { name: 'billing' }
  | { name: 'audit' }
  | { name: 'operator-apps' }
  | { name: 'operator-app-version'; id: string }
  | { name: 'operator-nodes' }
  | { name: 'operator-quotas' }
  | { name: 'operator-billing' }
  | { name: 'not-found'; path: string };

const PATTERNS: [RegExp, (m: RegExpExecArray) => Route][] = [
  [/^\/$/, () => ({ name: 'catalog' })],
  [/^\/catalog\/?$/, () => ({ name: 'catalog' })],
  [/^\/allocations\/?$/, () => ({ name: 'allocations' })],
  [/^\/allocations\/([^/]+)\/?$/, (m) => ({ name: 'allocation', id: decodeURIComponent(m[1] ?? '') })],
  [/^\/projects\/?$/, () => ({ name: 'projects' })],
  [/^\/apps\/?$/, () => ({ name: 'apps' })],
  [/^\/projects\/([^/]+)\/?$/, (m) => ({ name: 'project', id: decodeURIComponent(m[1] ?? '') })],
  // An app's name is `publisher/app`: both segments, or one with the slash percent-encoded.
  [
    /^\/apps\/([^/]+(?:\/[^/]+)?)\/?$/,
    (m) => ({ name: 'app', app: (m[1] ?? '').split('/').map(decodeURIComponent).join('/') }),
  ],
  [/^\/instances\/?$/, () => ({ name: 'instances' })],
  [/^\/instances\/([^/]+)\/?$/, (m) => ({ name: 'instance', id: decodeURIComponent(m[1] ?? '') })],
  [/^\/usage\/?$/, () => ({ name: 'usage' })],
  [/^\/billing\/?$/, () => ({ name: 'billing' })],
  [/^\/audit\/?$/, () => ({ name: 'audit' })],
  [/^\/operator\/?$/, () => ({ name: 'operator-apps' })],
  [/^\/operator\/apps\/?$/, () => ({ name: 'operator-apps' })],
  [
    /^\/operator\/apps\/versions\/([^/]+)\/?$/,
    (m) => ({ name: 'operator-app-version', id: decodeURIComponent(m[1] ?? '') }),
  ],
  [/^\/operator\/nodes\/?$/, () => ({ name: 'operator-nodes' })],
  [/^\/operator\/quotas\/?$/, () => ({ name: 'operator-quotas' })],
  [/^\/operator\/billing\/?$/, () => ({ name: 'operator-billing' })],
];

export function matchRoute(path: string): Route {
  for (const [pattern, route] of PATTERNS) {
    const m = pattern.exec(path);
    if (m !== null) {
      try {
        return route(m);
      } catch {
        break;
      }
    }
  }
  return { name: 'not-found', path };
}

const CHANGE = 'gpuaas:navigate';

/** Set by an in-page navigation (a link, back/forward): the next screen's heading takes the focus. */
let focusRequested = false;
if (typeof window !== 'undefined') window.addEventListener('popstate', () => (focusRequested = true));

/** Whether the screen just shown was reached by an in-page navigation (asked once). */
export function takeFocusRequest(): boolean {
  const requested = focusRequested;
  focusRequested = false;
  return requested;
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(CHANGE, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(CHANGE, listener);
  };
}

const snapshot = () => `${location.pathname}${location.search}`;

/** The current path and query (`/allocations?model=x`). */
export function useLocation(): { path: string; search: URLSearchParams; href: string } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, location.origin);
  return { path: url.pathname, search: url.searchParams, href };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace === true) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  focusRequested = true;
  window.dispatchEvent(new Event(CHANGE));
}

export interface LinkProps extends AnchorHTMLAttributes<HTMLAnchorElement> {
  to: string;
  children: ReactNode;
}

/** An ordinary link (keyboard, middle-click, copy link all work) that navigates in place. */
export function Link({ to, children, onClick, ...rest }: LinkProps) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return createElement('a', { ...rest, href: to, onClick: follow }, children);
}
