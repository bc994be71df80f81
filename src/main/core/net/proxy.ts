/**
 * The HTTP(S) proxy between us and the TuneCamp server, from the environment as curl reads it:
 * `HTTPS_PROXY`/`https_proxy` for https and wss, `HTTP_PROXY`/`http_proxy` for http and ws,
 * `ALL_PROXY` for either, `NO_PROXY` (host, `.domain` or `*.domain` suffix, `host:port`, `*`).
 * Both the tunnel (ws) and the REST calls (fetch) go through the proxy with CONNECT, so the proxy
 * sees only the host and port, never the token in the socket URL. Credentials in the proxy URL
 * are sent as `Proxy-Authorization: Basic`. Only for the server: LAN peers are never proxied.
 */
import type { Agent } from 'node:http';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import type { Dispatcher, RequestInit as UndiciInit } from 'undici';

/** A proxy chosen for one server address. */
export interface ServerProxy {
  /** The proxy URL, credentials included (for the agents only). */
  url: URL;
  /** The proxy as shown to the user: scheme, host and port, never the credentials. */
  label: string;
}

/** The proxy setting could not be used; the message names the variable's value (no password). */
export class ProxyConfigError extends Error {
  override name = 'ProxyConfigError';
}

/** The proxy URL without user and password, for messages. */
export function proxyLabel(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/**
 * The proxy to use for `target` (an http, https, ws or wss URL), or null for a direct connection.
 * Throws ProxyConfigError when the variable holds something that is not an http(s) proxy URL:
 * silently connecting directly would fail later with a message about the server instead.
 */
export function proxyFor(target: string): ServerProxy | null {
  // proxy-from-env looks up `ws_proxy` for ws:// URLs; users set HTTP(S)_PROXY.
  const http = target.replace(/^ws(s?):/i, 'http$1:');
  const raw = getProxyForUrl(http);
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ProxyConfigError(
      `The proxy setting "${raw.replace(/\/\/[^@/]*@/, '//***@')}" (HTTPS_PROXY/HTTP_PROXY) is not a valid URL.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProxyConfigError(
      `The proxy ${proxyLabel(url)} is not supported: only http:// and https:// proxies are (HTTPS_PROXY/HTTP_PROXY).`,
    );
  }
  return { url, label: proxyLabel(url) };
}

/** An agent for the tunnel's WebSocket that tunnels through `proxy` with CONNECT (ws and wss). */
export function tunnelAgent(proxy: ServerProxy): HttpsProxyAgent<string> & Agent {
  // HttpsProxyAgent sends CONNECT for plain targets too (then uses the socket as is): an upgrade
  // sent to a proxy as a forwarded request would be refused by many proxies.
  return new HttpsProxyAgent(proxy.url.href, { keepAlive: false });
}

/** Socket errors that, with a proxy set, can only come from connecting to the proxy. */
export const PROXY_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);
const dispatchers = new Map<string, Dispatcher>();

/**
 * `fetch` for the server's REST calls (login, peers): through the environment's proxy when one
 * applies (undici's ProxyAgent, CONNECT for http and https alike), else Node's own fetch. undici
 * is loaded only when a proxy is set: most users have none, and it costs start-up time.
 * A proxy that refuses rejects with an Error naming the proxy and its status.
 */
export const serverFetch: typeof fetch = async (input, init) => {
  const target = input instanceof Request ? input.url : String(input);
  const proxy = proxyFor(target);
  if (!proxy) return fetch(input, init);
  const undici = await import('undici');
  let dispatcher = dispatchers.get(proxy.url.href);
  if (!dispatcher) {
    dispatcher = new undici.ProxyAgent({ uri: proxy.url.href });
    dispatchers.set(proxy.url.href, dispatcher);
  }
  try {
    const res = await undici.fetch(target, {
      ...(init as UndiciInit),
      dispatcher,
    });
    return res as unknown as Response;
  } catch (err) {
    // undici nests the reason two or three causes deep (TypeError → DOMException → its error).
    for (let e: unknown = err, i = 0; e instanceof Error && i < 5; e = e.cause, i++) {
      const status = /Proxy response \((\d+)\)/.exec(e.message)?.[1];
      if (status) throw new ProxyRefusedError(proxy, Number(status));
      // Through a proxy we open sockets to the proxy only: these are about the proxy itself.
      const code = (e as { code?: string }).code;
      if (code && PROXY_SOCKET_CODES.has(code)) throw new ProxyUnreachableError(proxy, code);
    }
    throw err;
  }
};

/**
 * Closes the connections kept open through proxies for the REST calls (the engine's stop): a
 * kept-alive tunnel would otherwise outlive the engine, and carry the next engine's requests
 * without a new CONNECT.
 */
export async function closeServerProxies(): Promise<void> {
  const all = [...dispatchers.values()];
  dispatchers.clear();
  await Promise.all(all.map((d) => d.close().catch(() => undefined)));
}

/** The proxy answered CONNECT with something other than 200 (407: credentials, 502: upstream). */
export class ProxyRefusedError extends Error {
  override name = 'ProxyRefusedError';
  constructor(
    readonly proxy: ServerProxy,
    readonly status: number,
  ) {
    super(proxyRefusalMessage(proxy, status));
  }
}

/** The proxy itself could not be reached (refused, or its name did not resolve). */
export class ProxyUnreachableError extends Error {
  override name = 'ProxyUnreachableError';
  constructor(
    readonly proxy: ServerProxy,
    readonly code: string,
  ) {
    super(`Cannot reach the proxy ${proxy.label} (${code}); check HTTPS_PROXY/HTTP_PROXY.`);
  }
}

/** Words for a CONNECT refusal by `proxy` with `status`. */
export function proxyRefusalMessage(proxy: ServerProxy, status: number): string {
  if (status === 407)
    return `The proxy ${proxy.label} refused the connection (407): it wants a user and password; put them in the proxy URL (http://user:pass@host:port).`;
  if (status === 502 || status === 504)
    return `The proxy ${proxy.label} could not reach the server (${status}).`;
  if (status === 403)
    return `The proxy ${proxy.label} does not allow connections to this server (403).`;
  return `The proxy ${proxy.label} refused the connection (${status}).`;
}
