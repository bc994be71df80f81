import { stat } from 'node:fs/promises';
import { fileKindOf, VIDEO_REASON } from './file-kinds';
import type { TrackReader } from './parse-types';
import type { ReadGate } from './shared-gate';
import { NOT_A_FILE, readTrack, retitle } from './read-track';
import type { FileStamp, ParsedTrack } from './read-track';
import { smallInt, type ScanCache } from './scan-cache';
import type { LibraryEntry } from './types';
import { describeFsError } from '../fs/fs-errors';
import { withTimeout } from '../fs/with-timeout';

/** What one file turned out to be: an entry to publish, a skip with a reason, or gone from disk. */
export type Outcome =
  { kind: 'entry'; entry: LibraryEntry } | { kind: 'skip'; reason: string } | { kind: 'gone' };

/** How `examineFile` reads and remembers. */
export interface ExamineDeps {
  cache: ScanCache;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called each time a file is actually read and parsed (not served from the cache). */
  onParse?: (path: string) => void;
  /** The parser's own message when a file failed or was salvaged: for the log file only. */
  onDetail?: (path: string, detail: string) => void;
  /** Reads a file that the cache cannot answer for (default: `readTrack` on this thread). */
  read?: TrackReader;
  /** Limits the files read at once from the folder's medium (see `fs/media.ts`). */
  gate?: ReadGate;
  /**
   * The cache holds no file of this device, so a file without a record at its own path cannot be
   * one it knows under another (moved or renamed): such a file goes to the reader unstatted, and
   * the reader stats it (a parse thread does so synchronously, without the thread pool's round
   * trip: a tenth of a cold scan's CPU went into those stats).
   */
  readerStats?: boolean;
}

/**
 * Build the index entry for a parsed track at a place on disk (pure). Every field is set, the
 * optional ones to undefined when absent: one hidden class for all entries and no overflow
 * property store (about 60 bytes per entry when fields were added afterwards).
 */
export function makeEntry(
  file: { path: string },
  root: string,
  stamp: FileStamp,
  track: ParsedTrack,
): LibraryEntry {
  return {
    id: track.id,
    path: file.path,
    root,
    size: smallInt(stamp.size),
    mtimeMs: stamp.mtimeMs,
    dev: smallInt(stamp.dev),
    ino: smallInt(stamp.ino),
    title: track.title,
    artist: track.artist,
    album: track.album,
    duration: track.duration,
    mimeType: track.mimeType,
    format: track.format,
    note: track.note,
  };
}

/**
 * Examine one audio file: answer from the cache when its size and mtime are unchanged (or it is a
 * known inode under a new path), else read id and tags and store the result (including a skip
 * reason, so a broken file is not re-parsed on every start). Never rejects.
 */
export async function examineFile(
  file: { path: string },
  root: string,
  deps: ExamineDeps,
): Promise<Outcome> {
  // A video format the tag reader cannot open: its name says enough.
  if (fileKindOf(file.path).kind === 'video') return { kind: 'skip', reason: VIDEO_REASON };
  if (deps.readerStats && deps.cache.get(file.path) === undefined) {
    return readAndRemember(file, root, deps);
  }
  let stamp: FileStamp;
  try {
    const s = await withTimeout(stat(file.path), deps.timeoutMs);
    if (!s.isFile()) return { kind: 'gone' };
    stamp = { size: s.size, mtimeMs: s.mtimeMs, dev: s.dev, ino: s.ino };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'gone' };
    return { kind: 'skip', reason: `could not read file: ${describeFsError(err)}` };
  }
  const hit = deps.cache.lookup(file.path, stamp);
  if (hit) {
    let track = hit.track;
    if (deps.cache.get(file.path) !== hit) {
      // Found under another path: a rename or move, not re-read.
      const from = deps.cache.pathOf(stamp);
      if (track && from !== undefined) track = retitle(track, from, file.path);
      track = deps.cache.set(file.path, { ...stamp, track, skip: hit.skip }).track;
    }
    if (track) return { kind: 'entry', entry: makeEntry(file, root, stamp, track) };
    return { kind: 'skip', reason: hit.skip ?? 'skipped' };
  }
  return readAndRemember(file, root, deps, stamp);
}

/** Read a file's id and tags (`stamp`: the caller's fresh one, else the reader stats) and cache the outcome. */
async function readAndRemember(
  file: { path: string },
  root: string,
  deps: ExamineDeps,
  stamp?: FileStamp,
): Promise<Outcome> {
  deps.onParse?.(file.path);
  const read = deps.read ?? readTrack;
  const res = await read(file.path, {
    timeoutMs: deps.timeoutMs,
    signal: deps.signal,
    stamp,
    gate: deps.gate,
  });
  if (deps.signal?.aborted) return { kind: 'skip', reason: 'scan cancelled' };
  if (res.detail) deps.onDetail?.(file.path, res.detail);
  if (res.ok) {
    const stored = deps.cache.set(file.path, { ...res.stamp, track: res.track });
    return { kind: 'entry', entry: makeEntry(file, root, stored, stored.track ?? res.track) };
  }
  // Deleted between the stat and the read: not a skip, just gone.
  if (res.reason.endsWith('it no longer exists') || res.reason === NOT_A_FILE)
    return { kind: 'gone' };
  if (!res.stamp) return { kind: 'skip', reason: res.reason };
  // A timeout may be a slow disk rather than a bad file: do not remember it, try again next scan.
  if (!res.reason.startsWith('timed out'))
    deps.cache.set(file.path, { ...res.stamp, skip: res.reason });
  return { kind: 'skip', reason: res.reason };
}
