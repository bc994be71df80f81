/**
 * Client helpers for a LAN range server (ours, or any Cranpose-style peer), mirroring Cranpose's
 * `content_length`, `fetch_range` and `fetch_to_writer`. A server may end a 206 before the range
 * asked for (ours caps each body): these helpers then ask for the rest, pinned to the first
 * answer's ETag with If-Range, so a file that changes in between is an error, never a mix.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** How to reach the server: the Bearer token of this device, and an optional abort signal. */
export interface LanClientOptions {
  token?: string;
  signal?: AbortSignal;
}

/** A refusal or a broken answer, with the HTTP status when there was one. */
export class LanFetchError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Most bytes `fetchRange` holds in memory; larger ranges belong in `fetchToWriter`. */
export const MAX_MEMORY_RANGE = 64 * 1024 * 1024;

interface Part {
  res: Response;
  start: number;
  end: number;
  total: number;
  etag: string | null;
}

/** Asks for `bytes=start-[end]` and checks the answer is that range's beginning (as VLC does). */
async function requestPart(
  url: string,
  start: number,
  end: number | undefined,
  etag: string | null,
  o: LanClientOptions,
): Promise<Part> {
  const headers: Record<string, string> = { Range: `bytes=${start}-${end ?? ''}` };
  if (o.token) headers.Authorization = `Bearer ${o.token}`;
  if (etag) headers['If-Range'] = etag;
  const res = await fetch(url, { headers, signal: o.signal, redirect: 'error' });
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel();
    throw new LanFetchError(
      `Refused by the LAN server (${res.status}): the token is wrong or revoked`,
      res.status,
    );
  }
  if (res.status === 416) {
    await res.body?.cancel();
    const total = /^bytes \*\/(\d+)$/.exec(res.headers.get('content-range') ?? '')?.[1];
    throw new LanFetchError(`Range starts past the end (${total ?? '?'} bytes)`, 416);
  }
  if (res.status === 200) {
    await res.body?.cancel();
    const why = etag ? 'the file changed on the server' : 'the server ignored the range';
    throw new LanFetchError(`Got the whole file instead of a range: ${why}`, 200);
  }
  if (res.status !== 206) {
    await res.body?.cancel();
    throw new LanFetchError(`LAN server answered ${res.status}`, res.status);
  }
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(res.headers.get('content-range') ?? '');
  if (!m || Number(m[1]) !== start || Number(m[2]) < start) {
    await res.body?.cancel();
    throw new LanFetchError(`Content-Range does not start at ${start}`, 206);
  }
  return {
    res,
    start,
    end: Number(m[2]),
    total: Number(m[3]),
    etag: res.headers.get('etag'),
  };
}

/** Streams one part's body to `sink`; rejects when it ends short of its Content-Range. */
async function drain(part: Part, sink: (chunk: Uint8Array) => Promise<void> | void): Promise<void> {
  let got = 0;
  if (part.res.body) {
    for await (const chunk of part.res.body) {
      got += chunk.byteLength;
      await sink(chunk);
    }
  }
  if (got !== part.end - part.start + 1)
    throw new LanFetchError(`Body ended after ${got} of ${part.end - part.start + 1} bytes`, 206);
}

/** The size of the track at `url`, by a one-byte range probe (`bytes=0-0`). */
export async function contentLength(url: string, o: LanClientOptions = {}): Promise<number> {
  try {
    const part = await requestPart(url, 0, 0, null, o);
    await part.res.body?.cancel();
    return part.total;
  } catch (err) {
    // Only an empty file has no byte 0.
    if (err instanceof LanFetchError && err.status === 416 && /\(0 bytes\)/.test(err.message))
      return 0;
    throw err;
  }
}

/** Bytes `start..end` (inclusive) of the track at `url`, in memory (at most MAX_MEMORY_RANGE). */
export async function fetchRange(
  url: string,
  start: number,
  end: number,
  o: LanClientOptions = {},
): Promise<Buffer> {
  if (!(start >= 0 && end >= start && end - start < MAX_MEMORY_RANGE))
    throw new RangeError(`fetchRange: bad range ${start}-${end}`);
  const chunks: Uint8Array[] = [];
  let pos = start;
  let etag: string | null = null;
  while (pos <= end) {
    const part = await requestPart(url, pos, end, etag, o);
    etag ??= part.etag;
    await drain(part, (c) => void chunks.push(c));
    if (part.end >= part.total - 1) break;
    pos = part.end + 1;
  }
  return Buffer.concat(chunks);
}

/**
 * Streams the track at `url` from `start` to its end into `writer`, honouring its backpressure,
 * and resolves with the track's total size from `Content-Range` (Cranpose's `fetch_to_writer`).
 * The writer is not ended: the caller decides what completes a download.
 */
export async function fetchToWriter(
  url: string,
  start: number,
  writer: Writable,
  o: LanClientOptions = {},
): Promise<number> {
  let pos = start;
  let etag: string | null = null;
  for (;;) {
    const part = await requestPart(url, pos, undefined, etag, o);
    etag ??= part.etag;
    await drain(part, async (c) => {
      if (!writer.write(c)) await once(writer, 'drain', { signal: o.signal });
    });
    if (part.end >= part.total - 1) return part.total;
    pos = part.end + 1;
  }
}
