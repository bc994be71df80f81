/**
 * The renderer's Content-Security-Policy, in one place so the Electron window, the dev server and
 * the remote-control page all send the same one.
 */
import { COVER_SCHEME } from '../../../shared/covers';

/**
 * Builds the CSP string. `connect` lists extra sources the page may open connections to (the
 * remote-control WebSocket, the Vite dev server's HMR socket); everything else is self only.
 */
export function rendererCsp(opts: { connect?: string[]; dev?: boolean } = {}): string {
  const connect = ["'self'", ...(opts.connect ?? [])].join(' ');
  return [
    "default-src 'none'",
    // Scripts only from our own bundle: an injected <script> or inline handler does not run.
    "script-src 'self'",
    // Svelte transitions and style: bindings write inline styles.
    "style-src 'self' 'unsafe-inline'",
    // Cover thumbnails: the desktop's own scheme (unused in a browser, where /covers/ is 'self').
    `img-src 'self' data: ${COVER_SCHEME}:`,
    "font-src 'self'",
    // A paired device's tracks play from the engine's loopback proxy (lan/peer/peer-proxy.ts),
    // which needs its per-run secret in the path; nothing else may feed the player.
    "media-src 'self' http://127.0.0.1:*",
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
    // Nobody may frame the page (clickjacking of the remote UI).
    ...(opts.dev ? [] : ["frame-ancestors 'none'"]),
    "object-src 'none'",
  ].join('; ');
}
