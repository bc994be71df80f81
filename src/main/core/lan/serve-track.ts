/**
 * Answers GET and HEAD for one resolved track: validators, preconditions, one byte range, and a
 * body read in chunks from a handle that is checked against the published version all along.
 */
import { fstatSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FileHandle } from 'node:fs/promises';
import { openPublished, readFully } from '../transfers/file-source';
import { evaluatePreconditions, strongEtag } from './conditions';
import { parseRange } from './range';

/** A published track as the LAN server serves it (the library's entry, resolved by id). */
export interface LanTrack {
  id: string;
  path: string;
  size: number;
  mtimeMs: number;
  mimeType: string;
}

/** Knobs of the body loop. */
export interface ServeOptions {
  /** Most bytes in one 206 body; the client asks for the rest with its next range. */
  maxRangeBytes: number;
  /** Bytes per read. */
  chunkSize: number;
  /** The file on disk is not the published version any more (the library should look again). */
  onStale: (id: string) => void;
}

/** Headers on every answer about a track, so caches and sniffers treat it the same way. */
function baseHeaders(res: ServerResponse): void {
  res.setHeader('Accept-Ranges', 'bytes');
  // Chromium keeps ranges in its cache and revalidates them with If-Range (LAN notes 1.2).
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

/** A short plain-text answer (errors, 304/412/416). */
export function sendText(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (status === 304) return void res.end();
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text) + 1);
  res.end(`${text}\n`);
}

/**
 * Serves `track` for `req` on `res`. The file is opened and checked (size and mtime as published)
 * before any header goes out, so a stale file gets 404, not a broken 200. While the body flows,
 * each chunk is sent only after an fstat shows the file still unchanged: a file that changes
 * mid-response ends the response (the socket is destroyed), so no client ever holds bytes of two
 * versions. The handle closes as soon as the response ends, completes or is abandoned.
 */
export async function serveTrack(
  req: IncomingMessage,
  res: ServerResponse,
  track: LanTrack,
  opts: ServeOptions,
): Promise<void> {
  const etag = strongEtag(track.id, track.mtimeMs);
  const lastModified = Math.floor(track.mtimeMs / 1000) * 1000;
  const isGet = req.method === 'GET';
  // Range is defined for GET only (RFC 9110 14.2): HEAD describes the whole representation.
  const range = isGet ? parseRange(req.headers.range, track.size) : { kind: 'none' as const };
  baseHeaders(res);
  res.setHeader('ETag', etag);
  res.setHeader('Last-Modified', new Date(lastModified).toUTCString());
  const pre = evaluatePreconditions(req.headers, { etag, lastModified }, range.kind !== 'none');
  if (pre.status !== 'ok') {
    return sendText(res, pre.status, pre.status === 412 ? 'Precondition failed' : '');
  }
  const useRange = pre.honourRange ? range : { kind: 'none' as const };
  if (useRange.kind === 'unsatisfiable') {
    res.setHeader('Content-Range', `bytes */${track.size}`);
    return sendText(res, 416, 'Range not satisfiable');
  }
  const opened = await openPublished({ ...track, title: '', allowDownload: true });
  if (!opened.ok) {
    if (opened.stale) opts.onStale(track.id);
    res.removeHeader('ETag');
    res.removeHeader('Last-Modified');
    return sendText(res, opened.stale ? 404 : 503, opened.message);
  }
  const handle = opened.handle;
  let start = 0;
  let end = track.size - 1;
  if (useRange.kind === 'range') {
    start = useRange.start;
    // The cap frees a keep-alive connection for the player's next range. A client that closes
    // the connection after this answer (FFmpeg and mpv send `Connection: close`) reads a capped
    // body as the end of the file, since it cannot ask again on the same connection: real FFmpeg
    // stopped playing at 8 MiB. It gets the range it asked for, and drops it by hanging up.
    end = closesAfter(req) ? useRange.end : Math.min(useRange.end, start + opts.maxRangeBytes - 1);
    res.statusCode = 206;
    res.setHeader('Content-Range', `bytes ${start}-${end}/${track.size}`);
  } else {
    res.statusCode = 200;
  }
  res.setHeader('Content-Type', track.mimeType);
  res.setHeader('Content-Length', end - start + 1);
  if (!isGet || end < start) {
    await handle.close();
    return void res.end();
  }
  await pump(handle, res, start, end, track, opts);
}

/** The client closes the connection after this response (HTTP/1.1 `close`, or 1.0 without keep-alive). */
function closesAfter(req: IncomingMessage): boolean {
  const tokens = (req.headers.connection ?? '')
    .toLowerCase()
    .split(',')
    .map((t) => t.trim());
  if (tokens.includes('close')) return true;
  return req.httpVersion === '1.0' && !tokens.includes('keep-alive');
}

/** Writes `start..end` of the open file to `res`, honouring backpressure; always closes `handle`. */
async function pump(
  handle: FileHandle,
  res: ServerResponse,
  start: number,
  end: number,
  track: LanTrack,
  opts: ServeOptions,
): Promise<void> {
  // A client that hung up while the file was being opened has already fired 'close'.
  let gone = res.destroyed;
  const onClose = () => (gone = true);
  res.once('close', onClose);
  const mtime = Math.floor(track.mtimeMs);
  try {
    for (let pos = start; pos <= end && !gone;) {
      // A fresh buffer per chunk: res.write keeps a reference until the socket has taken it.
      const buf = Buffer.allocUnsafe(Math.min(opts.chunkSize, end - pos + 1));
      const got = await readFully(handle, buf, pos);
      if (gone) break;
      // After the read: a writer changes the mtime before its bytes land, so a read that saw new
      // bytes is always followed by an fstat that sees the new stamp.
      const st = fstatSync(handle.fd);
      if (got < buf.length || st.size !== track.size || Math.floor(st.mtimeMs) !== mtime) {
        opts.onStale(track.id);
        res.destroy();
        break;
      }
      pos += got;
      if (!res.write(buf) && !gone) await drained(res);
    }
    if (!gone && !res.destroyed) res.end();
  } catch {
    res.destroy();
  } finally {
    res.off('close', onClose);
    await handle.close().catch(() => undefined);
  }
}

/** Resolves when `res` can take more, or is gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    // 'close' fires once: a response destroyed before we listen would leave us (and the file
    // handle) waiting forever.
    if (res.destroyed || !res.writableNeedDrain) return resolve();
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
