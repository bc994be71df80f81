/**
 * Serving the built renderer from a folder: safe path resolution, content types, headers.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

/** Content types of the files a Vite build emits. */
export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Maps a request path to a file inside `root`, or null if it is malformed or would leave `root`
 * (`..`, dot files, NUL, backslashes). `/` maps to index.html.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!);
  } catch {
    return null;
  }
  // Backslashes are separators on Windows and NUL truncates paths natively: refuse both outright.
  if (decoded.includes('\0') || decoded.includes('\\') || !decoded.startsWith('/')) return null;
  // `..` would climb out of root; other dot names (.env, .git) are never part of a build.
  if (decoded.split('/').some((seg) => seg.startsWith('.'))) return null;
  const rel = decoded === '/' ? 'index.html' : decoded.slice(1);
  const base = path.resolve(root);
  const full = path.resolve(base, rel);
  if (full !== base && !full.startsWith(base + path.sep)) return null;
  return full;
}

/** Headers every response carries: the page's CSP, no sniffing, no referrer, no framing. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

/** Sends a short plain-text status response. */
export function sendStatus(res: ServerResponse, status: number, text: string, csp: string): void {
  res.writeHead(status, {
    ...securityHeaders(csp),
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** Answers a GET/HEAD for a file under `root`; 404 for anything missing, hidden or not a file. */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
  csp: string,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendStatus(res, 405, 'Method not allowed', csp);
  }
  const file = resolveStaticPath(root, req.url ?? '/');
  const type = file ? CONTENT_TYPES[path.extname(file).toLowerCase()] : undefined;
  const info = file && type ? await stat(file).catch(() => null) : null;
  if (!file || !type || !info?.isFile()) return sendStatus(res, 404, 'Not found', csp);
  res.writeHead(200, {
    ...securityHeaders(csp),
    'Content-Type': type,
    'Content-Length': String(info.size),
    // index.html names the hashed bundles, so it must never be cached; the bundles may be revalidated.
    'Cache-Control': path.basename(file) === 'index.html' ? 'no-store' : 'no-cache',
  });
  if (req.method === 'HEAD') return void res.end();
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}
