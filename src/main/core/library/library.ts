import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { IgnoredCounts, IgnoredKind, SkippedFile } from '../../../shared/contract';
import { DeltaBatcher, emptyDelta, isEmptyDelta, pairMoves } from './delta';
import { APP_ONLY_REASON, playsInBrowser } from './browser-play';
import { examineFile, makeEntry } from './examine';
import type { Outcome } from './examine';
import { createExcluder, hasJunkSegment } from './exclude';
import { fileKindOf, isCandidate } from './file-kinds';
import { sharedParsePool } from './parse-pool';
import type { TrackReader } from './parse-types';
import { DEFAULT_PARSE_TIMEOUT_MS } from './read-track';
import type { ScanCache } from './scan-cache';
import { TaskPool } from './task-pool';
import type { LibraryDelta, LibraryEntry, ScanProgress } from './types';
import { walk } from './walk';
import { assertDir, statOrNull } from '../fs/fs-errors';
import { mediaOf } from '../fs/media';
import type { Media } from '../fs/media';
import { RootIndex, toRel } from './root-index';

/** How a folder is scanned: its exclusion patterns and whether it shares files only apps play. */
export interface ScanOptions {
  exclude: string[];
  appOnly?: boolean;
}

/** The index's data types, re-exported so callers import everything from `library`. */
export type { LibraryDelta, LibraryEntry, ScanProgress } from './types';

/**
 * How the index reads files. `onParse` is called for every file actually parsed (not cached).
 * `read` defaults to the process-wide worker pool (`sharedParsePool`); `readTrack` reads in-process.
 */
export interface LibraryOptions {
  cache: ScanCache;
  read?: TrackReader;
  parseConcurrency?: number;
  parseTimeoutMs?: number;
  walkConcurrency?: number;
  onParse?: (path: string) => void;
  /** The parser's own message for a file it failed on (or that was salvaged): log file only. */
  onDetail?: (path: string, detail: string) => void;
}

/** Sink for one file's outcome: the live index plus where changes and skips go. */
interface Sink {
  skipped: Map<string, string>;
  push: (kind: 'added' | 'changed' | 'removed', e: LibraryEntry) => void;
}

/**
 * The library index: every audio file under the shared roots, by path and by content id. Scans fill
 * it (from the scan cache where possible), watcher events patch it, and every change goes out as a
 * 'delta' event. The same content reachable under several paths is one id: `entries()` and `get()`
 * answer one entry per id. Calls for one root are expected one at a time (the engine serialises them).
 */
export class Library extends EventEmitter<{
  delta: [LibraryDelta];
  progress: [root: string, progress: ScanProgress];
}> {
  private readonly index = new RootIndex();
  private readonly cache: ScanCache;
  private readonly parsePool: number;
  private readonly timeoutMs: number;
  private readonly walkConcurrency: number;
  private readonly onParse?: (path: string) => void;
  private readonly onDetail?: (path: string, detail: string) => void;
  private readonly read: TrackReader;
  /** Loads the reader before a cold scan (the shared pool's threads), or nothing. */
  private readonly prewarm: () => void;

  constructor(opts: LibraryOptions) {
    super();
    this.cache = opts.cache;
    // Enough files in flight to keep every parse thread fed (threads x 8) while the walk stats ahead.
    this.parsePool = opts.parseConcurrency ?? 32;
    this.timeoutMs = opts.parseTimeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS;
    this.walkConcurrency = opts.walkConcurrency ?? 8;
    this.onParse = opts.onParse;
    this.onDetail = opts.onDetail;
    this.read = opts.read ?? ((p, o) => sharedParsePool().read(p, o));
    this.prewarm = opts.read ? () => undefined : () => sharedParsePool().prewarm();
  }

  /**
   * Full scan of one root (new or rescan). Emits 'delta' progressively (every ~300 ms or 500
   * changes) and 'progress'; entries under root that no longer exist are removed at the end.
   * Rejects (and removes nothing) if the root cannot be read, e.g. an unplugged drive, or if aborted.
   * `appOnly`: publish files only apps play (for download); otherwise they are skipped with
   * APP_ONLY_REASON. `notes` lists published files whose damaged tag was ignored.
   */
  async scanRoot(
    rootIn: string,
    opts: ScanOptions & { signal?: AbortSignal },
  ): Promise<{
    tracks: number;
    bytes: number;
    skipped: SkippedFile[];
    notes: SkippedFile[];
    readFromDisk: number;
    media: Media;
  }> {
    const root = path.resolve(rootIn);
    const rootStat = await assertDir(root);
    const media = await mediaOf(root);
    // One gate per device: two folders on one disk share its arm.
    const gate =
      media.readsInFlight > 0
        ? { key: String(rootStat.dev), limit: media.readsInFlight }
        : undefined;
    // Decided once, before this scan adds records of its own.
    const readerStats = !this.cache.hasDevice(rootStat.dev);
    const state = this.index.root(root);
    state.appOnly = opts.appOnly === true;
    const progress: ScanProgress = { found: 0, parsed: 0, skipped: 0, done: false };
    const batch = new DeltaBatcher(
      (d) => this.emit('delta', d),
      () => {
        this.emit('progress', root, { ...progress });
        // Saved as it goes (the cache spaces saves out), so a scan cut short resumes where it was.
        this.cache.scheduleSave();
      },
    );
    const sink: Sink = { skipped: new Map(), push: (k, e) => batch.push(k, e) };
    const seen = new Set<string>();
    const pool = new TaskPool(this.parsePool);
    const { signal } = opts;
    // Files whose tags were read this time; the rest came from the cache.
    let readFromDisk = 0;
    const onParse = (p: string) => {
      readFromDisk++;
      this.onParse?.(p);
    };
    const ignored: IgnoredCounts = {};
    const ignore = (kind: IgnoredKind) => (ignored[kind] = (ignored[kind] ?? 0) + 1);
    try {
      await walk(root, {
        exclude: createExcluder(opts.exclude),
        accept: isCandidate,
        onIgnored: (name, why) => {
          const kind = fileKindOf(name);
          ignore(why === 'rejected' && kind.kind === 'ignored' ? kind.as : (why as IgnoredKind));
        },
        // On a limited medium one folder is listed at a time, in name order (see `ordered`).
        concurrency: gate ? 1 : this.walkConcurrency,
        ordered: gate !== undefined,
        timeoutMs: this.timeoutMs,
        signal,
        onSkip: (p, reason) => {
          sink.skipped.set(p, reason);
          progress.skipped++;
        },
        onFile: (file) => {
          progress.found++;
          seen.add(file.path);
          batch.arm();
          return pool.add(async () => {
            const out = await examineFile(file, root, {
              cache: this.cache,
              timeoutMs: this.timeoutMs,
              signal,
              onParse,
              onDetail: this.onDetail,
              read: this.read,
              readerStats,
              gate,
            });
            if (signal?.aborted) return;
            if (out.kind === 'skip') progress.skipped++;
            else progress.parsed++;
            this.apply(root, file.path, out, sink);
          });
        },
      });
      await pool.drain();
      signal?.throwIfAborted();
    } catch (err) {
      await pool.drain().catch(() => undefined);
      batch.flush();
      this.cache.scheduleSave();
      throw err;
    }
    for (const e of [...state.entries.values()]) {
      if (!seen.has(e.path)) this.apply(root, e.path, { kind: 'gone' }, sink);
    }
    for (const [p] of this.cache.under(root))
      if (!seen.has(p) && !this.index.anyRootHas(p)) this.cache.delete(p);
    state.skipped = sink.skipped;
    state.ignored = ignored;
    this.cache.scheduleSave();
    progress.done = true;
    batch.flush();
    return {
      ...this.stats(root),
      skipped: this.skipped(root),
      notes: this.notes(root),
      readFromDisk,
      media,
    };
  }

  /**
   * Re-examine paths (files or folders, existing or gone) under root after watcher events; emits
   * (when not empty) and returns one delta. A removal and an addition with the same id are reported
   * as `moved`; a file whose bytes changed in place is `changed` with its new id and size.
   */
  async applyChanges(rootIn: string, paths: string[], opts: ScanOptions): Promise<LibraryDelta> {
    const root = path.resolve(rootIn);
    const state = this.index.root(root);
    state.appOnly = opts.appOnly === true;
    const excluder = createExcluder(opts.exclude);
    const raw = emptyDelta();
    const sink: Sink = { skipped: state.skipped, push: (k, e) => raw[k].push(e) };
    const pool = new TaskPool(this.parsePool);
    const examine = (file: { path: string }) =>
      pool.add(async () => this.apply(root, file.path, await this.examine(file, root), sink));
    const gone: string[] = [];
    // Existing paths first: a renamed file must find its old cache record (by inode) before the
    // removal of the old path deletes it.
    for (const p of new Set(paths.map((x) => path.resolve(root, x)))) {
      const rel = toRel(root, p);
      if (rel === undefined) continue; // outside this root
      const s = await statOrNull(p);
      if (!s || (rel !== '' && (hasJunkSegment(rel) || excluder(rel, s.isDirectory())))) {
        gone.push(p);
      } else if (s.isDirectory()) {
        const found = new Set<string>();
        const join = (r: string) => (rel === '' ? r : `${rel}/${r}`);
        await walk(p, {
          exclude: (r, d) => excluder(join(r), d),
          accept: isCandidate,
          concurrency: this.walkConcurrency,
          timeoutMs: this.timeoutMs,
          onSkip: (sp, reason) => sink.skipped.set(sp, reason),
          onFile: (f) => {
            found.add(f.path);
            return examine({ path: f.path });
          },
        });
        await pool.drain();
        for (const e of this.index.under(root, p)) if (!found.has(e.path)) gone.push(e.path);
      } else if (isCandidate(p)) {
        await examine({ path: p });
      }
    }
    await pool.drain();
    for (const p of gone) this.removeUnder(root, p, sink);
    await pool.drain();
    this.cache.scheduleSave();
    const delta = pairMoves(raw);
    if (!isEmptyDelta(delta)) this.emit('delta', delta);
    return delta;
  }

  /** Forget a root (folder removed by the user): its entries and cache records go; returns the delta. */
  removeRoot(rootIn: string): LibraryDelta {
    const root = path.resolve(rootIn);
    const state = this.index.root(root);
    const delta = emptyDelta();
    for (const e of state.entries.values()) delta.removed.push(e);
    this.index.dropRoot(root);
    for (const [p] of this.cache.under(root)) if (!this.index.anyRootHas(p)) this.cache.delete(p);
    this.cache.scheduleSave();
    if (!isEmptyDelta(delta)) this.emit('delta', delta);
    return delta;
  }

  /**
   * Load entries (and skips) for a root from the cache only, without touching the disk, so the
   * cached manifest can be published at once on start-up. Emits the added entries as a delta.
   * Returns the number of entries loaded. With none, a cold scan follows: the reader starts loading.
   */
  loadFromCache(rootIn: string): number {
    const root = path.resolve(rootIn);
    const state = this.index.root(root);
    const delta = emptyDelta();
    for (const [p, r] of this.cache.under(root)) {
      const relPath = toRel(root, p);
      if (!relPath || hasJunkSegment(relPath)) continue;
      if (r.skip !== undefined) state.skipped.set(p, r.skip);
      else if (r.track) {
        const sink: Sink = { skipped: state.skipped, push: (k, e) => delta[k].push(e) };
        this.apply(
          root,
          p,
          { kind: 'entry', entry: makeEntry({ path: p }, root, r, r.track) },
          sink,
        );
      }
    }
    if (!isEmptyDelta(delta)) this.emit('delta', delta);
    if (state.entries.size === 0 && state.skipped.size === 0) this.prewarm();
    return state.entries.size;
  }

  /** Any live entry with this id. */
  get(id: string): LibraryEntry | undefined {
    return this.index.byId(id);
  }

  /** One entry per id (the same content under several paths is published once), optionally only under root. */
  entries(root?: string): LibraryEntry[] {
    return this.index.unique(root === undefined ? undefined : path.resolve(root));
  }

  /** Files and folders under root that were not published, with the reason. */
  skipped(root: string): SkippedFile[] {
    const state = this.index.peek(path.resolve(root));
    return state ? [...state.skipped].map(([p, reason]) => ({ path: p, reason })) : [];
  }

  /** Published files under root whose damaged tag was ignored: the note says which. */
  notes(root: string): SkippedFile[] {
    const state = this.index.peek(path.resolve(root));
    const out: SkippedFile[] = [];
    for (const e of state?.entries.values() ?? [])
      if (e.note) out.push({ path: e.path, reason: e.note });
    return out;
  }

  /** Files under root the last full scan left out as not audio, by kind (undefined before one). */
  ignored(root: string): IgnoredCounts | undefined {
    return this.index.peek(path.resolve(root))?.ignored;
  }

  /** Unique tracks under root and their total size. */
  stats(root: string): { tracks: number; bytes: number } {
    return this.index.totals(path.resolve(root));
  }

  /** Per root of `roots` (in that order), its tracks an earlier root holds too (RootIndex.duplicates). */
  duplicates(roots: readonly string[]): Map<string, { tracks: number; alsoIn: string[] }> {
    return this.index.duplicates(roots.map((r) => path.resolve(r)));
  }

  /** Number of unique tracks in the whole index. */
  get size(): number {
    return this.index.size;
  }

  private examine(file: { path: string }, root: string): Promise<Outcome> {
    return examineFile(file, root, {
      cache: this.cache,
      timeoutMs: this.timeoutMs,
      onParse: this.onParse,
      onDetail: this.onDetail,
      read: this.read,
    });
  }

  /** Fold one file's outcome into the index and report the change, if any. */
  private apply(root: string, p: string, out: Outcome, sink: Sink): void {
    // A file only apps play, in a folder that does not share such files for download.
    if (out.kind === 'entry' && !playsInBrowser(out.entry.format) && !this.index.root(root).appOnly)
      out = { kind: 'skip', reason: APP_ONLY_REASON };
    if (out.kind === 'skip') sink.skipped.set(p, out.reason);
    else sink.skipped.delete(p);
    if (out.kind === 'entry') {
      const change = this.index.put(root, out.entry);
      if (change) sink.push(change, out.entry);
    } else {
      const old = this.index.remove(root, p);
      if (old) sink.push('removed', old);
      if (out.kind === 'gone') this.cache.delete(p);
    }
  }

  private removeUnder(root: string, p: string, sink: Sink): void {
    for (const e of this.index.under(root, p)) this.apply(root, e.path, { kind: 'gone' }, sink);
    const prefix = p + path.sep;
    for (const sp of [...sink.skipped.keys()])
      if (sp === p || sp.startsWith(prefix)) sink.skipped.delete(sp);
  }
}
