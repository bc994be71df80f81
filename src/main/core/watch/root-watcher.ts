import { EventEmitter } from 'node:events';
import type { Stats } from 'node:fs';
import { watch } from 'chokidar';
import { DirWatcher, type IgnoreFn } from './dir-watcher';
import { ChangeCoalescer } from './coalescer';
import { toIgnored, type ExcludeFn } from './ignored';
import { networkFsType } from './network-fs';
import { checkRoot, formatInterval, type RootCheck } from './root-check';
import { StabilityGate } from './stability';
import type {
  FsWatcherLike,
  RootChanges,
  RootWatcherOptions,
  WatchFactory,
  WatchMode,
} from './types';

export type {
  FsWatcherLike,
  RootChanges,
  RootWatcherOptions,
  WatchFactory,
  WatchMode,
} from './types';

const defaultFactory: WatchFactory = (root, options) =>
  process.env.TUNECAMP_WATCHER === 'chokidar'
    ? watch(root, options)
    : new DirWatcher(root, options.ignored as IgnoreFn);

/**
 * Follows one shared root and reports what changed, in coalesced batches of paths. Falls back to
 * periodic rescans (`polling`) on network filesystems or when the OS runs out of watches, and goes
 * `offline` (reporting nothing) when the root disappears, announcing `[root]` when it returns so
 * the library rescans it against its cache instead of dropping and re-adding every track.
 * Emits `error` only for unexpected watcher errors, and only when someone listens.
 */
export class RootWatcher extends EventEmitter<{
  changes: [RootChanges];
  mode: [mode: WatchMode, reason?: string];
  error: [Error];
}> {
  readonly root: string;
  private readonly opts: Required<Omit<RootWatcherOptions, 'root' | 'exclude' | 'watchFactory'>>;
  private readonly factory: WatchFactory;
  private readonly exclude: ExcludeFn;
  private readonly coalescer: ChangeCoalescer;
  private readonly gate: StabilityGate;
  private _mode: WatchMode = 'watching';
  private reason: string | undefined;
  /** Why this root is polled instead of watched; once set it stays (the cause will not go away). */
  private pollReason: string | null = null;
  private fsw: FsWatcherLike | null = null;
  private settleReady: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private knownDev: number | undefined;
  private checking: Promise<RootCheck> | null = null;
  private closed = false;
  /** Bumped on every switch online/offline, so a switch that awaited can tell it was overtaken. */
  private epoch = 0;

  constructor(opts: RootWatcherOptions) {
    super();
    this.root = opts.root;
    this.exclude = opts.exclude;
    this.factory = opts.watchFactory ?? defaultFactory;
    this.opts = {
      quietMs: opts.quietMs ?? 600,
      maxWaitMs: opts.maxWaitMs ?? 5000,
      pollIntervalMs: opts.pollIntervalMs ?? 60_000,
      forcePolling: opts.forcePolling ?? false,
      stabilityMs: opts.stabilityMs ?? 300,
      rootCheckMs: opts.rootCheckMs ?? 5000,
      onlineCheckMs: opts.onlineCheckMs ?? 30_000,
      followSymlinks: opts.followSymlinks ?? false,
    };
    this.coalescer = new ChangeCoalescer({
      quietMs: this.opts.quietMs,
      maxWaitMs: Math.max(this.opts.maxWaitMs, this.opts.quietMs),
      flush: (paths) => void this.deliver(paths),
      busy: () => this.gate.size > 0,
    });
    this.gate = new StabilityGate({
      stabilityMs: this.opts.stabilityMs,
      release: (p) => this.coalescer.add(p),
    });
  }

  /** The current mode. */
  get mode(): WatchMode {
    return this._mode;
  }

  /** Starts following the root; resolves once watching is ready (or the fallback is in place). */
  async start(): Promise<void> {
    const check = await this.checkRootOnce();
    if (this.closed) return;
    if (!check.online) return this.goOffline(check.reason);
    this.knownDev = check.dev;
    const every = formatInterval(this.opts.pollIntervalMs);
    if (this.opts.forcePolling)
      this.pollReason = `Polling instead of watching; rescanning every ${every}`;
    else {
      const fsType = await networkFsType(this.root);
      if (fsType) this.pollReason = `Network folder (${fsType}); rescanning every ${every}`;
    }
    await this.goOnline(false);
  }

  /** Stops everything; no event is emitted afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopTimer();
    this.coalescer.clear();
    this.gate.close();
    await this.closeWatcher();
  }

  private async goOnline(announce: boolean): Promise<void> {
    const epoch = ++this.epoch;
    this.stopTimer();
    if (!this.pollReason) await this.startWatcher();
    if (this.closed || epoch !== this.epoch) return;
    if (this.pollReason) {
      this.setMode('polling', this.pollReason);
      this.startTimer(this.opts.pollIntervalMs, () => this.pollTick());
    } else {
      this.setMode('watching');
      this.startTimer(this.opts.onlineCheckMs, () => this.healthTick());
    }
    if (announce) this.emit('changes', { root: this.root, paths: [this.root] });
  }

  private goOffline(reason: string): void {
    if (this.closed) return;
    this.epoch++;
    this.stopTimer();
    // What the old watcher saw while the root vanished is not real removals: drop it.
    this.coalescer.clear();
    this.gate.clear();
    void this.closeWatcher();
    this.setMode('offline', reason);
    this.startTimer(this.opts.rootCheckMs, () => this.offlineTick());
  }

  private async startWatcher(): Promise<void> {
    let fsw: FsWatcherLike;
    try {
      fsw = this.factory(this.root, {
        ignoreInitial: true,
        persistent: true,
        followSymlinks: this.opts.followSymlinks,
        ignored: toIgnored(this.root, this.exclude),
      });
    } catch (err) {
      const every = formatInterval(this.opts.pollIntervalMs);
      this.pollReason = `Cannot watch (${(err as Error).message}); rescanning every ${every}`;
      return;
    }
    this.fsw = fsw;
    const ready = new Promise<void>((resolve) => (this.settleReady = resolve));
    fsw.on('ready', () => this.settleReady?.());
    fsw.on('all', (event, p, stats) => this.onEvent(fsw, event, p, stats));
    fsw.on('error', (err) => this.onWatchError(fsw, err));
    await ready;
  }

  private async closeWatcher(): Promise<void> {
    const fsw = this.fsw;
    this.fsw = null;
    this.settleReady?.();
    this.settleReady = null;
    await fsw?.close().catch(() => undefined);
  }

  private onEvent(fsw: FsWatcherLike, event: string, p: string, stats?: Stats): void {
    if (fsw !== this.fsw || this.closed) return;
    if (event === 'add' || event === 'change') {
      this.gate.hold(p, stats);
    } else if (event === 'unlink' || event === 'unlinkDir' || event === 'addDir') {
      this.gate.drop(p);
      this.coalescer.add(p);
      // The root itself going away: find out now rather than at the next batch.
      if (event === 'unlinkDir' && p === this.root) void this.healthTick();
    }
  }

  private onWatchError(fsw: FsWatcherLike, err: unknown): void {
    if (fsw !== this.fsw || this.closed) return;
    const e = err instanceof Error ? err : new Error(String(err));
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EMFILE') {
      // The OS ran out of watches (inotify limit) or file handles: events can no longer be
      // trusted, so rescan the whole root now and then periodically.
      this.pollReason = `Watch limit reached; rescanning every ${formatInterval(this.opts.pollIntervalMs)}`;
      this.coalescer.clear();
      this.gate.clear();
      void this.closeWatcher();
      this.stopTimer();
      this.setMode('polling', this.pollReason);
      this.startTimer(this.opts.pollIntervalMs, () => this.pollTick());
      this.emit('changes', { root: this.root, paths: [this.root] });
      return;
    }
    if (this.listenerCount('error') > 0) this.emit('error', e);
  }

  /**
   * Whether the root is there now; if not, goes offline at once rather than at the next health
   * check. For paths found missing from outside (a read that failed while serving): on an
   * unmounted drive they are not removals.
   */
  async confirmOnline(): Promise<boolean> {
    const check = await this.checkRootOnce();
    if (this.closed || this._mode === 'offline') return false;
    if (!check.online) this.goOffline(check.reason);
    return check.online;
  }

  /** Delivers a batch unless the root vanished meanwhile (then those are not real removals). */
  private async deliver(paths: string[]): Promise<void> {
    const check = await this.checkRootOnce();
    if (this.closed || this._mode === 'offline') return;
    if (!check.online) return this.goOffline(check.reason);
    this.emit('changes', {
      root: this.root,
      paths: paths.includes(this.root) ? [this.root] : paths,
    });
  }

  private async healthTick(): Promise<void> {
    const check = await this.checkRootOnce();
    if (this.closed || this._mode === 'offline') return;
    if (!check.online) this.goOffline(check.reason);
  }

  private async pollTick(): Promise<void> {
    const check = await this.checkRootOnce();
    if (this.closed || this._mode !== 'polling') return;
    if (!check.online) return this.goOffline(check.reason);
    this.emit('changes', { root: this.root, paths: [this.root] });
  }

  private async offlineTick(): Promise<void> {
    const check = await this.checkRootOnce();
    if (this.closed || this._mode !== 'offline') return;
    if (!check.online) {
      if (check.reason !== this.reason) this.setMode('offline', check.reason);
      return;
    }
    this.knownDev = check.dev;
    await this.goOnline(true);
  }

  /** One stat at a time: a hung network mount must not pile up checks. */
  private checkRootOnce(): Promise<RootCheck> {
    this.checking ??= checkRoot(this.root, this.knownDev).finally(() => (this.checking = null));
    return this.checking;
  }

  private setMode(mode: WatchMode, reason?: string): void {
    if (mode === this._mode && reason === this.reason) return;
    this._mode = mode;
    this.reason = reason;
    this.emit('mode', mode, reason);
  }

  private startTimer(ms: number, tick: () => Promise<void>): void {
    this.stopTimer();
    // unref: these periodic checks alone must not keep a finished process alive.
    this.timer = setInterval(() => void tick(), ms).unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
