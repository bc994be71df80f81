/**
 * Server addresses as the user types them, and the peer socket URL built from them. Pure.
 * The socket URL carries the token (the server's rule), so it is built here and never logged.
 */

/** Result of normalising a typed server address. */
export type NormalizedUrl = { ok: true; url: string } | { ok: false; error: string };

/**
 * Normalise a server address: trim, assume `https://` when no scheme is given, allow only http and
 * https, keep any path prefix, drop the trailing slash, query and hash. Credentials in the URL are
 * refused (they would end up in settings and logs).
 */
export function normalizeServerUrl(input: string): NormalizedUrl {
  const text = input.trim();
  if (!text) return { ok: false, error: 'Enter the address of your TuneCamp server.' };
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  if (!hasScheme && /^[a-z][a-z0-9+.-]*:(?!\d)/i.test(text)) {
    return { ok: false, error: 'Only http:// and https:// server addresses are supported.' };
  }
  let parsed: URL;
  try {
    parsed = new URL(hasScheme ? text : `https://${text}`);
  } catch {
    return { ok: false, error: `"${redactToken(text)}" is not a valid server address.` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, error: 'Only http:// and https:// server addresses are supported.' };
  }
  if (!parsed.hostname) return { ok: false, error: 'The server address has no host name.' };
  // Credentials in the address would be stored and shown in plain text; the token is the only secret.
  if (parsed.username || parsed.password) {
    return {
      ok: false,
      error: 'Remove the user name and password from the address; log in instead.',
    };
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  return { ok: true, url: `${parsed.protocol}//${parsed.host}${path}` };
}

/**
 * The peer socket URL for a normalised server: `ws[s]://host[/prefix]/ws/peer?token=…&allowDownloads=…`.
 * Contains the token: pass it to the socket only, never to a log, event or error message.
 */
export function peerSocketUrl(server: string, token: string, allowDownloads: boolean): string {
  const base = server
    .replace(/\/+$/, '')
    .replace(/^http(s?):\/\//i, (_m, s: string) => `ws${s}://`);
  const query = `token=${encodeURIComponent(token)}&allowDownloads=${allowDownloads ? 'true' : 'false'}`;
  return `${base}/ws/peer?${query}`;
}

/**
 * Replace every `token=…` value (query strings, form bodies, `token: …` in messages) and Bearer
 * credentials in `text` with `***`. Run over anything that might be logged or shown.
 */
export function redactToken(text: string): string {
  return text
    .replace(/(token["']?\s*[=:]\s*["']?)[^&\s"',;)}\]]+/gi, '$1***')
    .replace(/(Bearer\s+)[^\s"',;)}\]]+/gi, '$1***');
}
