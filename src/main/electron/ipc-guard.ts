/**
 * Who may call the engine over IPC: only our own page. Pure, so the rules are tested without
 * Electron.
 */

/** Our page's location: the built index.html as a file URL, and/or the Vite dev server origin. */
export interface TrustedPage {
  /** e.g. pathToFileURL('…/out/renderer/index.html').href */
  file?: string;
  /** e.g. 'http://localhost:5173' (development only) */
  devOrigin?: string;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * True if a frame at `frameUrl` is our page. A file: URL must be exactly our index.html (query and
 * fragment ignored): any other local file could be a downloaded HTML page. An http(s) URL must
 * have exactly the dev server's origin; nothing else (about:blank, data:, other sites) is trusted.
 */
export function isTrustedSender(frameUrl: string, expected: TrustedPage): boolean {
  const url = parse(frameUrl);
  if (!url) return false;
  if (url.protocol === 'file:') {
    const want = expected.file ? parse(expected.file) : null;
    return (
      want !== null &&
      want.protocol === 'file:' &&
      url.host === want.host &&
      url.pathname === want.pathname
    );
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    const dev = expected.devOrigin ? parse(expected.devOrigin) : null;
    return dev !== null && url.origin === dev.origin;
  }
  return false;
}
