/**
 * The listening room's data saver: an AAC rendition of a queued track as a VOD HLS playlist of
 * ~6 s MPEG-TS segments, made with the host's ffmpeg on first request and kept in
 * `<dir>/<track id>/` (the track id is the content id; the file's size and mtime are kept beside
 * it, and a rendition of another version of the file is made again). Concurrent first requests
 * share one ffmpeg run. The folder is bounded: after each new rendition the least recently used
 * others go until the total fits. A source ffmpeg cannot read fails with its reason, remembered
 * for that version of the file, so it is not run again on every request.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { silentLogger, type Logger } from '../../logger';
import type { LanTrack } from '../serve-track';

/** Target segment length, s (ffmpeg cuts at the AAC frame nearest after it). */
export const SEGMENT_SECONDS = 6;
export const PLAYLIST = 'index.m3u8';
/** A segment's file name, as ffmpeg writes it (seg000.ts …). */
export const SEGMENT_NAME = /^seg\d{3,5}\.ts$/;
/**
 * The AAC encoder's priming, in samples at the output rate. Chromium plays it (measured: every
 * HLS sound came 1024 samples late against its currentTime, for MPEG-TS and fMP4 alike), so that
 * much is cut from the start of the input: the rendition's sample at time t is the original's.
 */
const AAC_PRIMING = 1024;
const RATE = 44_100;
const SOURCE_FILE = 'source.json';
const ID = /^[0-9a-f]{32}$/;

export interface HlsCacheOptions {
  /** The cache folder (the state folder's `hls/`). */
  dir: string;
  /** The ffmpeg binary (ffmpeg.ts finds it). */
  ffmpeg: string;
  /** The folder's size bound, bytes (default 512 MiB: about 12 hours at 96 kbit/s). */
  maxBytes?: number;
  /** One ffmpeg run's limit (default 10 min). */
  timeoutMs?: number;
  /** AAC bit rate (default 96k). */
  bitrate?: string;
  log?: Logger;
}

/** Makes, keeps and bounds the renditions; one per room host. */
export class HlsCache {
  private readonly o: Required<HlsCacheOptions>;
  private readonly pending = new Map<string, Promise<string>>();
  private readonly failed = new Map<string, string>();
  /** Leftovers of a run cut short (a crash) are removed once, before the first new one. */
  private swept: Promise<void> | null = null;
  /** ffmpeg runs started (tests: a cached rendition starts none). */
  runs = 0;

  constructor(opts: HlsCacheOptions) {
    this.o = {
      maxBytes: 512 << 20,
      timeoutMs: 10 * 60_000,
      bitrate: '96k',
      log: silentLogger,
      ...opts,
    };
  }

  /**
   * The folder holding `track`'s rendition (`index.m3u8` and its segments), made first if needed.
   * Rejects with an Error whose message says why there is none.
   */
  rendition(track: LanTrack): Promise<string> {
    if (!ID.test(track.id)) return Promise.reject(new Error('Not a track id'));
    const stamp = `${track.size}:${track.mtimeMs}`;
    const failure = this.failed.get(track.id);
    if (failure?.startsWith(`${stamp} `))
      return Promise.reject(new Error(failure.slice(stamp.length + 1)));
    let made = this.pending.get(track.id);
    if (!made) {
      made = this.ensure(track, stamp).finally(() => this.pending.delete(track.id));
      this.pending.set(track.id, made);
    }
    return made;
  }

  private async ensure(track: LanTrack, stamp: string): Promise<string> {
    const dir = path.join(this.o.dir, track.id);
    const saved = await readFile(path.join(dir, SOURCE_FILE), 'utf8').catch(() => '');
    if (saved === stamp) {
      // Recently used: the last to go when the folder is over its bound.
      const now = new Date();
      await utimes(path.join(dir, SOURCE_FILE), now, now).catch(() => undefined);
      return dir;
    }
    const before = await stat(track.path);
    if (`${before.size}:${before.mtimeMs}` !== stamp)
      throw new Error('The file changed on disk since it was shared');
    await (this.swept ??= this.sweep());
    const tmp = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
    await mkdir(tmp);
    try {
      await this.transcode(track.path, tmp);
      const after = await stat(track.path);
      if (`${after.size}:${after.mtimeMs}` !== stamp)
        throw new Error('The file changed while its data-saver rendition was made');
      await writeFile(path.join(tmp, SOURCE_FILE), stamp);
      await rm(dir, { recursive: true, force: true });
      await rename(tmp, dir);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      const message = (err as Error).message;
      if ((err as { ffmpeg?: boolean }).ffmpeg) this.failed.set(track.id, `${stamp} ${message}`);
      this.o.log.warn(`Data saver for ${track.path}: ${message}`);
      throw err;
    }
    await this.evict(track.id).catch((err: Error) =>
      this.o.log.warn(`Data-saver cache: ${err.message}`),
    );
    return dir;
  }

  /** Runs ffmpeg on `input` into folder `out`; rejects with its reason. */
  private transcode(input: string, out: string): Promise<void> {
    this.runs++;
    const args = [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', input],
      ...['-vn', '-map', '0:a:0', '-af', `aresample=${RATE},atrim=start_sample=${AAC_PRIMING}`],
      ...['-ac', '2', '-c:a', 'aac', '-b:a', this.o.bitrate],
      ...['-f', 'hls', '-hls_time', String(SEGMENT_SECONDS), '-hls_playlist_type', 'vod'],
      ...['-hls_segment_type', 'mpegts', '-hls_segment_filename', path.join(out, 'seg%03d.ts')],
      path.join(out, PLAYLIST),
    ];
    return new Promise((resolve, reject) => {
      const child = spawn(this.o.ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (s: string) => (stderr = (stderr + s).slice(-4000)));
      const timer = setTimeout(() => child.kill('SIGKILL'), this.o.timeoutMs);
      const fail = (why: string) => {
        const lines = stderr.trim().split('\n').filter(Boolean);
        // ffmpeg's last words name the file and the reason; the path is the host's business.
        const said = (lines.at(-1) ?? '').replaceAll(input, 'the file').trim();
        const err = new Error(
          `ffmpeg could not make the data-saver rendition (${why})${said ? `: ${said}` : ''}`,
        );
        reject(Object.assign(err, { ffmpeg: true }));
      };
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`ffmpeg could not be started: ${err.message}`));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else fail(signal ? `killed by ${signal}` : `exit code ${code}`);
      });
    });
  }

  private async sweep(): Promise<void> {
    await mkdir(this.o.dir, { recursive: true });
    for (const name of await readdir(this.o.dir))
      if (name.includes('.tmp-'))
        await rm(path.join(this.o.dir, name), { recursive: true, force: true });
  }

  /** Removes the least recently used renditions until the folder fits (never `keep`). */
  private async evict(keep: string): Promise<void> {
    const found: { id: string; bytes: number; used: number }[] = [];
    for (const name of await readdir(this.o.dir)) {
      if (!ID.test(name)) continue;
      const dir = path.join(this.o.dir, name);
      const files = await readdir(dir).catch(() => [] as string[]);
      let bytes = 0;
      for (const f of files) bytes += (await stat(path.join(dir, f)).catch(() => null))?.size ?? 0;
      const used = (await stat(path.join(dir, SOURCE_FILE)).catch(() => null))?.mtimeMs ?? 0;
      found.push({ id: name, bytes, used });
    }
    let total = found.reduce((s, f) => s + f.bytes, 0);
    for (const f of found.sort((a, b) => a.used - b.used)) {
      if (total <= this.o.maxBytes) break;
      if (f.id === keep || this.pending.has(f.id)) continue;
      await rm(path.join(this.o.dir, f.id), { recursive: true, force: true });
      total -= f.bytes;
    }
  }
}
