/**
 * A mock engine behind the contract's Api, for development and screenshots (`#mock` in the URL;
 * `#mock=fresh` starts unconfigured, `#mock=unauthorized` with a refused token, `#mock=headless`
 * as a daemon on nas-01 without an encrypted secret store, `#mock=headless-env` as one given its
 * token in the environment). 50,000 generated
 * tracks, folders in every state, transfers that tick every second.
 */
import { createMockNearby } from './mock-nearby';
import { createMockRoom } from './mock-room';
import { createMockPeers } from './mock-peers';
import type {
  ActivityEvent,
  Api,
  CommandArgs,
  CommandName,
  CommandResult,
  Commands,
  ConnectionStatus,
  EventName,
  Events,
  Snapshot,
} from '../../../../shared/contract';
import { mockCoverArt } from './mock-covers';
import { mockActivity, mockFolders, mockSettings, mockTracks, rng } from './mock-data';
import { TransferSim } from './mock-transfers';

type Handlers = {
  [K in CommandName]: (...args: Commands[K][0]) => Commands[K][1] | Promise<Commands[K][1]>;
};

/** The mock Api, plus generated cover art by track id (the transport's `coverUrl`). */
export type MockApi = Api & { coverUrl(trackId: string): string | undefined };

/** Build the mock Api; `scenario` comes from `#mock=…`. Timers start on the first listener. */
export function createMockApi(
  scenario = new URLSearchParams(location.hash.slice(1)).get('mock') ?? '',
): MockApi {
  const now = Date.now();
  const headless = scenario.startsWith('headless');
  let tracks = mockTracks(50_000);
  const folders = mockFolders(tracks, now);
  const settings = mockSettings();
  const activity = mockActivity(now);
  const listeners = new Map<EventName, Set<(p: never) => void>>();
  let connection: ConnectionStatus = {
    state: 'connected',
    server: settings.server,
    username: settings.username,
    sessionId: 'b0e1c7d2-5f7a-4c1e-9a55-0f3f6d4c2e11',
    since: now - 69 * 60_000,
    publishedTracks: tracks.length,
  };
  if (scenario === 'fresh')
    connection = { state: 'not-configured', since: now, publishedTracks: 0 };
  if (scenario === 'unauthorized') {
    connection = {
      ...connection,
      state: 'stopped',
      problem: { code: 'unauthorized', message: 'Token rejected by server (401)', status: 401 },
    };
  }
  const emit = <E extends EventName>(name: E, payload: Events[E]) => {
    for (const fn of listeners.get(name) ?? []) (fn as (p: Events[E]) => void)(payload);
  };
  const log = (level: ActivityEvent['level'], message: string) => {
    const e = { at: Date.now(), level, message };
    activity.push(e);
    emit('activity', e);
  };

  const sim = new TransferSim(rng(42), () => tracks);
  if (connection.state === 'connected') sim.seed();
  const tick = () => {
    if (connection.state !== 'connected') return;
    emit('transfers', sim.tick(settings.maxConcurrentTransfers));
  };
  let timer: ReturnType<typeof setInterval> | undefined;

  const snapshot = (): Snapshot => ({
    version: '0.1.0-mock',
    connection,
    folders,
    trackCount: tracks.length,
    transfers: sim.transfers,
    totals: sim.totals,
    settings,
    hasToken: connection.state !== 'not-configured',
    activity: activity.slice(-50),
    host: headless ? 'headless' : 'desktop',
    hostname: headless ? 'nas-01' : 'maria-laptop',
    secretsEncrypted: !headless,
    tokenLocation: scenario === 'headless-env' ? 'environment' : undefined,
  });
  const setConnection = (c: Partial<ConnectionStatus>) => {
    connection = { ...connection, ...c, since: Date.now() };
    emit('connection', connection);
  };
  const connectOk = (server: string, username = 'maria') => {
    settings.server = server;
    settings.username = username;
    setConnection({
      state: 'connected',
      server,
      username,
      problem: undefined,
      publishedTracks: tracks.length,
    });
    log('info', `Connected to ${new URL(server).host}`);
    return { ok: true };
  };

  const nearby = createMockNearby(
    () => settings.lan.enabled,
    (s) => emit('nearby', s),
  );
  const h: Handlers = {
    getSnapshot: snapshot,
    listTracks: () => tracks,
    connect: ({ server, token }) =>
      token.trim().length < 8
        ? {
            ok: false,
            problem: {
              code: 'unauthorized',
              message: 'Token rejected by server (401)',
              status: 401,
            },
          }
        : connectOk(server),
    login: ({ server, username, password }) =>
      password === 'wrong'
        ? {
            ok: false,
            problem: { code: 'unauthorized', message: 'Wrong username or password', status: 401 },
          }
        : username === 'guest'
          ? {
              ok: false,
              problem: { code: 'forbidden', message: 'Peer sharing not enabled', status: 403 },
            }
          : connectOk(server, username),
    signOut: () =>
      setConnection({ state: 'not-configured', server: undefined, username: undefined }),
    addFolders: (paths) => {
      const added = paths.map((path) => ({
        path,
        download: 'inherit' as const,
        exclude: [...settings.defaultExclude],
        state: 'scanning' as const,
        tracks: 0,
        bytes: 0,
        skipped: [],
        progress: { found: 0, parsed: 0, skipped: 0 },
      }));
      folders.push(...added);
      emit('folders', [...folders]);
      return added;
    },
    removeFolder: (path) => {
      const i = folders.findIndex((f) => f.path === path);
      if (i >= 0) folders.splice(i, 1);
      const removed = tracks.filter((t) => t.folder === path).map((t) => t.id);
      tracks = tracks.filter((t) => t.folder !== path);
      emit('folders', [...folders]);
      emit('tracks', { added: [], changed: [], removed, moved: [] });
    },
    rescan: () => log('info', 'Rescan started'),
    setFolderOptions: (path, opts) => {
      const f = folders.find((x) => x.path === path);
      if (!f) throw new Error(`${path} is not a shared folder.`);
      Object.assign(f, opts);
      emit('folders', [...folders]);
      return f;
    },
    setTrackDownload: (ids, policy) => {
      const set = new Set(ids);
      const changed = tracks.filter((t) => set.has(t.id));
      for (const t of changed) {
        t.override = policy;
        t.allowDownload = policy === 'inherit' ? settings.allowDownloads : policy === 'allow';
      }
      emit('tracks', {
        added: [],
        changed: changed.map((t) => ({ ...t })),
        removed: [],
        moved: [],
      });
    },
    setGlobalDownloads: (on) => {
      settings.allowDownloads = on;
      emit('settings', { ...settings });
    },
    setPaused: (paused) => {
      settings.paused = paused;
      emit('settings', { ...settings });
      setConnection({ state: paused ? 'paused' : 'connected' });
    },
    updateSettings: (patch) => {
      Object.assign(settings, patch);
      emit('settings', { ...settings });
      if (patch.lan) emit('nearby', nearby.getNearby());
      return { ...settings };
    },
    pickFolders: () => ['/home/maria/Music/New Album'],
    openLogs: () => '/home/maria/.config/tunecamp-share/logs',
    listLanDevices: () => [],
    createLanToken: (name) => ({ name, token: 'tcl_mock' }),
    revokeLanToken: () => false,
    ...nearby,
    ...createMockPeers((list) => emit('downloads', list)),
    ...createMockRoom(
      () => settings.lan.enabled,
      (id) => tracks.find((t) => t.id === id),
      (r) => emit('room', r),
    ),
  };

  let byId: Map<string, (typeof tracks)[number]> | undefined;
  return {
    coverUrl(trackId) {
      byId ??= new Map(tracks.map((t) => [t.id, t]));
      const t = byId.get(trackId);
      return t && mockCoverArt(t.artist ?? '', t.album ?? '');
    },
    async invoke<K extends CommandName>(
      name: K,
      ...args: CommandArgs<K>
    ): Promise<CommandResult<K>> {
      await new Promise((res) => setTimeout(res, 30)); // feel like a real round trip
      const fn = h[name] as (...a: CommandArgs<K>) => CommandResult<K> | Promise<CommandResult<K>>;
      return structuredClone(await fn(...args));
    },
    on<E extends EventName>(name: E, listener: (payload: Events[E]) => void): () => void {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener as (p: never) => void);
      if (!timer) {
        timer = setInterval(tick, 1000);
        // In Node (tests using the mock as a fake daemon) the ticker must not keep the process alive.
        (timer as { unref?: () => void }).unref?.();
      }
      return () => set.delete(listener as (p: never) => void);
    },
  };
}
