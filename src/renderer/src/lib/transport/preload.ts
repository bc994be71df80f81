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

/** A transport over the preload bridge. */
export function preloadTransport(api: PreloadApi): Transport {
  const pathForFile = api.pathForFile;
  return {
    kind: 'preload',
    api,
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
