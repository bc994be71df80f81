/** proxy-from-env ships no types; this is its one export (README of proxy-from-env 2.1.0). */
declare module 'proxy-from-env' {
  /** The proxy URL for `url` per *_PROXY and NO_PROXY, or '' for a direct connection. */
  export function getProxyForUrl(url: string | URL): string;
}
