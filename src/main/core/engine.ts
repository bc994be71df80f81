import type { KeyVault } from './lan/identity';
import { playsInBrowser } from './library/browser-play';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import path from 'node:path';
import type {
  Api,
  CommandArgs,
  CommandName,
  CommandResult,
  ConnectResult,
  EventName,
  Events,
  FolderStatus,
  Settings,
  Snapshot,
} from '../../shared/contract';
import { ActivityLog } from './activity-log';
import { CoverStore, type CoverResizer } from './covers/cover-store';
import { EngineConnection } from './engine-connection';
import { FolderSet } from './folder-set';
import { SCAN_HEAP_POLICY_MIN_TRACKS, setScanHeapPolicy } from './heap-policy';
import { fullCollection, IdleCollector } from './idle-collect';
import { checkFolder } from './folder-check';
import { folderConflict } from './folders';
import type { LanLimits } from './lan/lan-server';
import { LanService } from './lan/lan-service';
import { LanTokens } from './lan/lan-tokens';
import { delegatePeerCommands } from './lan/peer/peer-commands';
import { PeerHub } from './lan/peer/peer-hub';
import type { LanTrack } from './lan/serve-track';
import { Library, type LibraryOptions } from './library/library';
import { sharedParsePool } from './library/parse-pool';
import { ScanCache } from './library/scan-cache';
import { writeFileAtomic } from './fs/atomic-write';
import { describeSaveError } from './fs/fs-errors';
import { silentLogger, type Logger } from './logger';
import { buildManifest, partialPublishDelayMs, PUBLISH_DELAY_MS, toTrackInfo } from './publisher';
import type { SecretStore, SettingsStore } from './settings/store';
import type { SharedFolderOptions } from './shared-folder';
import { readStatsFile, type LoadedStats } from './transfers/stats-file';
import { TransferManager } from './transfers/transfer-manager';
import { nextSafetyRescanDelay } from './watch/safety-rescan';
import { RoomService } from './lan/rooms/room-service';

/** Everything the engine needs from its host (the Electron app, the daemon, a test). */
export interface EngineOptions {
  stateDir: string;
  settings: SettingsStore;
  secrets: SecretStore;
  host: 'desktop' | 'headless';
  version: string;
  log?: Logger;
  /** Watch knobs (tests shorten them). */
  watch?: Partial<SharedFolderOptions>;
  /**
   * Tunnel knobs passed through (tests shorten retry delays, and the poll of the account's
   * sessions while backing off from another sharer).
   */
  tunnel?: { silenceTimeoutMs?: number; retry?: Record<string, number>; conflictPollMs?: number };
  /** Library knobs (tests and benchmarks count parses). */
  library?: Partial<Omit<LibraryOptions, 'cache'>>;
  /** Desktop glue overrides for `pickFolders` / `openLogs`. */
  pickFolders?: () => Promise<string[]>;
  logsDir?: string;
  /** Shrinks cover pictures (the desktop's nativeImage); headless serves them unresized. */
  coverResizer?: CoverResizer;
  /** LAN server knobs (tests shorten timeouts and the token file poll). */
  lan?: { limits?: Partial<LanLimits>; tokenPollMs?: number };
  /** Seals the LAN identity's private key where the token is kept (the desktop's safeStorage). */
  keyVault?: KeyVault;
}

const STATS_FILE = 'stats.json';

/** Sends the parse pool's warnings (e.g. threads unavailable) to the activity log. */
function onParsePoolWarning(fn: (message: string) => void): () => void {
  const pool = sharedParsePool();
  pool.on('warning', fn);
  return () => pool.off('warning', fn);
}

type Listener<E extends EventName> = (payload: Events[E]) => void;

/**
 * The sharing engine: one object with the contract's commands (`invoke`) and events (`on`).
 * It owns the library, the shared folders, the tunnel and the transfers, and keeps them in step
 * with the settings.
 */
export class Engine implements Api {
  private readonly events = new EventEmitter();
  private readonly cache: ScanCache;
  readonly library: Library;
  private readonly folders: FolderSet;
  private readonly transfers: TransferManager;
  private readonly connection: EngineConnection;
  private readonly activity = new ActivityLog();
  /** Cover thumbnails by track id, made lazily on request, cached in `<stateDir>/covers`. */
  readonly covers: CoverStore;
  /** The LAN range server and its device tokens (docs/LAN.md). */
  private readonly lan: LanService;
  /** The listening room, served by the LAN server (lan/rooms/). */
  private readonly room: RoomService;
  /** Browsing, playing and downloading from paired devices. */
  private readonly peers: PeerHub;
  private statsTimer: NodeJS.Timeout | null = null;
  private transfersTimer: NodeJS.Timeout | null = null;
  private offParseWarning: (() => void) | null = null;
  private readonly log: Logger;
  private publishTimer: NodeJS.Timeout | null = null;
  /** When the pending publish fires (`performance.now()` time), to pull it forward when a scan ends. */
  private publishDue = 0;
  /** Tracks in the last manifest handed to the connection. */
  private publishedSize = 0;
  private foldersTimer: NodeJS.Timeout | null = null;
  private rescanTimer: NodeJS.Timeout | null = null;
  private started = false;
  /**
   * One full collection when a scan or the last transfer ends (see idle-collect.ts), in the
   * daemon only: in the desktop app it changed nothing measurable (BENCHMARKS.md; Chromium's
   * own processes and pages are most of it), and a forced collection in Electron's main process
   * dropped the inspector's pending evaluations ("Resulting promise was garbage collected" in
   * the real-app tests, which drive the app through it).
   */
  private readonly idleCollector = new IdleCollector({
    busy: () => this.folders.scanning() || this.transfers.totals().active > 0,
    collect: () => {
      if (this.opts.host === 'headless') fullCollection();
    },
  });

  /** Opens the scan cache and the saved statistics, then builds the engine (not started). */
  static async create(opts: EngineOptions): Promise<Engine> {
    const cache = await ScanCache.open(path.join(opts.stateDir, 'scan-cache.json'));
    const stats = await readStatsFile(path.join(opts.stateDir, STATS_FILE));
    return new Engine(opts, cache, stats, await LanTokens.open(opts.stateDir));
  }

  private constructor(
    private readonly opts: EngineOptions,
    cache: ScanCache,
    private readonly stats: LoadedStats,
    lanTokens: LanTokens,
  ) {
    this.log = opts.log ?? silentLogger;
    this.cache = cache;
    this.library = new Library({
      // The parser's own message for a skipped or salvaged file: the log file only.
      onDetail: (p, detail) => this.log.info(`Tag parser on ${p}: ${detail}`),
      ...opts.library,
      cache: this.cache,
    });
    this.covers = new CoverStore({
      dir: path.join(opts.stateDir, 'covers'),
      locate: (id) => this.resolveTrack(id)?.path,
      resize: opts.coverResizer,
      log: this.log,
    });
    this.lan = new LanService(lanTokens, {
      resolve: (id) => this.lanTrack(id),
      onStale: (id) => void this.refreshTrack(id),
      note: (level, message) => this.note(level, message),
      log: this.log,
      stateDir: opts.stateDir,
      keyVault: opts.keyVault,
      catalog: {
        roots: () =>
          this.opts.settings
            .get()
            .folders.map((f) => f.path)
            .filter((r) => !this.offlineRoots().has(r)),
        entries: (root) => this.library.entries(root),
      },
      peerTrack: (id) => {
        const t = this.lanTrack(id);
        return t && { ...t, root: this.library.get(id)!.root };
      },
      ...opts.lan,
    });
    this.lan.nearby?.on('change', (state) => this.emit('nearby', state));
    this.room = new RoomService(
      () => this.lan.rooms,
      () => ({ port: this.lan.port, addresses: this.lan.roomAddresses() }),
      (id) => {
        const t = this.lanTrack(id);
        const e = this.library.get(id);
        return t && e && { ...t, title: e.title, artist: e.artist, duration: e.duration };
      },
    );
    this.room.on('room', (info) => this.emit('room', info));
    this.peers = new PeerHub({
      stateDir: opts.stateDir,
      keyVault: opts.keyVault,
      seenAt: (id) => this.lan.nearby?.addressOf(id),
      peersChanged: () => this.lan.followPeers(),
      downloads: (list) => this.emit('downloads', list),
    });
    const s = opts.settings.get();
    this.transfers = new TransferManager({
      resolve: (id) => this.resolveTrack(id),
      maxConcurrent: s.maxConcurrentTransfers,
      uploadRateLimit: s.uploadRateLimit,
      stats: stats.value,
    });
    this.connection = new EngineConnection({
      settings: opts.settings,
      secrets: opts.secrets,
      transfers: this.transfers,
      tunnel: opts.tunnel,
      manifest: () => this.manifest(),
      onStatus: (status) => this.emit('connection', status),
      onLog: (level, message) => this.note(level, message),
      // The Download column follows the server's switch: re-send every track's view.
      onServerDownloads: () => this.emitChangedTracks(this.library.entries().map((e) => e.id)),
    });
    this.library.on('delta', (delta) => {
      this.updateHeapPolicy();
      this.schedulePublish();
      this.scheduleFolders();
      // Building the window's view of every changed track costs memory on a big scan: only when watched.
      if (this.events.listenerCount('tracks') === 0) return;
      const settings = this.opts.settings.get();
      const counts = this.transfers.counts();
      this.emit('tracks', {
        added: delta.added.map((e) =>
          toTrackInfo(e, settings, counts, this.connection.serverAllowsDownloads),
        ),
        changed: delta.changed.map((e) =>
          toTrackInfo(e, settings, counts, this.connection.serverAllowsDownloads),
        ),
        removed: delta.removed.map((e) => e.id),
        moved: delta.moved.map((m) => ({ id: m.entry.id, from: m.from, to: m.entry.path })),
      });
    });
    this.folders = new FolderSet(this.library, () => ({
      pollIntervalMs: this.opts.settings.get().pollIntervalSeconds * 1000,
      ...this.opts.watch,
    }));
    this.folders.on('status', () => {
      this.scheduleFolders();
      this.updateHeapPolicy();
      if (!this.folders.scanning()) this.idleCollector.poke();
      // A scan just ended: its last tracks wait behind a long partial-publish gap; send them now.
      if (this.publishTimer && !this.folders.scanning()) this.schedulePublish();
    });
    this.folders.on('offline', () => this.publishNow());
    this.folders.on('log', (level, message) =>
      level === 'detail' ? this.log.info(message) : this.note(level, message),
    );
    this.transfers.on('stale', (trackId) => void this.refreshTrack(trackId));
    // A save of a big cache leaves its text behind (megabytes of strings).
    this.cache.on('saved', () => this.idleCollector.poke());
    this.transfers.on('update', (t) => {
      this.emitTransfers();
      if (t.state === 'done' || t.state === 'cancelled' || t.state === 'failed')
        this.idleCollector.poke();
      // Play and download counts are shown per track: tell the window when one grows.
      if (t.state === 'done') this.emitChangedTracks([t.trackId]);
    });
    this.transfers.on('totals', () => this.emitTransfers());
  }

  /** Loads the cache, publishes what it knows at once, connects, then rescans and watches. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const problem of this.opts.settings.problems) this.note('warn', `Settings: ${problem}`);
    for (const warning of this.cache.warnings) this.note('warn', warning);
    if (this.lan.tokens.problem) this.note('warn', `LAN devices: ${this.lan.tokens.problem}`);
    if (this.stats.problem) this.note('warn', this.stats.problem);
    this.offParseWarning = onParsePoolWarning((w) => this.note('warn', w));
    this.cache.on('warning', (w) => this.note('warn', w));
    const settings = this.opts.settings.get();
    for (const f of settings.folders) {
      this.library.loadFromCache(f.path);
      this.folders.add(f);
    }
    this.publishNow();
    await this.connection.restart();
    await this.lan.apply(settings.lan);
    await this.peers.start();
    this.scheduleSafetyRescan();
    this.statsTimer = setInterval(() => void this.saveStats(), 60_000);
    this.statsTimer.unref();
    await this.folders.startAll();
  }

  /**
   * Stops readers, closes the socket and the watchers, saves the cache and the totals. Never
   * rejects for a save that fails (a full disk): it saves what it can and resolves with one
   * "what: why" line per thing it could not save.
   */
  async stop(): Promise<string[]> {
    const timers = [this.publishTimer, this.foldersTimer, this.rescanTimer, this.statsTimer];
    for (const t of [...timers, this.transfersTimer]) {
      if (t) clearTimeout(t);
    }
    this.idleCollector.close();
    await this.connection.stop();
    await this.lan.close();
    await this.peers.close();
    await this.transfers.close();
    await this.folders.closeAll();
    const unsaved: string[] = [];
    await this.cache
      .save()
      .catch((err: unknown) => unsaved.push(`scan cache (${describeSaveError(err)})`));
    const stats = await this.saveStats(false);
    if (stats) unsaved.push(`transfer totals (${stats})`);
    this.offParseWarning?.();
    this.started = false;
    return unsaved;
  }

  /** Saves the totals; the reason when that fails (and a warning with `warn`), else undefined. */
  private async saveStats(warn = true): Promise<string | undefined> {
    const text = JSON.stringify(this.transfers.storedStats());
    try {
      await writeFileAtomic(path.join(this.opts.stateDir, STATS_FILE), text);
      return undefined;
    } catch (err) {
      const why = describeSaveError(err);
      if (warn) this.note('warn', `Could not save transfer totals: ${why}`);
      return why;
    }
  }

  /**
   * Applies new settings from outside (the daemon's config file on SIGHUP): adds, removes and
   * updates folders, limits and permissions, and reconnects only when the session flags changed.
   */
  async reload(patch: Partial<Settings>): Promise<void> {
    const prev = this.opts.settings.get();
    const next = this.updateSettings(patch);
    await this.folders.sync(next.folders);
    this.transfers.setLimits({
      maxConcurrent: next.maxConcurrentTransfers,
      uploadRateLimit: next.uploadRateLimit,
    });
    this.publishNow();
    this.scheduleFolders();
    await this.lan.apply(next.lan);
    if (
      prev.server !== next.server ||
      prev.allowDownloads !== next.allowDownloads ||
      prev.paused !== next.paused
    ) {
      await this.connection.restart();
    }
  }

  /** The port of the loopback proxy that plays paired devices' tracks, once it runs. */
  peerProxyPort(): number | undefined {
    return this.peers.proxyPort();
  }

  /** Resolves when every folder's current scan has finished (daemon `--scan-only`, tests). */
  async whenScanned(): Promise<void> {
    await this.folders.idle();
  }

  on<E extends EventName>(name: E, listener: Listener<E>): () => void {
    this.events.on(name, listener as (p: unknown) => void);
    return () => this.events.off(name, listener as (p: unknown) => void);
  }

  invoke<K extends CommandName>(name: K, ...args: CommandArgs<K>): Promise<CommandResult<K>> {
    const handler = this.commands[name] as (...a: CommandArgs<K>) => Promise<CommandResult<K>>;
    return handler(...args);
  }

  /** Transfer counters (send window, read-ahead) for diagnostics, benchmarks and tests. */
  transferDebug() {
    return this.transfers.debug();
  }

  /** The manifest that would be published now (daemon `--scan-only --json`, tests). */
  manifest() {
    return buildManifest(this.library.entries(), this.opts.settings.get(), this.offlineRoots());
  }

  /** A tight heap while a big library scans (see heap-policy.ts). */
  private updateHeapPolicy(): void {
    setScanHeapPolicy(this.folders.scanning() && this.library.size >= SCAN_HEAP_POLICY_MIN_TRACKS);
  }

  /** Tracks in `manifest()`, without building it (a snapshot asks often; a 100k list is megabytes). */
  private manifestSize(): number {
    const offline = this.offlineRoots();
    let n = 0;
    for (const e of this.library.entries()) if (!offline.has(e.root)) n++;
    return n;
  }

  private readonly commands: {
    [K in CommandName]: (...a: CommandArgs<K>) => Promise<CommandResult<K>>;
  } = {
    getSnapshot: async () => this.snapshot(),
    listTracks: async () => {
      const settings = this.opts.settings.get();
      const counts = this.transfers.counts();
      return this.library
        .entries()
        .map((e) => toTrackInfo(e, settings, counts, this.connection.serverAllowsDownloads));
    },
    connect: async ({ server, token }) => this.connection.connect(server, token),
    login: async ({ server, username, password }): Promise<ConnectResult> =>
      this.connection.login(server, username, password),
    signOut: async () => this.connection.signOut(),
    addFolders: async (paths) => this.addFolders(paths),
    removeFolder: async (p) => this.removeFolder(p),
    rescan: async (p) => {
      const targets = p ? [this.folders.require(p)] : this.folders.all();
      await Promise.all(targets.map((f) => f.rescan()));
    },
    setFolderOptions: async (p, patch) => {
      const folder = this.folders.require(p);
      const folders = this.opts.settings
        .get()
        .folders.map((f) => (f.path === folder.path ? { ...f, ...patch } : f));
      this.updateSettings({ folders });
      const updated = folders.find((f) => f.path === folder.path);
      if (updated) folder.update(updated);
      this.schedulePublish();
      return folder.status();
    },
    setTrackDownload: async (ids, policy) => {
      const trackOverrides = { ...this.opts.settings.get().trackOverrides };
      for (const id of ids) {
        if (policy === 'inherit') delete trackOverrides[id];
        else trackOverrides[id] = policy;
      }
      this.updateSettings({ trackOverrides });
      this.emitChangedTracks(ids);
      this.schedulePublish();
    },
    setGlobalDownloads: async (allow) => {
      if (this.opts.settings.get().allowDownloads === allow) return;
      this.updateSettings({ allowDownloads: allow });
      this.schedulePublish();
      // The server reads allowDownloads at connect time only.
      await this.connection.restart();
    },
    setPaused: async (paused) => {
      this.updateSettings({ paused });
      this.note('info', paused ? 'Sharing paused' : 'Sharing resumed');
      await this.connection.restart();
    },
    updateSettings: async (patch) => {
      const next = this.updateSettings(patch);
      this.transfers.setLimits({
        maxConcurrent: next.maxConcurrentTransfers,
        uploadRateLimit: next.uploadRateLimit,
      });
      this.scheduleSafetyRescan();
      if (patch.lan) await this.lan.apply(next.lan);
      return next;
    },
    pickFolders: async () => (this.opts.pickFolders ? this.opts.pickFolders() : []),
    openLogs: async () => this.opts.logsDir ?? this.opts.stateDir,
    listLanDevices: async () => {
      await this.lan.tokens.refresh(); // the command line may have changed the file
      return this.lan.tokens.list();
    },
    createLanToken: async (name) => {
      const created = await this.lan.tokens.create(name);
      this.note('info', `LAN device "${created.name}" added`);
      return created;
    },
    revokeLanToken: async (name) => {
      const revoked = await this.lan.tokens.revoke(name);
      if (revoked) this.note('info', `LAN device "${name.trim()}" revoked`);
      return revoked;
    },
    getNearby: async () =>
      this.lan.nearby?.state() ?? {
        enabled: false,
        myId: null,
        nearby: [],
        paired: [],
        requests: [],
      },
    createPairLink: async () => {
      const links = await this.lan.pairLinks();
      if (links.length === 0) throw new Error('Turn on LAN sharing first: pairing runs beside it.');
      return links;
    },
    pairWithLink: async (link) => {
      const name = await this.lan.pair(link);
      this.note('info', `Paired with ${name}`);
      return name;
    },
    unpairDevice: async (id) => this.lan.unpair(id),
    pairByName: async (id) => this.lan.byName.start(id),
    confirmPairByName: async (pairing, match) => this.lan.byName.confirm(pairing, match),
    answerPairRequest: async (request, accept) => this.lan.byName.incoming.answer(request, accept),
    openRoom: async ({ tracks, options }) => {
      const opened = this.room.open(tracks, options);
      this.note('info', `Listening room open with ${tracks.length} track(s)`);
      return opened;
    },
    getRoom: async () => this.room.info(),
    createRoomLink: async () => this.room.links(),
    controlRoom: async (control) => this.room.control(control),
    closeRoom: async () => this.room.close(),
    ...delegatePeerCommands(() => this.peers.commands),
  };

  private snapshot(): Snapshot {
    const t = this.transfers;
    return {
      version: this.opts.version,
      connection: this.connection.status,
      folders: this.folders.statuses(),
      trackCount: this.manifestSize(),
      transfers: t.list(),
      totals: t.totals(),
      settings: this.opts.settings.get(),
      hasToken: this.connection.hasToken,
      activity: this.activity.recent(),
      host: this.opts.host,
      // The window names this machine where it asks for a folder path ("Folder path on nas-01").
      hostname: hostname(),
      secretsEncrypted: this.opts.secrets.encrypted,
      tokenLocation: this.tokenLocation(),
      lanPort: this.lan.port,
    };
  }

  /** Where the token in use is: as the store says, else the keyring when it encrypts. */
  private tokenLocation(): Snapshot['tokenLocation'] {
    if (!this.connection.hasToken) return undefined;
    const s = this.opts.secrets;
    return s.location ?? (s.encrypted ? 'keyring' : undefined);
  }

  private async addFolders(paths: string[]): Promise<FolderStatus[]> {
    const added: FolderStatus[] = [];
    const errors: string[] = [];
    for (const raw of paths) {
      const p = path.resolve(raw);
      const problem = folderConflict(this.folders.paths(), p) ?? (await checkFolder(p));
      if (problem) {
        errors.push(problem);
        continue;
      }
      const settings = this.opts.settings.get();
      const options = {
        path: p,
        download: 'inherit' as const,
        exclude: [...settings.defaultExclude],
      };
      this.updateSettings({ folders: [...settings.folders, options] });
      const folder = this.folders.add(options);
      this.note('info', `Sharing ${p}`);
      void folder.start();
      added.push(folder.status());
    }
    if (errors.length > 0 && added.length === 0) throw new Error(errors.join(' '));
    for (const e of errors) this.note('warn', e);
    this.scheduleFolders();
    return added;
  }

  private async removeFolder(p: string): Promise<void> {
    const folder = this.folders.require(p);
    await this.folders.remove(folder.path);
    const settings = this.opts.settings.get();
    this.updateSettings({ folders: settings.folders.filter((f) => f.path !== folder.path) });
    this.cache.scheduleSave();
    this.note('info', `Stopped sharing ${folder.path}`);
    this.publishNow();
  }

  private resolveTrack(id: string) {
    const e = this.library.get(id);
    if (!e || this.offlineRoots().has(e.root)) return undefined;
    const allow = this.manifestEntryAllow(id);
    const downloadOnly = !playsInBrowser(e.format);
    return {
      path: e.path,
      size: e.size,
      mtimeMs: e.mtimeMs,
      title: e.title,
      allowDownload: allow,
      downloadOnly,
    };
  }

  /** What the LAN server may serve for an id: a published track in a folder that is online. */
  private lanTrack(id: string): LanTrack | undefined {
    const e = this.library.get(id);
    if (!e || this.offlineRoots().has(e.root)) return undefined;
    return { id: e.id, path: e.path, size: e.size, mtimeMs: e.mtimeMs, mimeType: e.mimeType };
  }

  private manifestEntryAllow(id: string): boolean {
    const e = this.library.get(id);
    if (!e) return false;
    return toTrackInfo(e, this.opts.settings.get()).allowDownload;
  }

  private async refreshTrack(trackId: string): Promise<void> {
    const e = this.library.get(trackId);
    if (e) await this.folders.holding(e.path)?.refresh([e.path]);
  }

  private offlineRoots(): Set<string> {
    return this.folders.offlineRoots();
  }

  private updateSettings(patch: Partial<Settings>): Settings {
    const next = this.opts.settings.update(patch);
    this.emit('settings', next);
    return next;
  }

  private emitChangedTracks(ids: string[]): void {
    const settings = this.opts.settings.get();
    const counts = this.transfers.counts();
    const changed = ids.flatMap((id) => {
      const e = this.library.get(id);
      return e ? [toTrackInfo(e, settings, counts, this.connection.serverAllowsDownloads)] : [];
    });
    this.emit('tracks', { added: [], changed, removed: [], moved: [] });
  }

  /**
   * Coalesces bursts of library changes into one manifest send: 100 ms after a change, or while a
   * folder scans, as `partialPublishDelayMs` says. A pending send is only ever moved earlier.
   */
  private schedulePublish(): void {
    const delay = this.folders.scanning()
      ? partialPublishDelayMs(this.library.size, this.publishedSize)
      : PUBLISH_DELAY_MS;
    const due = performance.now() + delay;
    if (this.publishTimer) {
      if (due >= this.publishDue) return;
      clearTimeout(this.publishTimer);
    }
    this.publishDue = due;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = null;
      this.publishNow();
    }, delay);
  }

  private publishNow(): void {
    if (this.publishTimer) {
      clearTimeout(this.publishTimer);
      this.publishTimer = null;
    }
    const manifest = this.manifest();
    this.publishedSize = manifest.length;
    this.connection.setManifest(manifest);
  }

  private scheduleFolders(): void {
    // Statuses count every folder's tracks: not worth doing four times a second for nobody.
    if (this.foldersTimer || this.events.listenerCount('folders') === 0) return;
    this.foldersTimer = setTimeout(() => {
      this.foldersTimer = null;
      this.emit('folders', this.folders.statuses());
    }, 250);
  }

  /** Coalesces per-transfer progress into at most four `transfers` events a second. */
  private emitTransfers(): void {
    if (this.transfersTimer) return;
    this.transfersTimer = setTimeout(() => {
      this.transfersTimer = null;
      this.emit('transfers', { transfers: this.transfers.list(), totals: this.transfers.totals() });
    }, 250);
  }

  private scheduleSafetyRescan(): void {
    if (this.rescanTimer) clearTimeout(this.rescanTimer);
    const hours = this.opts.settings.get().rescanIntervalHours;
    this.rescanTimer = setTimeout(
      () => {
        this.rescanTimer = null;
        void this.folders.rescanAll().finally(() => this.scheduleSafetyRescan());
      },
      nextSafetyRescanDelay(hours, Math.random),
    );
    this.rescanTimer.unref();
  }

  private note(level: 'info' | 'warn' | 'error', message: string): void {
    const event = this.activity.add(level, message);
    this.log[level](event.message);
    this.emit('activity', event);
  }

  private emit<E extends EventName>(name: E, payload: Events[E]): void {
    this.events.emit(name, payload);
  }
}
