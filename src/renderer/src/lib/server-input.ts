/**
 * Validating the server address as the user types it. Pure. The engine normalises again on
 * connect; this only gives early, specific feedback and shows what will be used.
 */

/** Outcome of checking a typed address: the address that will be used, or why it cannot be. */
export type ServerCheck = { ok: true; url: string } | { ok: false; error: string };

/**
 * Check a typed server address: `https://` is assumed when no scheme is given; only http(s) is
 * accepted; credentials in the address are refused (they would be stored in plain text).
 */
export function checkServerInput(input: string): ServerCheck {
  const text = input.trim();
  if (!text) return { ok: false, error: 'Enter the address of your TuneCamp server.' };
  if (/\s/.test(text)) return { ok: false, error: 'A server address cannot contain spaces.' };
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  if (!hasScheme && /^[a-z][a-z0-9+.-]*:(?!\d)/i.test(text)) {
    return { ok: false, error: 'Only http:// and https:// addresses are supported.' };
  }
  let u: URL;
  try {
    u = new URL(hasScheme ? text : `https://${text}`);
  } catch {
    return { ok: false, error: 'This is not a valid address, e.g. music.example.org.' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return { ok: false, error: 'Only http:// and https:// addresses are supported.' };
  }
  if (!u.hostname || u.hostname.startsWith('.') || u.hostname.endsWith('.')) {
    return { ok: false, error: 'The address needs a host name, e.g. music.example.org.' };
  }
  // A password typed into the address would be saved in plain settings; the token is the only secret.
  if (u.username || u.password) {
    return {
      ok: false,
      error: 'Remove the user name and password from the address; log in below.',
    };
  }
  return { ok: true, url: `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}` };
}

/** Whether a pasted credential looks like a TuneCamp token (an API token `tc_…` or a JWT). */
export function looksLikeToken(token: string): boolean {
  const t = token.trim();
  return /^tc_\S{8,}$/.test(t) || /^[\w-]+\.[\w-]+\.[\w-]+$/.test(t);
}
