/**
 * Checks that a request to the remote-control server really comes from a page we served on
 * loopback. Pure functions over header values.
 */

/** Host names a browser on this machine uses to reach a loopback server. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Host names allowed for a server bound to `boundHost` (a wildcard bind allows loopback only). */
export function allowedHostNames(boundHost: string): string[] {
  const wildcard = boundHost === '0.0.0.0' || boundHost === '::' || boundHost === '';
  const bound =
    boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost;
  return wildcard || LOOPBACK_NAMES.includes(bound) ? LOOPBACK_NAMES : [...LOOPBACK_NAMES, bound];
}

/**
 * True if the Host header names one of `names` with exactly `port`. Defends against DNS
 * rebinding: a hostile site that re-points its own name at 127.0.0.1 still sends its own name.
 */
export function isAllowedHost(host: string | undefined, names: string[], port: number): boolean {
  if (!host) return false;
  const lower = host.toLowerCase();
  return names.some((n) => lower === `${n.toLowerCase()}:${port}`);
}

/**
 * True if the Origin header is absent (a non-browser client, which still needs the token) or is
 * one of our own origins. Defends against cross-site WebSocket hijacking: browsers always send
 * Origin on WebSocket upgrades, and a foreign page's origin is not ours.
 */
export function isAllowedOrigin(
  origin: string | undefined,
  names: string[],
  port: number,
): boolean {
  if (origin === undefined) return true;
  const lower = origin.toLowerCase();
  return names.some((n) => lower === `http://${n.toLowerCase()}:${port}`);
}
