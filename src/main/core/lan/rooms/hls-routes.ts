/**
 * `GET|HEAD /room/<id>/hls/<track>/index.m3u8` and `…/seg000.ts`: the data-saver rendition of a
 * queued track (hls-cache.ts), for a holder of the room's cookie only, as the room's audio is.
 * The first request of a track waits for ffmpeg; the files then go out like the originals (one
 * range, validators). Without ffmpeg there are no such routes (404).
 */
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { sendText, serveTrack } from '../serve-track';
import { findFfmpeg } from './ffmpeg';
import { HlsCache, PLAYLIST, SEGMENT_NAME } from './hls-cache';
import type { RoomTrack } from './room-types';

/** The room path's tail for a rendition's file: `hls/<track>/<file>`. */
export const HLS_PATH = String.raw`hls\/([0-9a-f]{32})\/(index\.m3u8|seg\d{3,5}\.ts)`;

export const HLS_TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
};

/** A room host's data saver: the cache when there is an ffmpeg, else why not. */
export type DataSaver = { cache: HlsCache } | { missing: string };

/** The data saver for a cache in `dir`, with the ffmpeg `findFfmpeg` finds (or none). */
export function dataSaverIn(dir: string, env: NodeJS.ProcessEnv = process.env): DataSaver {
  const found = findFfmpeg(env);
  return 'path' in found ? { cache: new HlsCache({ dir, ffmpeg: found.path }) } : found;
}

/** What the window says about the data saver. */
export function dataSaverNote(saver: DataSaver | undefined): string {
  if (!saver) return 'Data saver is off here: listeners get the original files.';
  if ('missing' in saver) return saver.missing;
  return 'Data saver is available: listeners may pick an AAC rendition (96 kbit/s, HLS) made with ffmpeg on first use; pages on a connection that keeps running dry switch to it themselves.';
}

/** Answers a rendition file of `track` (already checked against the room's queue and cookie). */
export async function serveHls(
  req: IncomingMessage,
  res: ServerResponse,
  track: RoomTrack,
  file: string,
  cache: HlsCache,
  opts: { maxRangeBytes: number; chunkSize: number },
): Promise<void> {
  if (file !== PLAYLIST && !SEGMENT_NAME.test(file)) return sendText(res, 404, 'No such file');
  let dir: string;
  try {
    dir = await cache.rendition(track);
  } catch (err) {
    return sendText(
      res,
      500,
      `Data saver is unavailable for this track: ${(err as Error).message}`,
    );
  }
  const full = path.join(dir, file);
  const st = await stat(full).catch(() => null);
  if (!st?.isFile()) return sendText(res, 404, 'No such segment');
  await serveTrack(
    req,
    res,
    {
      id: `${track.id}/${file}`,
      path: full,
      size: st.size,
      mtimeMs: st.mtimeMs,
      mimeType: HLS_TYPES[file.split('.').pop()!]!,
    },
    { ...opts, onStale: () => undefined },
  );
}
