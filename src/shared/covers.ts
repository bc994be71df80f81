/**
 * How the window addresses cover thumbnails in Electron: `tunecamp-cover://track/<trackId>`, a
 * privileged scheme the main process answers from the engine's cover store (src/main/electron/covers.ts).
 * In a browser the daemon serves them at REMOTE_COVER_PATH instead (remote-protocol.ts).
 */

/** The custom scheme of cover thumbnails; the page's CSP allows it in img-src only. */
export const COVER_SCHEME = 'tunecamp-cover';

/** The cover URL of a track in the Electron window. */
export function coverSchemeUrl(trackId: string): string {
  return `${COVER_SCHEME}://track/${encodeURIComponent(trackId)}`;
}
