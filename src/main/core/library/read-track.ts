import { closeSync, constants, openSync, readSync, statSync, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type * as MusicMetadata from 'music-metadata';
import type { IAudioMetadata, IOptions } from 'music-metadata';
import * as strtok3 from 'strtok3';
import { fromFile } from './file-tokenizer';
import type { ITokenizer } from 'strtok3';
import { idFromBuffer, idFromTokenizer } from './fingerprint';
import { mayHoldVideo, VIDEO_REASON } from './file-kinds';
import { formatOf } from './browser-play';
import { audioFormatOf } from './mime';
import { labelOf, salvage } from './salvage';
import { undeclaredTextRepair } from './tag-text';
import type { ScratchBuffers } from './scratch-buffers';
import { describeFsError } from '../fs/fs-errors';
import { formatDuration } from '../fs/with-timeout';

/** What we learn from one audio file: its id and the manifest fields. */
export interface ParsedTrack {
  id: string;
  title: string;
  artist?: string;
  album?: string;
  /** Seconds, finite and > 0 when present. */
  duration?: number;
  mimeType: string;
  /** The format label (`browser-play.ts`): from the codec found, which decides browser playback. */
  format: string;
  /** Published despite damage: which tag was ignored, for the window's list (absent normally). */
  note?: string;
}

/** A place to read one file from a medium that limits reads in flight (`shared-gate.ts`). */
export interface ReadSlot {
  acquire(): Promise<void>;
  release(): void;
}

/** The identity of a file version on disk, as the cache compares it. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
}

/**
 * Outcome of reading one file: a track, or a reason the user can read. `stamp` is absent if it
 * could not be opened; `detail` is the parser's own message, for the log file only.
 */
export type ReadResult =
  | { ok: true; track: ParsedTrack; stamp: FileStamp; detail?: string }
  | { ok: false; reason: string; stamp?: FileStamp; detail?: string };

const OPEN_FLAGS = process.platform === 'win32' ? 'r' : constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * music-metadata, loaded on the first file: the main thread of a daemon whose parse threads run
 * never needs it, and loading it costs ~0.15 s of every start before the first track.
 */
let musicMetadata: Promise<typeof MusicMetadata> | null = null;
const defaultParse = async (t: ITokenizer): Promise<IAudioMetadata> =>
  (await (musicMetadata ??= import('music-metadata'))).parseFromTokenizer(t, { ...PARSE_OPTIONS });

/** Reads tags from a tokenizer; music-metadata by default, replaceable in tests (e.g. one that hangs). */
export type TagParser = (tokenizer: ITokenizer) => Promise<IAudioMetadata>;

/** The reason given for a path that is not a regular file (a folder, a FIFO) when it is read. */
export const NOT_A_FILE = 'not a regular file';

/** Files below this size are read into memory once (id and tags from the same read). */
export const IN_MEMORY_LIMIT = 1024 * 1024;

/** Default per-file limit for reading tags. */
export const DEFAULT_PARSE_TIMEOUT_MS = 10_000;

const PARSE_OPTIONS: IOptions = { skipCovers: true, duration: false, skipPostHeaders: false };

/** Title from the file name when the tags have none: "01 Song.flac" becomes "01 Song". */
export function titleFromFileName(filePath: string): string {
  const base = path.basename(filePath);
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  return stem.trim() || base;
}

/**
 * The track as found under a new path (rename or move): a title that was the old file name follows
 * the new one; tag titles stay (pure).
 */
export function retitle(track: ParsedTrack, from: string, to: string): ParsedTrack {
  const old = titleFromFileName(from);
  return track.title === old ? { ...track, title: titleFromFileName(to) } : track;
}

const clean = (v: unknown): string | undefined => {
  if (typeof v !== 'string') return undefined;
  // Strip control characters some taggers leave in; the server stores these strings as is.
  // eslint-disable-next-line no-control-regex
  const s = v.replace(/[\u0000-\u001f]+/g, ' ').trim();
  return s === '' ? undefined : s;
};

/** Map music-metadata's result onto our fields (pure). */
export function toParsedTrack(filePath: string, id: string, meta: IAudioMetadata): ParsedTrack {
  const fmt = audioFormatOf(filePath) ?? {
    format: 'unknown',
    mimeType: 'application/octet-stream',
  };
  const c = meta.common;
  // RIFF INFO, ID3v1 and AIFF text declare no encoding: UTF-8 when valid, else Windows-1252.
  const fix = undeclaredTextRepair(meta.native);
  const artist =
    clean(fix(c.artist)) ??
    clean(fix(c.albumartist)) ??
    clean(c.artists?.map((a) => fix(a)).join(', '));
  const album = clean(fix(c.album));
  const d = meta.format.duration;
  const track: ParsedTrack = {
    id,
    title: clean(fix(c.title)) ?? titleFromFileName(filePath),
    mimeType: fmt.mimeType,
    format: formatOf(filePath, meta.format),
  };
  if (artist) track.artist = artist;
  if (album) track.album = album;
  if (typeof d === 'number' && Number.isFinite(d) && d > 0)
    track.duration = Math.round(d * 1000) / 1000 || d; // keep sub-millisecond clips > 0
  return track;
}

/**
 * Read one audio file: stamp, content id and tags, within `timeoutMs` (default 10 s). Never rejects:
 * a file that cannot be opened, hangs, or does not parse becomes `{ ok: false, reason }`. `signal`
 * (the scan's) aborts the read early; the result is then a skip the caller should discard. `stamp`
 * is the caller's fresh stat of the file (saves a syscall per file on large scans). `scratch` lends
 * reusable buffers for small files (a buffer is given back only after its parse has settled).
 * `syncReads` stats and reads small files without the thread pool: only for threads that do nothing
 * else (and only without a `signal`: a synchronous read cannot be aborted). `slot` is held while
 * the file is read: a small file's until its bytes are in memory, a large one's until its tags are
 * read (they are read while parsing).
 */
export async function readTrack(
  filePath: string,
  opts: {
    timeoutMs?: number;
    signal?: AbortSignal;
    parse?: TagParser;
    stamp?: FileStamp;
    scratch?: ScratchBuffers;
    syncReads?: boolean;
    slot?: ReadSlot;
  } = {},
): Promise<ReadResult> {
  // A fresh options object per file: music-metadata writes the APE footer it found into the options
  // (`apeHeader`), so a shared object lets concurrent parses read each other's tag offsets.
  const parse = opts.parse ?? defaultParse;
  if (opts.syncReads && !opts.signal) {
    // A parse thread: stat and small reads are synchronous, so a small file never waits on I/O.
    // Its parse runs from memory, where a timer could not interrupt anything, so it goes without
    // the abort controller, listeners and timer of the path below (about 5 % of a thread's CPU);
    // the pool's hard per-file limit still ends a parse that never returns.
    const stamp = opts.stamp ?? statFileSync(filePath);
    if (typeof stamp === 'string') return { ok: false, reason: stamp };
    if (stamp.size === 0) return { ok: false, reason: 'empty file', stamp };
    if (stamp.size <= IN_MEMORY_LIMIT)
      return readSmallSync(filePath, stamp, parse, opts.scratch, opts.slot);
    opts = { ...opts, stamp }; // a large file: read through the tokenizer below, with its limit
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS;
  const ac = new AbortController();
  const signal = ac.signal;
  // A plain listener rather than AbortSignal.any: one per file on a long scan, removed when done.
  const onParentAbort = () => ac.abort(opts.signal?.reason);
  if (opts.signal?.aborted) onParentAbort();
  opts.signal?.addEventListener('abort', onParentAbort, { once: true });
  let stamp: FileStamp | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<ReadResult>((resolve) => {
    timer = setTimeout(() => {
      ac.abort(new Error('timeout'));
      resolve({
        ok: false,
        reason: `timed out reading tags after ${formatDuration(timeoutMs)}`,
        stamp,
      });
    }, timeoutMs);
  });
  const work = async (): Promise<ReadResult> => {
    const slot = opts.slot;
    if (!slot) return readHere();
    await slot.acquire();
    try {
      return await readHere();
    } finally {
      slot.release();
    }
  };
  const readHere = async (): Promise<ReadResult> => {
    const known = opts.stamp ?? (await statFile(filePath));
    if (typeof known === 'string') return { ok: false, reason: known };
    stamp = known;
    const size = stamp.size;
    if (size === 0) return { ok: false, reason: 'empty file', stamp };
    let id: string;
    let tokenizer: ITokenizer;
    let lent: Buffer | undefined;
    const fileInfo = { path: filePath, size };
    try {
      if (size <= IN_MEMORY_LIMIT || !fromFile) {
        // One read serves both the id and the tags.
        lent = opts.scratch?.take(size);
        const buf = await readWhole(filePath, size, lent);
        id = idFromBuffer(buf);
        tokenizer = strtok3.fromBuffer(buf, { fileInfo, abortSignal: signal });
      } else {
        // regularFileOnly: opens non-blocking, so a FIFO named like a song cannot stall a libuv thread.
        const t = await fromFile(filePath, {
          fileInfo,
          abortSignal: signal,
          regularFileOnly: true,
        });
        try {
          if (t.fileInfo.size !== size) throw new FileChangedError();
          id = await idFromTokenizer(t, size);
        } catch (err) {
          await t.close().catch(() => undefined);
          throw err;
        }
        tokenizer = t;
      }
    } catch (err) {
      if (lent) opts.scratch?.give(lent);
      if (err instanceof FileChangedError) return { ok: false, reason: err.message, stamp };
      return { ok: false, reason: `could not read file: ${describeFsError(err)}`, stamp };
    }
    try {
      return await parseTags(filePath, id, stamp, tokenizer, parse);
    } finally {
      // Only once the parser is done with it (a timed-out parse gets here late, or never).
      if (lent) opts.scratch?.give(lent);
    }
  };
  try {
    return await Promise.race([work(), timedOut]);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onParentAbort);
  }
}

/** The stamp of a regular file, or why it cannot be read (a string). */
function stampOf(s: Stats): FileStamp | string {
  return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs, dev: s.dev, ino: s.ino } : NOT_A_FILE;
}

const cannotOpen = (err: unknown) => `could not open file: ${describeFsError(err)}`;

/** `stampOf` the file, synchronously: for parse threads (no thread-pool round trip). */
function statFileSync(filePath: string): FileStamp | string {
  try {
    return stampOf(statSync(filePath));
  } catch (err) {
    return cannotOpen(err);
  }
}

/** `stampOf` the file. */
async function statFile(filePath: string): Promise<FileStamp | string> {
  try {
    return stampOf(await stat(filePath));
  } catch (err) {
    return cannotOpen(err);
  }
}

/** Id and tags of a small file read whole and synchronously (parse threads; see readTrack). */
async function readSmallSync(
  filePath: string,
  stamp: FileStamp,
  parse: TagParser,
  scratch?: ScratchBuffers,
  slot?: ReadSlot,
): Promise<ReadResult> {
  const lent = scratch?.take(stamp.size);
  try {
    let buf: Buffer;
    await slot?.acquire();
    try {
      buf = readWholeSync(filePath, stamp.size, lent);
    } catch (err) {
      if (err instanceof FileChangedError) return { ok: false, reason: err.message, stamp };
      return { ok: false, reason: `could not read file: ${describeFsError(err)}`, stamp };
    } finally {
      slot?.release();
    }
    const tokenizer = strtok3.fromBuffer(buf, { fileInfo: { path: filePath, size: stamp.size } });
    return await parseTags(filePath, idFromBuffer(buf), stamp, tokenizer, parse);
  } finally {
    if (lent) scratch?.give(lent);
  }
}

/**
 * Parse the tags behind `tokenizer` into a result, then close it. Never rejects. When the parser
 * fails or finds no audio, `salvage` probes the audio itself: a damaged tag never hides playable audio.
 */
async function parseTags(
  filePath: string,
  id: string,
  stamp: FileStamp,
  tokenizer: ITokenizer,
  parse: TagParser,
): Promise<ReadResult> {
  let meta: IAudioMetadata;
  try {
    meta = await parse(tokenizer);
  } catch (err) {
    await tokenizer.close().catch(() => undefined);
    return salvaged(filePath, id, stamp, err);
  }
  await tokenizer.close().catch(() => undefined);
  const f = meta.format;
  // The listener's player plays audio: a film or a music video is not published.
  if (f.hasVideo) return { ok: false, reason: VIDEO_REASON, stamp };
  if (f.hasAudio === false && mayHoldVideo(filePath)) {
    return { ok: false, reason: `no audio found in this ${labelOf(filePath)} file`, stamp };
  }
  // With an extension hint music-metadata "parses" any bytes; tags without a stream are not audio.
  if (!f.container && !f.codec) {
    const none = (f.tagTypes?.length ?? 0) > 0 ? 'holds tags but no audio' : undefined;
    return salvaged(filePath, id, stamp, undefined, none);
  }
  return { ok: true, track: toParsedTrack(filePath, id, meta), stamp };
}

/**
 * The result for a file the parser failed on (`err`) or found no audio in (undefined; `noAudio`
 * is then the reason when the probe finds none either).
 */
function salvaged(
  filePath: string,
  id: string,
  stamp: FileStamp,
  err: unknown,
  noAudio = `not a valid ${labelOf(filePath)} file (no audio found)`,
): ReadResult {
  const s = salvage(filePath, stamp.size, err, noAudio);
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : undefined;
  if ('reason' in s) return { ok: false, reason: s.reason, stamp, detail };
  const fmt = audioFormatOf(filePath);
  const track: ParsedTrack = {
    id,
    title: titleFromFileName(filePath),
    mimeType: fmt?.mimeType ?? 'application/octet-stream',
    format: s.format,
  };
  if (s.note) track.note = s.note;
  return { ok: true, track, stamp, detail };
}

class FileChangedError extends Error {
  constructor() {
    super('file changed while it was being read');
  }
}

/** Read exactly `size` bytes of a file into `into` or a new buffer (one read call in the common case). */
async function readWhole(filePath: string, size: number, into?: Buffer): Promise<Buffer> {
  const fh = await open(filePath, OPEN_FLAGS);
  try {
    // allocUnsafe: every byte is overwritten by the read (a short read is rejected below).
    const buf = into ?? Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await fh.read(buf, done, size - done, done);
      if (bytesRead === 0) throw new FileChangedError();
      done += bytesRead;
    }
    return buf;
  } finally {
    await fh.close();
  }
}

/**
 * readWhole without the thread pool, for parse worker threads: a small file in the page cache is
 * read in microseconds, and the round trips through libuv's pool cost more CPU than the read.
 * The worker's hard per-file limit still ends a read that hangs (a dead network mount).
 */
function readWholeSync(filePath: string, size: number, into?: Buffer): Buffer {
  const fd = openSync(filePath, OPEN_FLAGS);
  try {
    const buf = into ?? Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const n = readSync(fd, buf, done, size - done, done);
      if (n === 0) throw new FileChangedError();
      done += n;
    }
    return buf;
  } finally {
    closeSync(fd);
  }
}
