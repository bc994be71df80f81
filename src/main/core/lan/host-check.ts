import { isIP } from 'node:net';

/** Longest DNS name (RFC 1035); a longer Host is not a name we could be reached by. */
const MAX_NAME = 253;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * True if a request's `Host` header names this server the way a LAN client can reach it: an IP
 * literal (`192.168.1.5:47310`, `[fe80::1]:47310`), `localhost`, or an mDNS `*.local` name, with
 * an optional port. This defeats DNS rebinding: a hostile page that points its own name at our
 * address still sends its own name (`evil.example`), which is none of these. The port is not
 * compared, so that a port forward or a proxy on the same host does not lock clients out.
 */
export function isLanHost(host: string | undefined): boolean {
  if (host === undefined || host.length === 0 || host.length > MAX_NAME + 8) return false;
  let name: string;
  let port: string | undefined;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0) return false;
    name = host.slice(1, close);
    const rest = host.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return false;
    port = rest === '' ? undefined : rest.slice(1);
    // Inside brackets only IPv6 (RFC 3986), with an optional zone id as browsers send it.
    if (isIP(name.replace(/%25[^%]+$|%[^%]+$/, '')) !== 6) return false;
  } else {
    const colon = host.lastIndexOf(':');
    name = colon < 0 ? host : host.slice(0, colon);
    port = colon < 0 ? undefined : host.slice(colon + 1);
    if (!isAllowedName(name.toLowerCase())) return false;
  }
  return port === undefined || /^\d{1,5}$/.test(port);
}

/** An IPv4 literal, `localhost`, or a valid `*.local` DNS name (lower case). */
function isAllowedName(name: string): boolean {
  if (isIP(name) === 4) return true;
  if (name === 'localhost') return true;
  // One trailing dot is the absolute form of the same name.
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (!n.endsWith('.local') || n.length > MAX_NAME) return false;
  return n.split('.').every((label) => LABEL.test(label));
}
