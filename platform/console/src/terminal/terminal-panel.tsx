/**
 * A terminal in the page (xterm.js) attached to the allocation's shell: sized to its box (and
 * resized with it), copy with Ctrl+Shift+C and paste with Ctrl+Shift+V (or the browser's own
 * paste), output rendered with flow control, and a message in the terminal and beside it when
 * the session or the allocation ends. Ctrl+Shift+E leaves the terminal for the keyboard (Tab is
 * the shell's inside it).
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { dataOf } from '../api/client.js';
import { useConsole } from '../context.js';
import type { Allocation } from '../screens/allocations.js';
import { isDark } from '../ui/theme.js';
import { WriteFlow, connectTerminal, terminalSocketUrl } from './connection.js';
import type { TerminalConnection } from './connection.js';

// Messages of the console inside the terminal: bold, so they stand out without losing contrast.
const NOTE = '\x1b[1m';
const RESET = '\x1b[0m';

const THEMES = {
  light: { background: '#ffffff', foreground: '#1f2328', cursor: '#1f2328', selectionBackground: '#b6d4fe' },
  dark: { background: '#0d1117', foreground: '#e6edf3', cursor: '#e6edf3', selectionBackground: '#264f78' },
};

export default function TerminalPanel({
  allocation,
  onClose,
}: {
  allocation: Allocation;
  onClose: () => void;
}) {
  const { client } = useConsole();
  const box = useRef<HTMLDivElement>(null);
  const after = useRef<HTMLButtonElement>(null);
  const terminal = useRef<Terminal | undefined>(undefined);
  const [status, setStatus] = useState('Connecting…');
  const [connected, setConnected] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const running = allocation.state === 'running';
  const runningNow = useRef(running);
  runningNow.current = running;

  useEffect(() => {
    const element = box.current;
    if (element === null) return undefined;
    const term = new Terminal({
      cursorBlink: true,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
      fontSize: 14,
      scrollback: 5000,
      theme: isDark() ? THEMES.dark : THEMES.light,
    });
    terminal.current = term;
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(element);
    fit.fit();
    let connection: TerminalConnection | undefined;
    let disposed = false;
    const flow = new WriteFlow((message) => connection?.control({ type: message }));

    term.attachCustomKeyEventHandler((event) => {
      if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey) return true;
      if (event.code === 'KeyC') {
        const selection = term.getSelection();
        if (selection !== '') void navigator.clipboard.writeText(selection);
        return false;
      }
      if (event.code === 'KeyV') {
        event.preventDefault();
        void navigator.clipboard.readText().then((text) => term.paste(text));
        return false;
      }
      if (event.code === 'KeyE') {
        event.preventDefault();
        after.current?.focus();
        return false;
      }
      return true;
    });

    const start = async () => {
      if (!runningNow.current) return;
      try {
        const issued = dataOf(
          await client.api.POST('/v1/allocations/{allocation_id}/terminal-tokens', {
            params: { path: { allocation_id: allocation.id } },
          }),
        );
        if (disposed) return;
        const url = terminalSocketUrl(issued.url, location.origin, term.cols, term.rows);
        connection = connectTerminal(url, issued.token, {
          onOpen() {
            setConnected(true);
            setStatus('Connected.');
            term.focus();
          },
          onOutput(bytes) {
            const peak = flow.peak;
            term.write(bytes, flow.queued(bytes.length));
            // Shown on the element (only when it grows), so the backlog a flood built can be seen.
            if (flow.peak > peak) element.dataset.renderPeak = String(flow.peak);
          },
          onServerMessage(message) {
            if (message.type === 'exit') {
              const how =
                message.signal === null ? `exit status ${message.code ?? '?'}` : `signal ${message.signal}`;
              term.write(`\r\n${NOTE}[the shell ended: ${how}]${RESET}\r\n`);
              setStatus(`The shell ended (${how}).`);
            } else {
              term.write(`\r\n${NOTE}[${message.code}: ${message.message}]${RESET}\r\n`);
              setStatus(`The terminal failed: ${message.message}`);
            }
          },
          onClose(code, reason) {
            setConnected(false);
            if (disposed) return;
            setStatus((previous) =>
              previous.startsWith('The shell ended') || previous.startsWith('The terminal failed')
                ? previous
                : `The terminal closed (code ${code}${reason === '' ? '' : `: ${reason}`}).`,
            );
          },
        });
      } catch (error) {
        setStatus(`Could not open a terminal: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    void start();

    const inputs = [
      term.onData((data) => connection?.sendInput(data)),
      term.onBinary((data) => connection?.sendInput(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff))),
      term.onResize(({ cols, rows }) => connection?.control({ type: 'resize', cols, rows })),
    ];
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => fit.fit());
    });
    observer.observe(element);
    return () => {
      disposed = true;
      observer.disconnect();
      cancelAnimationFrame(frame);
      for (const d of inputs) d.dispose();
      connection?.close();
      term.dispose();
      terminal.current = undefined;
    };
    // Opened once per attempt; the allocation's state is followed by the effect below.
  }, [client, allocation.id, attempt]);

  // The allocation ending closes the shell with it: say so where the user is looking.
  useEffect(() => {
    if (running) return;
    const message = `The allocation is ${allocation.state}: the terminal has closed.`;
    setStatus(message);
    terminal.current?.write(`\r\n${NOTE}[${message}]${RESET}\r\n`);
  }, [running, allocation.state]);

  return (
    <div className="terminal-panel">
      <p className="muted" id="terminal-help">
        Copy: Ctrl+Shift+C. Paste: Ctrl+Shift+V. Leave the terminal: Ctrl+Shift+E.
      </p>
      <div
        ref={box}
        className="terminal-box"
        role="group"
        aria-label="Terminal"
        aria-describedby="terminal-help"
        data-testid="terminal"
      />
      <p role="status" className="terminal-status" data-testid="terminal-status">
        {status}
      </p>
      <div className="actions">
        {!connected && running && (
          <button type="button" onClick={() => setAttempt((n) => n + 1)}>
            Reconnect
          </button>
        )}
        <button type="button" ref={after} onClick={onClose}>
          Close terminal
        </button>
      </div>
    </div>
  );
}
