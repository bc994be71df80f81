/**
 * The HTTP side of the hub emulator (PROTOCOL.md section 6): login, peer listing, and the
 * stream/download routes that pull a file through a peer's tunnel and pipe it to the listener.
 */
import type http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import type { HubSession } from './emulator';

/** One listener request waiting on a peer's chunks. */
export interface Pending {
  sessionId: string;
  nextSeq: number;
  write(bytes: Buffer): void;
  end(): void;
  fail(message: string): void;
}

/** What the routes need from the hub. */
export interface HttpContext {
  prefix: string;
  tokens: Map<string, { username: string; canShare?: boolean }>;
  users: Record<string, string>;
  sessions: Map<string, HubSession>;
  pending: Map<string, Pending>;
  downloadsEnabled: () => boolean;
  sharingEnabled: () => boolean;
}

/** Route one HTTP request. Unknown routes answer 404. */
export function handleHttp(
  ctx: HttpContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): void {
  const url = new URL(req.url ?? '/', 'http://hub');
  const path = url.pathname.startsWith(ctx.prefix) ? url.pathname.slice(ctx.prefix.length) : '';
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  if (req.method === 'POST' && path === '/api/auth/login') return void login(ctx, req, res);
  // HEAD runs the GET route (as Express does): it, too, becomes a full request to the peer.
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return json(res, 405, { error: 'method not allowed' });
  if (path === '/api/peers/status') {
    // No authentication, as on the server: the two global switches.
    return json(res, 200, {
      enabled: ctx.sharingEnabled(),
      allowDownloads: ctx.downloadsEnabled(),
    });
  }
  if (path === '/api/peers') {
    if (!ctx.tokens.has(bearer)) return json(res, 401, { error: 'unauthorized' });
    const peers = [...ctx.sessions.values()].map((s) => ({
      id: s.id,
      username: s.username,
      trackCount: s.tracks.length,
      allowDownloads: s.allowDownloads,
      connectedAt: s.connectedAt,
    }));
    return json(res, 200, peers);
  }
  const m = /^\/api\/peers\/([^/]+)\/tracks(?:\/([^/]+)\/(stream|download))?$/.exec(path);
  if (!m) return json(res, 404, { error: 'not found' });
  const [, sid = '', rawTid, kind] = m;
  const session = ctx.sessions.get(decodeURIComponent(sid));
  if (!kind) {
    if (!ctx.tokens.has(bearer)) return json(res, 401, { error: 'unauthorized' });
    return session ? json(res, 200, session.tracks) : json(res, 404, { error: 'no such peer' });
  }
  if (!ctx.tokens.has(url.searchParams.get('token') ?? bearer))
    return json(res, 401, { error: 'unauthorized' });
  if (!session) return json(res, 404, { error: 'no such peer' });
  const tid = decodeURIComponent(rawTid ?? '');
  const track = session.tracks.find((t) => t.id === tid);
  if (!track) return json(res, 404, { error: 'no such track' });
  const download = kind === 'download';
  if (
    download &&
    (!ctx.downloadsEnabled() || !session.allowDownloads || track.allowDownload === false)
  ) {
    return json(res, 403, { error: 'downloads are not allowed' });
  }
  pipeThroughPeer(ctx, session, track, download, res);
}

function pipeThroughPeer(
  ctx: HttpContext,
  session: HubSession,
  track: { id: string; title: string; fileSizeBytes: number; mimeType?: string },
  download: boolean,
  res: http.ServerResponse,
): void {
  const requestId = randomUUID();
  let started = false;
  let finished = false;
  const start = () => {
    if (started) return;
    started = true;
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': track.mimeType || 'audio/mpeg',
      'Content-Length': String(track.fileSizeBytes),
    };
    if (download)
      headers['Content-Disposition'] = `attachment; filename="${encodeURIComponent(track.title)}"`;
    res.writeHead(200, headers);
  };
  ctx.pending.set(requestId, {
    sessionId: session.id,
    nextSeq: 0,
    write(bytes) {
      start();
      res.write(bytes); // no backpressure, like the real server: it buffers whatever arrives
    },
    end() {
      finished = true;
      start();
      res.end();
    },
    fail(message) {
      finished = true;
      if (!started) json(res, 500, { error: message });
      else res.destroy(); // after data, an error can only truncate the response
    },
  });
  res.on('close', () => {
    if (finished || !ctx.pending.has(requestId)) return;
    ctx.pending.delete(requestId);
    if (session.ws.readyState === session.ws.OPEN) {
      session.ws.send(JSON.stringify({ type: 'cancel_request', requestId }));
    }
  });
  session.ws.send(
    JSON.stringify({
      type: download ? 'download_request' : 'stream_request',
      requestId,
      trackId: track.id,
    }),
  );
}

function login(ctx: HttpContext, req: http.IncomingMessage, res: http.ServerResponse): void {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    let body: { username?: unknown; password?: unknown } = {};
    try {
      body = JSON.parse(Buffer.concat(parts).toString('utf8')) as typeof body;
    } catch {
      return json(res, 400, { error: 'invalid JSON' });
    }
    const username = String(body.username ?? '');
    if (!(username in ctx.users) || ctx.users[username] !== body.password) {
      return json(res, 401, { error: 'Invalid credentials' });
    }
    let token = [...ctx.tokens].find(([, a]) => a.username === username)?.[0];
    if (!token) {
      token = `tc_${randomBytes(16).toString('hex')}`;
      ctx.tokens.set(token, { username });
    }
    json(res, 200, { token, user: { username } });
  });
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
