/**
 * The one contract between the engine and every face of it (Electron IPC through the preload, the
 * headless remote-control WebSocket, tests). Types and channel lists only: no imports, no logic
 * beyond the channel lists, so preload and renderer can bundle it.
 */

/** One track as TuneCamp's manifest stores it (PROTOCOL.md section 3). */
export interface ManifestTrack {
  id: string;
  title: string;
  artist?: string;
  album?: string;
  /** Seconds. */
  duration?: number;
  fileSizeBytes: number;
  mimeType: string;
  allowDownload: boolean;
}

/** Per-folder or per-track download choice; `inherit` defers to the level above. */
export type DownloadPolicy = 'inherit' | 'allow' | 'deny';

/** A track as the window shows it: the manifest fields plus where it lives and how it got its flag. */
export interface TrackInfo extends ManifestTrack {
  /** The shared root this file belongs to. */
  folder: string;
  /** Path relative to `folder`, with `/` separators. */
  relPath: string;
  /** Short format label: mp3, flac, ogg, opus, wav, aiff, m4a, aac, wma, ape, wv, mpc, dsf, mka, webm, mp2. */
  format: string;
  /** The track's own override, if any. */
  override: DownloadPolicy;
  /** Completed plays and downloads served since the app started counting (all time). */
  plays: number;
  downloads: number;
  /**
   * Published download-only: the format plays in apps, not in browsers (the folder shares such
   * files for download, `FolderOptions.appOnly`), so a listener's play button cannot play it.
   */
  downloadOnly?: boolean;
}

/** A file that was not published, and why (shown to the user as is). */
export interface SkippedFile {
  path: string;
  reason: string;
}

export type FolderState = 'scanning' | 'watching' | 'polling' | 'offline' | 'error';

/** User-chosen options of one shared folder (persisted in settings). */
export interface FolderOptions {
  path: string;
  download: DownloadPolicy;
  /** gitignore-style patterns, relative to the folder, on top of the default junk list. */
  exclude: string[];
  /**
   * "Share files browsers cannot play, for download" (off when absent): such files are published
   * download-only instead of skipped with "plays in apps, not in browsers".
   */
  appOnly?: boolean;
}

/** Kinds of files a scan leaves out as not audio (hidden files are not counted at all). */
export type IgnoredKind = 'image' | 'text' | 'playlist' | 'system' | 'excluded' | 'other';

/** How many files of each kind a scan left out as not audio. */
export type IgnoredCounts = Partial<Record<IgnoredKind, number>>;

/** Live state of one shared folder. */
export interface FolderStatus extends FolderOptions {
  state: FolderState;
  tracks: number;
  bytes: number;
  /** Epoch ms of the last completed scan. */
  lastScanAt?: number;
  /** Present while scanning. */
  progress?: { found: number; parsed: number; skipped: number };
  skipped: SkippedFile[];
  /** Published files whose damaged tag was ignored, each with its note (absent when none). */
  notes?: SkippedFile[];
  /**
   * Of `tracks`, those that a folder listed before this one holds too (the same file reached
   * twice, or an identical copy): counted in both folders' `tracks`, published once. `alsoIn`
   * names those folders. Absent when none.
   */
  duplicates?: { tracks: number; alsoIn: string[] };
  /** Files that are not audio, by kind, as counted by the last full scan (absent before one). */
  ignored?: IgnoredCounts;
  /** Why the folder is offline, in error, or polling instead of watching. */
  reason?: string;
}

/** Why sharing is not happening, as a machine-readable cause (the UI maps each to a next step). */
export type ProblemCode =
  | 'not-configured'
  | 'unauthorized'
  | 'forbidden'
  | 'sharing-disabled'
  | 'unreachable'
  | 'not-tunecamp'
  | 'server-error'
  | 'silent-server'
  | 'conflict'
  | 'folder-offline'
  | 'watch-limit'
  | 'no-folders';

export type ConnectionState =
  'not-configured' | 'connecting' | 'connected' | 'waiting' | 'paused' | 'stopped';

/** The tunnel's state. `waiting` means a retry is scheduled at `nextRetryAt`; `stopped` needs the user. */
export interface ConnectionStatus {
  state: ConnectionState;
  /** Normalised server address (no token, ever). */
  server?: string;
  username?: string;
  sessionId?: string;
  /** Epoch ms when this state began. */
  since: number;
  /** The last problem, if the connection is not healthy. */
  problem?: { code: ProblemCode; message: string; status?: number };
  nextRetryAt?: number;
  /** Tracks in the last manifest sent on this session. */
  publishedTracks: number;
  /**
   * The server's global "Allow Peer Downloads" switch, as read after the last connect (absent
   * until read, or when the server does not say). False: the server allows streaming only.
   */
  serverAllowsDownloads?: boolean;
}

export type TransferKind = 'stream' | 'download';
export type TransferState = 'queued' | 'active' | 'done' | 'cancelled' | 'failed';

export interface TransferInfo {
  requestId: string;
  trackId: string;
  title: string;
  kind: TransferKind;
  state: TransferState;
  bytesSent: number;
  totalBytes: number;
  /** Bytes per second over the last few seconds. */
  rate: number;
  startedAt: number;
  endedAt?: number;
  error?: string;
}

export interface TransferTotals {
  /** Bytes served since local midnight. */
  bytesToday: number;
  bytesAllTime: number;
  streamsToday: number;
  downloadsToday: number;
  /** Rolling upload rate, bytes per second. */
  rate: number;
  active: number;
  queued: number;
}

/** One entry of the activity log (connected, folder offline, 3 files skipped…). */
export interface ActivityEvent {
  at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** Settings the user controls. The token is never part of this object. */
export interface Settings {
  schemaVersion: number;
  server: string;
  username: string;
  /** Global download default; also the tunnel's `allowDownloads` session flag. */
  allowDownloads: boolean;
  folders: FolderOptions[];
  /** Per-track overrides, by track id. */
  trackOverrides: Record<string, 'allow' | 'deny'>;
  maxConcurrentTransfers: number;
  /** Upload cap in bytes per second; 0 means unlimited. */
  uploadRateLimit: number;
  paused: boolean;
  autostart: boolean;
  notifications: boolean;
  /** Default exclusion patterns for new folders. */
  defaultExclude: string[];
  /** Safety rescan interval in hours (randomised ±10 %). */
  rescanIntervalHours: number;
  /** Rescan interval in seconds for folders that cannot be watched. */
  pollIntervalSeconds: number;
  /** The LAN range server (off by default). */
  lan: LanSettings;
}

/** The LAN range server: `GET /track/{id}` for devices holding a LAN token (docs/LAN.md). */
export interface LanSettings {
  enabled: boolean;
  /** TCP port; 0 picks a free one at each start. */
  port: number;
  /** Address to bind: `0.0.0.0` (every IPv4 interface), `::`, or one interface's address. */
  host: string;
  /**
   * Network interfaces to announce the device on, by name (`eth0`); empty or absent: every
   * interface that looks like a LAN (no loopback, container bridge, tunnel or VPN).
   */
  interfaces?: string[];
}

/** A device allowed to read over the LAN; its token is shown once, when created. */
export interface LanDevice {
  name: string;
  /** Epoch ms. */
  createdAt: number;
}

/**
 * Where the token in use lives: the daemon's environment (`TUNECAMP_TOKEN`), the file named by
 * `--token-file`, the daemon's command line (`--token`), the app's state folder (saved after a
 * sign-in in the window), the system keyring (encrypted), or memory only (gone at exit).
 */
export type TokenLocation =
  'environment' | 'token-file' | 'command-line' | 'state-folder' | 'keyring' | 'memory';

/** Everything the window needs to draw itself at once. */
export interface Snapshot {
  version: string;
  connection: ConnectionStatus;
  folders: FolderStatus[];
  trackCount: number;
  transfers: TransferInfo[];
  totals: TransferTotals;
  settings: Settings;
  hasToken: boolean;
  activity: ActivityEvent[];
  /** Where this engine runs: the desktop app or a headless daemon driven remotely. */
  host: 'desktop' | 'headless';
  /** The name of the machine the engine runs on (its folder paths are paths on that machine). */
  hostname?: string;
  /** Whether secrets are encrypted at rest (Electron safeStorage); false means plain file. */
  secretsEncrypted: boolean;
  /** Where the token in use really is (absent without a token, or when the host does not say). */
  tokenLocation?: TokenLocation;
  /** The LAN server's port while it listens (absent when off). */
  lanPort?: number;
}

/** A coalesced change of the library (PROTOCOL has no delta; the engine republishes in full). */
export interface ManifestDelta {
  added: TrackInfo[];
  changed: TrackInfo[];
  removed: string[];
  moved: { id: string; from: string; to: string }[];
}

/** Answer of a connection test or login. */
export interface ConnectResult {
  ok: boolean;
  problem?: { code: ProblemCode; message: string; status?: number };
}

/** Commands: name → [arguments tuple, result]. Every face implements exactly these. */
export interface Commands {
  getSnapshot: [[], Snapshot];
  listTracks: [[], TrackInfo[]];
  /** Save server + token and (re)connect. */
  connect: [[{ server: string; token: string }], ConnectResult];
  /** Exchange username/password for a token via POST /api/auth/login, then connect. */
  login: [[{ server: string; username: string; password: string }], ConnectResult];
  signOut: [[], void];
  addFolders: [[string[]], FolderStatus[]];
  removeFolder: [[string], void];
  rescan: [[string | null], void];
  setFolderOptions: [
    [string, { download?: DownloadPolicy; exclude?: string[]; appOnly?: boolean }],
    FolderStatus,
  ];
  setTrackDownload: [[string[], DownloadPolicy], void];
  setGlobalDownloads: [[boolean], void];
  setPaused: [[boolean], void];
  updateSettings: [
    [
      Partial<
        Pick<
          Settings,
          | 'maxConcurrentTransfers'
          | 'uploadRateLimit'
          | 'autostart'
          | 'notifications'
          | 'defaultExclude'
          | 'rescanIntervalHours'
          | 'pollIntervalSeconds'
          | 'lan'
        >
      >,
    ],
    Settings,
  ];
  /** Desktop only: native folder picker. Headless answers []. */
  pickFolders: [[], string[]];
  /** Desktop only: open the logs folder. Headless answers the path. */
  openLogs: [[], string];
  /** Devices holding a LAN token. */
  listLanDevices: [[], LanDevice[]];
  /** Creates a LAN token for a named device; the answer is the only time the token is shown. */
  createLanToken: [[string], { name: string; token: string }];
  /** Revokes one device's LAN token and cuts its open streams; false when no such device. */
  revokeLanToken: [[string], boolean];
  /** Devices announcing themselves on the LAN, and the paired ones (LAN sharing on). */
  getNearby: [[], NearbyState];
  /** One-time pairing links (two minutes, single use), one per address the LAN server has. */
  createPairLink: [[], string[]];
  /** Pairs with the host of a link; answers the host's name. */
  pairWithLink: [[string], string];
  /** Forgets a paired device and cuts its connections; false when no such device. */
  unpairDevice: [[string], boolean];
  /**
   * Asks a device from the Nearby list (by id) to pair: answers the short code to show, which the
   * other screen shows too, and a handle for `confirmPairByName`.
   */
  pairByName: [[string], { pairing: string; code: string; name: string }];
  /**
   * This user's word on the code (true: it matches). Resolves with the device's name once its user
   * has accepted as well; rejects when either side declined or two minutes passed.
   */
  confirmPairByName: [[string, boolean], string];
  /** This user's answer to a device asking to pair (NearbyState.requests): accept or decline. */
  answerPairRequest: [[string, boolean], void];
  /**
   * Changes what a paired device (id or id prefix) may do here: its defaults, or one shared
   * folder's (`folder`: the folder's path as shared; `inherit: true` drops that folder's
   * override). Turning a grant off cuts the device's open responses that lose it.
   */
  setPeerGrants: [
    [string, { folder?: string; grants?: Partial<PeerGrants>; inherit?: boolean }],
    PairedDevice,
  ];
  /** Sets where a paired device is reached (`HOST:PORT` of its peer listener), where mDNS cannot see it. */
  setPeerAddress: [[string, string], PairedDevice];
  /** A paired device's shared folders (path '') or one folder's sub-folders and tracks. */
  browsePeer: [[string, string], PeerListing];
  /** Tracks and folders of a paired device matching a term (title, artist, album, file name). */
  searchPeer: [[string, string], PeerSearchResult];
  /**
   * A loopback URL (this engine's proxy, 127.0.0.1, secret per run) that plays a paired device's
   * track in an `<audio>` element, seeking included (Range passes through).
   */
  peerTrackUrl: [[string, string], string];
  /**
   * Queues tracks (ids or paths from browsePeer) or a whole folder (recursively) of a paired
   * device for download into a folder of this machine; resumable, survives restarts.
   */
  downloadFromPeer: [[string, { tracks?: string[]; folder?: string }, string], PeerDownload[]];
  /** Every download this engine knows (queued, running, paused, failed, done this run). */
  getDownloads: [[], PeerDownload[]];
  pauseDownload: [[string], void];
  resumeDownload: [[string], void];
  /** Stops a download and deletes its partial file. */
  cancelDownload: [[string], void];
  /** Opens the listening room on these track ids (LAN sharing on; one room at a time). */
  openRoom: [[{ tracks: string[]; options?: Partial<RoomOptionsInfo> }], RoomOpened];
  /** The open room, or null. */
  getRoom: [[], RoomInfo | null];
  /** Fresh join links for the open room (one one-time code, one link per LAN address). */
  createRoomLink: [[], string[]];
  /** The host's controls of the open room. */
  controlRoom: [[RoomControl], RoomInfo];
  /** Closes the open room: every listener's session, socket and audio end. */
  closeRoom: [[], void];
}

/** What a paired device may do here (browse: list and search; stream: play; download). */
export interface PeerGrants {
  browse: boolean;
  stream: boolean;
  download: boolean;
}

/** A folder of a paired device: `path` is '/'-separated, its first part the shared folder's name. */
export interface PeerFolder {
  path: string;
  name: string;
}

/** A track of a paired device. */
export interface PeerTrack {
  id: string;
  title: string;
  artist?: string;
  album?: string;
  /** Seconds. */
  duration?: number;
  size: number;
  mimeType: string;
  /** Its path on the device, '/'-separated, the first part being the shared folder's name. */
  path: string;
}

/** One folder of a paired device (or its shared folders, for path ''). */
export interface PeerListing {
  path: string;
  folders: PeerFolder[];
  tracks: PeerTrack[];
}

/** Search results from a paired device; `truncated` when there were more than the limit. */
export interface PeerSearchResult {
  folders: PeerFolder[];
  tracks: PeerTrack[];
  truncated: boolean;
}

/** A download from a paired device. */
export interface PeerDownload {
  /** The download's key (pause, resume, cancel). */
  id: string;
  peerId: string;
  trackId: string;
  /** Where it goes below `destDir`. */
  relPath: string;
  destDir: string;
  state: 'queued' | 'active' | 'paused' | 'done' | 'failed' | 'cancelled';
  /** Bytes on hand, and the file's size (0 until the peer has said). */
  received: number;
  size: number;
  /** The final path, once done. */
  file?: string;
  error?: string;
}

/** A device announcing itself on the LAN (a hint: trust comes from pairing). */
export interface NearbyDevice {
  id: string;
  name: string;
  address: string;
  port: number;
  paired: boolean;
}

/** A device paired with this one, and what it may do here. */
export interface PairedDevice {
  id: string;
  name: string;
  /** The defaults, for every shared folder without its own. */
  grants: PeerGrants;
  /** Per shared folder (its path here), overriding `grants`. */
  folders?: Record<string, PeerGrants>;
  /** Where it was last reached or seen (`HOST:PORT` of its peer listener). */
  address?: string;
  pairedAt: number;
}

/** The Nearby view's data. */
export interface NearbyState {
  /** False while LAN sharing is off: nothing is announced or looked for. */
  enabled: boolean;
  /** This device's id (its certificate hash), once LAN sharing has run. */
  myId: string | null;
  nearby: NearbyDevice[];
  paired: PairedDevice[];
  /** Devices asking to pair by name, waiting for this user's answer. */
  requests: PairRequest[];
}

/** A device asking to pair by name: accept only if its screen shows the same code. */
export interface PairRequest {
  /** The handle for answerPairRequest. */
  request: string;
  deviceId: string;
  name: string;
  address: string;
  /** Six digits, "123 456". */
  code: string;
  expiresAt: number;
}

export type CommandName = keyof Commands;
export type CommandArgs<K extends CommandName> = Commands[K][0];
export type CommandResult<K extends CommandName> = Commands[K][1];

/** A listening room's per-room options (docs/LAN.md, Listening rooms). */
export interface RoomOptionsInfo {
  /** Listeners may play, pause, seek and skip (off: the host controls). */
  listenersControl: boolean;
  /** Pause everyone while someone buffers (off: that listener is "catching up"). */
  pauseForBuffering: boolean;
  /** Pages nudge playbackRate by up to 3 % between seeks (off: it can be heard on music). */
  rateNudge: boolean;
}

/** A listener in the room, with what its page measured. */
export interface RoomListener {
  id: string;
  name: string;
  state: 'joining' | 'ready' | 'playing' | 'paused' | 'catching-up';
  /** Its clock's offset from the host's and the round trip of its best sample, ms. */
  offset: number;
  rtt: number;
  /** Its last reported |position error|, ms. */
  errorMs: number;
}

/** The open listening room as the host's window shows it. */
export interface RoomInfo {
  id: string;
  queue: { id: string; title: string; artist?: string; duration?: number }[];
  /** The timeline: `position` s into track `index` at host time `atHostTime` (ms). */
  status: { state: 'playing' | 'paused'; index: number; position: number; atHostTime: number };
  /** The host's clock (the one `atHostTime` is on) when this was made, ms. */
  hostNow: number;
  listeners: RoomListener[];
  options: RoomOptionsInfo;
  /** The data saver (an AAC HLS rendition made with the host's ffmpeg): offered, or what it needs. */
  dataSaver: string;
}

/** openRoom's answer: the room and its first join links. */
export interface RoomOpened {
  room: RoomInfo;
  links: string[];
}

/** A host control of the open room. */
export type RoomControl =
  | { action: 'play' }
  | { action: 'pause' }
  | { action: 'skip' }
  | { action: 'seek'; position: number }
  | { action: 'select'; index: number }
  | { action: 'reorder'; from: number; to: number };

/** Events pushed from the engine to every face. */
export interface Events {
  connection: ConnectionStatus;
  folders: FolderStatus[];
  tracks: ManifestDelta;
  transfers: { transfers: TransferInfo[]; totals: TransferTotals };
  activity: ActivityEvent;
  settings: Settings;
  nearby: NearbyState;
  /** The download list, on every change and at most 4 times a second while bytes flow. */
  downloads: PeerDownload[];
  /** The open room changed (listeners, their offsets, the timeline), or closed (null). */
  room: RoomInfo | null;
}

export type EventName = keyof Events;

/** The channel lists; the preload and the remote server allow exactly these. */
export const COMMAND_NAMES = [
  'getSnapshot',
  'listTracks',
  'connect',
  'login',
  'signOut',
  'addFolders',
  'removeFolder',
  'rescan',
  'setFolderOptions',
  'setTrackDownload',
  'setGlobalDownloads',
  'setPaused',
  'updateSettings',
  'pickFolders',
  'openLogs',
  'listLanDevices',
  'createLanToken',
  'revokeLanToken',
  'getNearby',
  'createPairLink',
  'pairWithLink',
  'unpairDevice',
  'pairByName',
  'confirmPairByName',
  'answerPairRequest',
  'setPeerGrants',
  'setPeerAddress',
  'browsePeer',
  'searchPeer',
  'peerTrackUrl',
  'downloadFromPeer',
  'getDownloads',
  'pauseDownload',
  'resumeDownload',
  'cancelDownload',
  'openRoom',
  'getRoom',
  'createRoomLink',
  'controlRoom',
  'closeRoom',
] as const satisfies readonly CommandName[];

export const EVENT_NAMES = [
  'connection',
  'folders',
  'tracks',
  'transfers',
  'activity',
  'settings',
  'nearby',
  'downloads',
  'room',
] as const satisfies readonly EventName[];

/** What the renderer receives (from the preload or the WebSocket client): the same on both transports. */
export interface Api {
  invoke<K extends CommandName>(name: K, ...args: CommandArgs<K>): Promise<CommandResult<K>>;
  on<E extends EventName>(name: E, listener: (payload: Events[E]) => void): () => void;
}

/** IPC channel names used by the preload and the main process. */
export const IPC_INVOKE = 'tunecamp:invoke';
export const IPC_EVENT = 'tunecamp:event';
/** (name, on): the page starts or stops listening to an event; main forwards only those. */
export const IPC_SUBSCRIBE = 'tunecamp:subscribe';
