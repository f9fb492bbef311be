/**
 * The web console (platform/console, built by Vite into platform/console/dist) served at `/`:
 * its hashed assets under `/assets/` (cached for a year, immutable), and its one HTML page for `/`
 * and every deep link (`/allocations/ID`, `/apps/NAME`, `/auth/callback`…), so a reload or a
 * shared link opens the same application. Paths of the API and of the platform's other mounts are
 * never the console's, however they are added later: their first segments are reserved (taken from
 * the OpenAPI document, plus the mounts outside it).
 *
 * The page carries a strict Content-Security-Policy: scripts only from the platform's origin (no
 * inline script, no eval), connections only back to it (REST, the event stream, the terminal
 * WebSocket), frames only from app instance origins (`*.apps.<host>`, UI extensions), and no one
 * may frame the console. A platform without a built console answers `/` with a page that says how
 * to build it (503), never a 500.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import type { Request, Response } from 'express';
import { appsDomain } from '../apps/ui-origin.js';
import { escapeHtml } from './docs-page.js';

/** Where `npm run build` puts the console, relative to this module (src/http or dist/http). */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../console/dist/', import.meta.url));

/** First path segments that belong to the platform's own mounts, not described by the OpenAPI document. */
const PLATFORM_MOUNTS = ['v1', 'v2', 'oidc', 'device', 'docs', '.well-known', '.gpuaas'];

export interface ConsoleRoutesOptions {
  /** The built console (its index.html and assets/). */
  dir: string;
  /** Paths of the API (the OpenAPI document's `paths`): their first segments are never the console's. */
  apiPaths: readonly string[];
  /** The platform's public URL (the issuer): instance origins, where UI extensions live, derive from it. */
  issuer: () => string;
}

/** The first segments the console must never answer for. */
export function reservedSegments(apiPaths: readonly string[]): Set<string> {
  const reserved = new Set(PLATFORM_MOUNTS);
  for (const path of apiPaths) {
    const segment = path.split('/')[1];
    if (segment !== undefined && segment !== '') reserved.add(segment);
  }
  return reserved;
}

/** Whether a request path is one of the console's (its page or an asset), not the platform's. */
export function isConsolePath(path: string, reserved: ReadonlySet<string>): boolean {
  const segment = path.split('/')[1] ?? '';
  return !reserved.has(segment);
}

/**
 * The console page's policy. `style-src` allows inline styles: xterm.js (the terminal) writes its
 * measured geometry and theme into <style> elements it creates; scripts stay strictly 'self'.
 */
export function consoleCsp(issuer: string, host: string | undefined): string {
  const url = new URL(issuer);
  const port = url.port === '' ? '' : `:${url.port}`;
  const frames = `${url.protocol}//*.${appsDomain(issuer)}${port}`;
  const sockets = host === undefined ? '' : ` ws://${host} wss://${host}`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${sockets}`,
    `frame-src ${frames}`,
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

const ASSET_CACHE = 'public, max-age=31536000, immutable';

/** The page a platform without a built console answers with. */
export function consoleMissingPage(dir: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Console not built · GPUaaS</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{background:#eee;padding:.1rem .3rem}</style>
</head><body><main><h1>The web console is not built</h1>
<p>This platform serves its API, but the console's files are missing from <code>${escapeHtml(dir)}</code>.
Build them from the repository root, then reload this page:</p>
<pre><code>npm run build</code></pre>
<p>(or only the console: <code>npm run build -w @gpuaas/console</code>). The API reference is at <a href="/docs">/docs</a>.</p>
</main></body></html>`;
}

function securityHeaders(res: Response): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
}

export function consoleRoutes(options: ConsoleRoutesOptions): Router {
  const reserved = reservedSegments(options.apiPaths);
  const root = normalize(options.dir.endsWith(sep) ? options.dir : options.dir + sep);
  const router = Router();

  const sendPage = async (req: Request, res: Response): Promise<void> => {
    securityHeaders(res);
    res.setHeader('Cache-Control', 'no-cache');
    let html: string;
    try {
      html = await readFile(join(root, 'index.html'), 'utf8');
    } catch {
      res.status(503).setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
      res.type('html').send(consoleMissingPage(root));
      return;
    }
    res.setHeader('Content-Security-Policy', consoleCsp(options.issuer(), req.get('host')));
    res.setHeader('X-Frame-Options', 'DENY');
    res.type('html').send(html);
  };

  const sendAsset = async (req: Request, res: Response, immutable: boolean): Promise<boolean> => {
    let path: string;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      return false;
    }
    const file = normalize(join(root, path));
    if (!file.startsWith(root)) return false;
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile() !== true) return false;
    securityHeaders(res);
    await new Promise<void>((resolve, reject) => {
      res.sendFile(
        file,
        { headers: { 'Cache-Control': immutable ? ASSET_CACHE : 'no-cache' }, dotfiles: 'deny' },
        (error) => (error === undefined || res.headersSent ? resolve() : reject(error)),
      );
    });
    return true;
  };

  router.get(/.*/, (req, res, next) => {
    if (!isConsolePath(req.path, reserved)) {
      next();
      return;
    }
    const handle = async (): Promise<void> => {
      if (req.path.startsWith('/assets/')) {
        if (!(await sendAsset(req, res, true))) res.status(404).type('text').send('not found');
        return;
      }
      const last = req.path.slice(req.path.lastIndexOf('/') + 1);
      // A file name (favicon.svg, robots.txt…) is a file of the build or nothing; never the page.
      if (last.includes('.')) {
        if (!(await sendAsset(req, res, false))) res.status(404).type('text').send('not found');
        return;
      }
      await sendPage(req, res);
    };
    handle().catch(next);
  });
  return router;
}
