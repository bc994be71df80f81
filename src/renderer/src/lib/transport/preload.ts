/**
 * The Electron transport: the preload exposes the contract's Api as `window.tunecamp`, plus
 * optionally `pathForFile` (webUtils.getPathForFile) for dropped folders.
 */
import type { Api } from '../../../../shared/contract';
import { coverSchemeUrl } from '../../../../shared/covers';
import { steadyLink, type Transport } from './types';

/** The object the preload puts on window. */
export type PreloadApi = Api & { pathForFile?: (file: File) => string };

declare global {
  interface Window {
    tunecamp?: PreloadApi;
  }
}

/** The preload's Api, if this page runs inside the Electron window. */
export function preloadApi(win: Window): PreloadApi | undefined {
  const t = win.tunecamp;
  return t && typeof t.invoke === 'function' && typeof t.on === 'function' ? t : undefined;
}

/**
 * The bridge clones what crosses it, both ways, and a Svelte state proxy cannot be cloned ("An
 * object could not be cloned"): arguments go as plain JSON copies (the contract carries JSON
 * values only), and a listener's return value never goes back (`(s) => (x = s)` returns the
 * proxy that a `$state` assignment makes).
 */
export function bridgeSafe(api: Api): Api {
  return {
    invoke: (name, ...args) =>
      api.invoke(name, ...(JSON.parse(JSON.stringify(args)) as typeof args)),
    on: (name, listener) =>
      api.on(name, (payload) => {
        listener(payload);
      }),
  };
}

/** A transport over the preload bridge. */
export function preloadTransport(api: PreloadApi): Transport {
  const pathForFile = api.pathForFile;
  return {
    kind: 'preload',
    api: bridgeSafe(api),
    ...steadyLink(),
    // The main process answers this scheme from the engine's cover store (electron/covers.ts).
    coverUrl: coverSchemeUrl,
    pathForFile: pathForFile
      ? (file) => {
          const p = pathForFile(file);
          return p ? p : undefined;
        }
      : undefined,
  };
}
