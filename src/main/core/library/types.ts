/** One audio file in the index: where it is, its version stamp and what gets published. */
export interface LibraryEntry {
  /** Content fingerprint (32 lowercase hex): the manifest id. */
  id: string;
  /** Absolute path. */
  path: string;
  /** The shared root it was found under, as the user gave it (after `path.resolve`). */
  root: string;
  /** Relative to `root`, `/` separators. */
  relPath: string;
  /** Exact size in bytes (the listener's Content-Length). */
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
  /** Never empty: falls back to the file name. */
  title: string;
  artist?: string;
  album?: string;
  /** Seconds, finite and > 0 when present. */
  duration?: number;
  mimeType: string;
  format: string;
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
