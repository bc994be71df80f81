/**
 * Choosing the transport at start: `#mock` in the address → the mock engine (development,
 * screenshots); `window.tunecamp` present → the Electron preload; otherwise the page was served by
 * the headless daemon and talks to it over the remote-control WebSocket.
 */
import { preloadApi, preloadTransport } from './preload';
import { steadyLink, type Transport } from './types';
import { RemoteClient, remoteTransport, remoteUrl } from './ws-client';

export type { LinkState, Transport } from './types';

const TOKEN_KEY = 'tunecamp-remote-token';

/** Parse `#token=…` (or `#mock&token=…`) from a location hash; undefined when absent. */
export function tokenFromHash(hash: string): string | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token');
  return token ? token : undefined;
}

/** Whether the hash asks for the mock engine. */
export function wantsMock(hash: string): boolean {
  return new URLSearchParams(hash.replace(/^#/, '')).has('mock');
}

/**
 * The remote-control token: from the hash on first load, then removed from the address bar (so it
 * does not sit in history, bookmarks or screenshots) and kept in this tab's sessionStorage so a
 * reload still works. The fragment is never sent to a server, unlike a query string.
 */
function takeToken(win: Window): string {
  const fromHash = tokenFromHash(win.location.hash);
  if (fromHash) {
    try {
      win.sessionStorage.setItem(TOKEN_KEY, fromHash);
    } catch {
      // storage may be disabled; the token then lives only in memory for this page
    }
    win.history.replaceState(null, '', win.location.pathname + win.location.search);
    return fromHash;
  }
  try {
    return win.sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

/**
 * Pick and start the transport for this page. The mock is loaded on demand so the generated
 * library never ships in the main bundle's startup path.
 */
export async function chooseTransport(win: Window = window): Promise<Transport> {
  if (wantsMock(win.location.hash)) {
    const { createMockApi } = await import('./mock');
    const api = createMockApi();
    return { kind: 'mock', api, ...steadyLink(), coverUrl: (id) => api.coverUrl(id) };
  }
  const bridged = preloadApi(win);
  if (bridged) return preloadTransport(bridged);
  const client = new RemoteClient({ url: remoteUrl(win.location), token: takeToken(win) });
  client.start();
  return remoteTransport(client);
}
