/**
 * Playing a paired device's track in the control window of a headless daemon: the engine's peer
 * proxy listens on the daemon's loopback only, which a browser on another machine cannot reach,
 * so the control server forwards `/peer-audio/<secret>/<device>/<track>` to it, Range and
 * validators included. The path is the proxy's own (its per-run secret is the permission, handed
 * out only through the authenticated `peerTrackUrl` command), and the target is always that
 * proxy: never another port or host.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { PASS_DOWN, PASS_UP } from '../lan/peer/peer-proxy';
import { sendStatus } from './static-files';

/** Where the control server answers peer audio. */
export const PEER_AUDIO_PATH = '/peer-audio/';
/** The proxy's path shape: secret, device id, track id. */
const PATH = /^\/peer-audio(\/[A-Za-z0-9_-]{43}\/[0-9a-f]{64}\/[0-9a-f]{32})$/;

/** Forwards one request to the peer proxy on `port` (undefined: no proxy running → 404). */
export function forwardPeerAudio(
  req: IncomingMessage,
  res: ServerResponse,
  port: number | undefined,
  csp: string,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendStatus(res, 405, 'Method not allowed', csp);
  }
  const m = PATH.exec((req.url ?? '').split('?')[0] ?? '');
  if (!m || port === undefined) return sendStatus(res, 404, 'Not found', csp);
  const headers: Record<string, string> = { host: `127.0.0.1:${port}` };
  for (const h of PASS_UP) {
    const v = req.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  const up = http.request(
    { host: '127.0.0.1', port, path: m[1], method: req.method, headers },
    (answer) => {
      const down: Record<string, string> = { 'X-Content-Type-Options': 'nosniff' };
      for (const h of PASS_DOWN) {
        const v = answer.headers[h];
        if (typeof v === 'string') down[h] = v;
      }
      res.writeHead(answer.statusCode ?? 502, down);
      answer.pipe(res);
      answer.once('error', () => res.destroy());
    },
  );
  up.once('error', () => {
    if (!res.headersSent) sendStatus(res, 502, 'The paired device cannot be reached', csp);
    else res.destroy();
  });
  // A player that seeks away closes its request: stop fetching from the device at once.
  res.once('close', () => up.destroy());
  up.end();
}
