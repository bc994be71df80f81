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
  const typo = suggestAddress(text);
  if (typo) return { ok: false, error: typo };
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

/** Scheme spellings that are not a scheme (a missing ":" or "/", a letter off, a backslash). */
const MISTYPED_SCHEME =
  /^(h+t+p+s?|ht+ps?|htp+s?|hhtps?|https?s|ws+s?)(:?\/{1,}|:\\+|:(?!\/)|;\/\/)/i;

/**
 * A one-line refusal with a suggestion for an address that cannot be what the user meant (a
 * mistyped scheme such as `http//host`, `htps://host` or `http:/host`, spaces in the host), or
 * null. Without it `http//host` would become `https://http//host` and be retried forever.
 */
export function suggestAddress(text: string): string | null {
  const m = MISTYPED_SCHEME.exec(text);
  if (m && !/^https?:\/\/(?!\/)/i.test(text)) {
    const rest = text.slice(m[0].length).replace(/^[/\\]+/, '');
    const letters = m[1]!.toLowerCase();
    const secure = letters.endsWith('s') && letters !== 'ws'; // wss:// means https://
    const fixed = `${secure ? 'https' : 'http'}://${rest}`;
    return `"${redactToken(text)}" is not a server address; did you mean ${redactToken(fixed)}?`;
  }
  const host = /^(?:https?:\/\/)?([^/?#]*)/i.exec(text)?.[1] ?? '';
  if (/\s/.test(host)) {
    const fixed = text.replace(/\s+/g, '');
    return `"${redactToken(text)}" has a space in it; did you mean ${redactToken(fixed)}?`;
  }
  return null;
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
