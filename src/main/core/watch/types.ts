/** The watcher's public types, apart from the class so that callers and fakes can import them alone. */
import type { Stats } from 'node:fs';
import type { ChokidarOptions } from 'chokidar';
import type { ExcludeFn } from './ignored';

/** A coalesced batch of changes under one shared root. */
export interface RootChanges {
  root: string;
  /** Absolute paths that were added, changed or removed (files or dirs); the library re-stats them. */
  paths: string[];
}

/** How a root is being followed: live events, periodic rescans, or not at all (unreachable). */
export type WatchMode = 'watching' | 'polling' | 'offline';

/** The part of a chokidar FSWatcher that RootWatcher uses (tests inject fakes through it). */
export interface FsWatcherLike {
  on(event: 'all', fn: (event: string, path: string, stats?: Stats) => void): unknown;
  on(event: 'error', fn: (err: unknown) => void): unknown;
  on(event: 'ready', fn: () => void): unknown;
  close(): Promise<void>;
}

/** Creates the underlying watcher; chokidar's `watch` by default. */
export type WatchFactory = (root: string, options: ChokidarOptions) => FsWatcherLike;

/** Options of one RootWatcher; only `root` and `exclude` are required. */
export interface RootWatcherOptions {
  root: string;
  /** The library's exclusion rule (patterns + junk list); excluded dirs are never watched. */
  exclude: ExcludeFn;
  /** Emit after this much quiet (default 600 ms)… */
  quietMs?: number;
  /** …but no later than this after the first event of a burst (default 5000 ms). */
  maxWaitMs?: number;
  /** Rescan interval when events cannot be had (default 60 000 ms). */
  pollIntervalMs?: number;
  /** Poll even where watching would work. */
  forcePolling?: boolean;
  /** A file must keep the same size this long before it is reported (default 300 ms). */
  stabilityMs?: number;
  /** How often an offline root is checked for its return (default 5000 ms). */
  rootCheckMs?: number;
  /** How often a watched root is checked for disappearance events may not show (default 30 000 ms). */
  onlineCheckMs?: number;
  /** Follow symlinked folders (default false: links can loop or lead outside the root). */
  followSymlinks?: boolean;
  /** Default: chokidar's `watch`. */
  watchFactory?: WatchFactory;
}
