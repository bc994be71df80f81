/**
 * Cover thumbnails in the desktop window: the privileged `tunecamp-cover:` scheme, answered from
 * the engine's cover store, and the resizer the store is given (nativeImage: core has no decoder).
 */
import { nativeImage, protocol } from 'electron';
import { COVER_SCHEME } from '../../shared/covers';
import type { CoverResizer } from '../core/covers/cover-store';
import type { CoverSource } from '../core/remote/cover-route';

/**
 * Declares the scheme; must run before the app is ready. Standard, so URLs parse with a host and
 * path; secure, so the page treats the images like its own. Not CSP-bypassing, no fetch, no CORS:
 * the page may only show them in <img>.
 */
export function registerCoverScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: COVER_SCHEME, privileges: { standard: true, secure: true } },
  ]);
}

/**
 * Answers `tunecamp-cover://track/<id>` from `covers`; returns the undo. 204 for no cover (the page
 * keeps its placeholder, no console error), 404 for anything that is not a track's cover URL.
 */
export function serveCovers(covers: CoverSource): () => void {
  protocol.handle(COVER_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (request.method !== 'GET' || url.hostname !== 'track')
      return new Response(null, { status: 404 });
    // The store takes only well-formed ids of shared tracks (32 hex characters, nothing to
    // decode); no path is built from the URL.
    const answer = await covers.get(url.pathname.slice(1));
    if (answer.status !== 'cover') return new Response(null, { status: 204 });
    const { data, type } = answer.cover;
    return new Response(new Uint8Array(data), {
      headers: {
        'Content-Type': type,
        'Content-Length': String(data.length),
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'private, max-age=604800, immutable',
      },
    });
  });
  return () => protocol.unhandle(COVER_SCHEME);
}

/**
 * Crops a picture to its centred square and shrinks it to at most `size` pixels a side, as JPEG.
 * Undefined when Chromium cannot decode it. Runs on the main thread: a cover decodes in
 * milliseconds, and the store makes at most two at a time, only for rows someone looks at.
 */
export const resizeWithNativeImage: CoverResizer = async (picture, size) => {
  const image = nativeImage.createFromBuffer(picture);
  if (image.isEmpty()) return undefined;
  const { width, height } = image.getSize();
  const edge = Math.min(width, height);
  const square = image.crop({
    x: Math.floor((width - edge) / 2),
    y: Math.floor((height - edge) / 2),
    width: edge,
    height: edge,
  });
  const side = Math.min(size, edge);
  return square.resize({ width: side, height: side, quality: 'best' }).toJPEG(82);
};
