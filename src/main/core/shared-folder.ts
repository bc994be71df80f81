import { EventEmitter } from 'node:events';
import { describeIgnored } from './library/file-kinds';
import type { FolderOptions, FolderState, FolderStatus } from '../../shared/contract';
import { createExcluder, hasJunkSegment } from './library/exclude';
import type { Library } from './library/library';
import { RootWatcher, type WatchMode } from './watch/root-watcher';
import { describeMedia } from './fs/media';

/** Knobs of a shared folder's watching, from settings (and tests). */
export interface SharedFolderOptions {
  pollIntervalMs: number;
  quietMs?: number;
  maxWaitMs?: number;
  forcePolling?: boolean;
  rootCheckMs?: number;
  /** Skip watching entirely (`--scan-only`). */
  watch?: boolean;
}

/**
 * One shared root with a lifecycle: scans it (progressively, through the library's deltas),
 * watches it, and tracks its state for the window (scanning n%, watching, polling, offline).
 */
export class SharedFolder extends EventEmitter<{
  status: [];
  /** `detail`: for the log file only (one line per skipped file), not the activity list. */
  log: [level: 'info' | 'warn' | 'detail', message: string];
}> {
  private state: FolderState = 'scanning';
  private reason: string | undefined;
  private lastScanAt: number | undefined;
  private progress: FolderStatus['progress'];
  private watcher: RootWatcher | null = null;
  private scanAbort: AbortController | null = null;
  private pendingScan: Promise<void> | null = null;
  /** The library expects one call per root at a time: scans and refreshes run in this chain. */
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private mode: WatchMode = 'watching';

  constructor(
    private options: FolderOptions,
    private readonly library: Library,
    private readonly knobs: SharedFolderOptions,
  ) {
    super();
  }

  get path(): string {
    return this.options.path;
  }

  /** True while a scan of the folder runs. */
  get scanning(): boolean {
    return this.state === 'scanning';
  }

  /** True while the root is unreachable; its tracks are withheld from the manifest. */
  get offline(): boolean {
    return this.state === 'offline';
  }

  /** Scans the folder, then starts watching it. */
  async start(): Promise<void> {
    await this.rescan();
    if (this.knobs.watch !== false && !this.closed) await this.startWatcher();
  }

  /** New options from settings; a change of exclusions or of the app-only choice means a rescan. */
  update(options: FolderOptions): void {
    const excludeChanged = options.exclude.join('\n') !== this.options.exclude.join('\n');
    const appOnlyChanged = (options.appOnly === true) !== (this.options.appOnly === true);
    this.options = options;
    if (excludeChanged) void this.restartWatcher();
    if (excludeChanged || appOnlyChanged) void this.rescan();
    this.emit('status');
  }

  /** Full rescan using the cache; requests made while one waits to start share it. */
  rescan(): Promise<void> {
    if (this.pendingScan) return this.pendingScan;
    const scan = this.serial(async () => {
      this.pendingScan = null;
      if (!this.closed) await this.runScan();
    });
    this.pendingScan = scan;
    return scan;
  }

  /** Resolves once every scan and refresh asked for so far has finished. */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Re-examines specific paths (watcher events, a stale file found while serving). */
  refresh(paths: string[]): Promise<void> {
    if (paths.includes(this.options.path)) return this.rescan();
    return this.serial(async () => {
      if (this.closed || this.offline) return;
      // A file that failed while serving may be on a drive just unmounted: not a removal then.
      if (this.watcher && !(await this.watcher.confirmOnline())) return;
      try {
        await this.library.applyChanges(this.options.path, paths, {
          exclude: this.options.exclude,
          appOnly: this.options.appOnly,
        });
      } catch (err) {
        this.emit(
          'log',
          'warn',
          `Could not update ${this.options.path}: ${(err as Error).message}`,
        );
      }
      this.emit('status');
    });
  }

  private serial(fn: () => Promise<void>): Promise<void> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Stops scanning and watching. The library keeps the entries (the caller decides). */
  async close(): Promise<void> {
    this.closed = true;
    this.scanAbort?.abort();
    await this.watcher?.close();
    this.watcher = null;
    await this.chain;
  }

  /** The folder's state as the window shows it (`duplicates` is FolderSet's to add). */
  status(): FolderStatus {
    const s = this.library.stats(this.options.path);
    const notes = this.library.notes(this.options.path);
    return {
      ...this.options,
      state: this.state,
      tracks: s.tracks,
      bytes: s.bytes,
      lastScanAt: this.lastScanAt,
      progress: this.progress,
      skipped: this.library.skipped(this.options.path),
      notes: notes.length > 0 ? notes : undefined,
      ignored: this.library.ignored(this.options.path),
      reason: this.reason,
    };
  }

  private async runScan(): Promise<void> {
    const previous = this.state;
    this.state = 'scanning';
    this.progress = { found: 0, parsed: 0, skipped: 0 };
    this.emit('status');
    const onProgress = (root: string, p: { found: number; parsed: number; skipped: number }) => {
      if (root !== this.options.path) return;
      this.progress = { found: p.found, parsed: p.parsed, skipped: p.skipped };
      this.emit('status');
    };
    this.library.on('progress', onProgress);
    this.scanAbort = new AbortController();
    const started = performance.now();
    try {
      const result = await this.library.scanRoot(this.options.path, {
        exclude: this.options.exclude,
        appOnly: this.options.appOnly,
        signal: this.scanAbort.signal,
      });
      this.lastScanAt = Date.now();
      this.reason = undefined;
      this.state = this.stateFromMode();
      const ms = Math.round(performance.now() - started);
      // For the log file (not the activity feed): whether a start really came from the cache.
      this.emit(
        'log',
        'detail',
        `Scanned ${this.options.path}: ${result.tracks} tracks, tags read from ${result.readFromDisk} files, the rest from the cache (${ms} ms); ${describeMedia(result.media)}`,
      );
      // Every skipped file and its reason, once per scan, in the log; the summary in the activity.
      for (const s of result.skipped) this.emit('log', 'detail', `Skipped ${s.path}: ${s.reason}`);
      for (const n of result.notes) this.emit('log', 'detail', `Published ${n.path}: ${n.reason}`);
      const notAudio = describeIgnored(this.library.ignored(this.options.path));
      if (result.skipped.length > 0) {
        const also = notAudio ? `; not audio: ${notAudio}` : '';
        this.emit(
          'log',
          'warn',
          `${result.skipped.length} files skipped in ${this.options.path} (each with its reason in the log)${also}`,
        );
      } else if (notAudio) {
        this.emit('log', 'info', `Not audio in ${this.options.path}: ${notAudio}`);
      }
    } catch (err) {
      if (this.closed) return;
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') {
        this.state = 'offline';
        this.reason = `Folder not found: ${this.options.path}`;
      } else if (e.name === 'AbortError') {
        this.state = previous;
      } else {
        this.state = 'error';
        this.reason = `Could not scan ${this.options.path}: ${e.message}`;
        this.emit('log', 'warn', this.reason);
      }
    } finally {
      this.library.off('progress', onProgress);
      this.progress = undefined;
      this.scanAbort = null;
      this.emit('status');
    }
  }

  private stateFromMode(): FolderState {
    if (this.mode === 'offline') return 'offline';
    if (this.mode === 'polling') return 'polling';
    return 'watching';
  }

  private async restartWatcher(): Promise<void> {
    await this.watcher?.close();
    this.watcher = null;
    if (!this.closed && this.knobs.watch !== false) await this.startWatcher();
  }

  private async startWatcher(): Promise<void> {
    const userExclude = createExcluder(this.options.exclude);
    const watcher = new RootWatcher({
      root: this.options.path,
      // Junk and hidden folders are never watched: they would spend the OS watch budget.
      exclude: (rel, isDir) => hasJunkSegment(rel) || userExclude(rel, isDir),
      pollIntervalMs: this.knobs.pollIntervalMs,
      quietMs: this.knobs.quietMs,
      maxWaitMs: this.knobs.maxWaitMs,
      forcePolling: this.knobs.forcePolling,
      rootCheckMs: this.knobs.rootCheckMs,
    });
    this.watcher = watcher;
    watcher.on('changes', (c) => void this.refresh(c.paths));
    watcher.on('error', (err) => this.emit('log', 'warn', `Watching ${this.path}: ${err.message}`));
    watcher.on('mode', (mode, reason) => this.onMode(mode, reason));
    try {
      await watcher.start();
    } catch (err) {
      this.emit('log', 'warn', `Could not watch ${this.path}: ${(err as Error).message}`);
    }
  }

  private onMode(mode: WatchMode, reason?: string): void {
    const wasOffline = this.mode === 'offline';
    this.mode = mode;
    this.reason = reason;
    if (this.state !== 'scanning') this.state = this.stateFromMode();
    if (mode === 'offline') this.emit('log', 'warn', reason ?? `Folder offline: ${this.path}`);
    else if (wasOffline) this.emit('log', 'info', `Folder back online: ${this.path}`);
    else if (mode === 'polling') this.emit('log', 'warn', reason ?? `Polling ${this.path}`);
    this.emit('status');
  }
}
