import type { FileStamp, ParsedTrack } from './read-track';

/**
 * One audio file in the index: where it is, its version stamp (`size` is the exact byte count,
 * the listener's Content-Length) and what gets published (`id` is the content fingerprint).
 */
export interface LibraryEntry extends ParsedTrack, FileStamp {
  /** Absolute path. */
  path: string;
  /**
   * The shared root it was found under, as the user gave it (after `path.resolve`). The path
   * relative to it is derived when needed (`relPathOf`) rather than stored: on a big library a
   * second path string per file is megabytes.
   */
  root: string;
}

/** Counters of a running or finished scan of one root. */
export interface ScanProgress {
  found: number;
  parsed: number;
  skipped: number;
  done: boolean;
}

/** What changed in the index; `moved` pairs a removal and an addition with the same id. */
export interface LibraryDelta {
  added: LibraryEntry[];
  changed: LibraryEntry[];
  removed: LibraryEntry[];
  moved: { entry: LibraryEntry; from: string }[];
}
