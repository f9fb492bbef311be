/**
 * The app's console UI extension in a sandboxed iframe on the instance's OWN origin
 * (`<allocation>.apps.<host>`, docs/ui-extensions.md): the console asks for a one-time sign-in URL
 * (`POST /v1/allocations/{id}/app/ui-sessions`) and frames it; it never hands the page a platform
 * token. Messages are read only from that frame's window and origin, and sent to that origin only
 * (extension-protocol.ts). On loopback, where `*.localhost` hosts are sites of their own and the
 * framed page gets no session cookie, "Open in a new tab" signs in at the top level instead.
 */
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import { useEffect, useRef, useState } from 'react';
import { dataOf } from '../../api/client.js';
import { useConsole } from '../../context.js';
import { ErrorMessage } from '../../ui/feedback.js';
import { isDark } from '../../ui/theme.js';
import {
  consoleMessage,
  extensionSandbox,
  frameHeight,
  parseExtensionMessage,
} from './extension-protocol.js';
import type { ConsoleView } from './extension-protocol.js';
import type { AppInstance } from './instance-model.js';

type Session = PlatformComponents['schemas']['AppUiSession'];

const LOCALE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;

export function UiExtension({
  instance,
  onNavigate,
}: {
  instance: AppInstance;
  onNavigate: (view: ConsoleView) => void;
}) {
  const { client } = useConsole();
  const [session, setSession] = useState<Session>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [height, setHeight] = useState(480);
  const [toast, setToast] = useState<string>();
  const frame = useRef<HTMLIFrameElement>(null);
  const navigateTo = useRef(onNavigate);
  navigateTo.current = onNavigate;

  const newSession = async (endpoint?: string): Promise<Session> =>
    dataOf(
      await client.api.POST('/v1/allocations/{allocation_id}/app/ui-sessions', {
        params: { path: { allocation_id: instance.allocation_id } },
        body: endpoint === undefined ? {} : { endpoint },
      }),
    );

  const open = async (inTab: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const next = await newSession(session?.endpoint);
      if (extensionSandbox(next.url, location.origin) === undefined)
        throw new Error('the extension is not on an origin of its own: the console does not frame it');
      if (inTab) window.open(next.url, '_blank', 'noopener,noreferrer');
      else setSession(next);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (session === undefined) return undefined;
    const post = (body: Record<string, unknown>) =>
      frame.current?.contentWindow?.postMessage(consoleMessage(body), session.origin);
    let welcomed = false;
    const onMessage = (event: MessageEvent) => {
      if (event.source !== frame.current?.contentWindow || event.origin !== session.origin) return;
      const parsed = parseExtensionMessage(event.data);
      if (parsed.kind === 'ignored') return;
      if (parsed.kind === 'refused') {
        post({
          type: 'error',
          code: parsed.code,
          message: parsed.message,
          ...(parsed.replyTo && { replyTo: parsed.replyTo }),
        });
        return;
      }
      const m = parsed.message;
      if (m.type === 'hello') {
        welcomed = true;
        const locale = LOCALE.test(navigator.language) ? navigator.language : 'en';
        post({
          type: 'welcome',
          replyTo: m.id,
          theme: isDark() ? 'dark' : 'light',
          locale,
          allocationId: instance.allocation_id,
        });
      } else if (m.type === 'resize') setHeight(frameHeight(m.height));
      else if (m.type === 'navigate') navigateTo.current(m.view);
      else if (m.type === 'toast')
        setToast(`${m.level === 'error' || m.level === 'warning' ? `${m.level}: ` : ''}${m.message}`);
      else {
        newSession(session.endpoint).then(
          (s) => post({ type: 'session', replyTo: m.id, signinUrl: s.url, expiresAt: s.expires_at }),
          () =>
            post({
              type: 'error',
              replyTo: m.id,
              code: 'SESSION_REFUSED',
              message: 'the platform refused a new session',
            }),
        );
      }
    };
    window.addEventListener('message', onMessage);
    // The user switching light/dark reaches an extension that said hello.
    const themes = new MutationObserver(() => {
      if (welcomed) post({ type: 'theme', theme: isDark() ? 'dark' : 'light' });
    });
    themes.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => {
      window.removeEventListener('message', onMessage);
      themes.disconnect();
    };
    // newSession is re-created each render; the session and its allocation are what matter here.
  }, [session, instance.allocation_id]);

  const sandbox = session === undefined ? undefined : extensionSandbox(session.url, location.origin);
  return (
    <section aria-labelledby="extension-heading" className="card">
      <h2 id="extension-heading">UI extension</h2>
      <div className="actions">
        {session === undefined ? (
          <button type="button" className="primary" disabled={busy} onClick={() => void open(false)}>
            Open UI extension
          </button>
        ) : (
          <button type="button" onClick={() => setSession(undefined)}>
            Close UI extension
          </button>
        )}
        <button type="button" disabled={busy} onClick={() => void open(true)}>
          Open in a new tab
        </button>
        {session !== undefined && (
          <span className="muted">
            Served from <code>{session.origin}</code>, apart from the console.
          </span>
        )}
      </div>
      {toast !== undefined && (
        <p role="status" className="notice">
          {instance.app ?? 'The app'}: {toast}
        </p>
      )}
      <ErrorMessage error={error} what="Could not open the UI extension" />
      {session !== undefined && sandbox !== undefined && (
        <iframe
          ref={frame}
          className="extension-frame"
          data-testid="ui-extension"
          title={`${instance.app ?? 'App'} UI extension (${session.endpoint})`}
          src={session.url}
          sandbox={sandbox}
          referrerPolicy="no-referrer"
          allow=""
          height={height}
        />
      )}
    </section>
  );
}
