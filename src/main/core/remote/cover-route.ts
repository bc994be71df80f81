/**
 * Cover thumbnails over the remote-control server's HTTP port, for the browser window:
 * `GET /covers/<trackId>?k=<coverKey>`. The key is derived from the remote-control token and handed
 * to the page in `ready`, after its hello; an <img> cannot send the token any other way, and the
 * token itself never appears in a request line (logs, history).
 */
import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CoverAnswer } from '../covers/cover-store';
import { securityHeaders, sendStatus } from './static-files';

/** Anything that answers cover requests by track id (the engine's CoverStore). */
export interface CoverSource {
  get(id: string): Promise<CoverAnswer>;
}

/** The cover key for a token: it opens covers only, and reveals nothing about the token. */
export function coverKeyFor(token: string): string {
  return createHmac('sha256', token).update('tunecamp-share covers').digest('base64url');
}

/**
 * Answers one cover request. 200 with the image; 204 when the track has no cover (or is gone),
 * which the page shows as a placeholder without a console error; 403 for a wrong key.
 */
export async function serveCover(
  req: IncomingMessage,
  res: ServerResponse,
  opts: {
    covers: CoverSource;
    key: string;
    csp: string;
    keysEqual: (a: string, b: string) => boolean;
  },
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendStatus(res, 405, 'Method not allowed', opts.csp);
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (!opts.keysEqual(url.searchParams.get('k') ?? '', opts.key)) {
    return sendStatus(res, 403, 'Forbidden', opts.csp);
  }
  // The store accepts only well-formed ids of shared tracks: no path is ever built from this.
  const id = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
  const answer = await opts.covers.get(id);
  if (answer.status !== 'cover') {
    // "No cover" may change (a cover.jpg added), so it is only kept for a few minutes.
    res.writeHead(204, { ...securityHeaders(opts.csp), 'Cache-Control': 'private, max-age=300' });
    return void res.end();
  }
  const { data, type } = answer.cover;
  res.writeHead(200, {
    ...securityHeaders(opts.csp),
    'Content-Type': type,
    'Content-Length': String(data.length),
    // Keyed by the track's content id: the same URL always means the same picture.
    'Cache-Control': 'private, max-age=604800, immutable',
  });
  res.end(req.method === 'HEAD' ? undefined : data);
}
