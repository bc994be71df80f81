import type { ConnectionStatus, ConnectResult, ManifestTrack } from '../../shared/contract';
import { describeSaveError } from './fs/fs-errors';
import { ServerSide } from './server-side';
import { closeServerProxies } from './net/proxy';
import { lookupSessionUsername, loginWithPassword, usernameFromToken } from './server-auth';
import type { SecretStore, SettingsStore } from './settings/store';
import type { TransferManager } from './transfers/transfer-manager';
import { PeerTunnel } from './tunnel/peer-tunnel';
import { normalizeServerUrl } from './tunnel/server-url';

/** What the connection needs from the engine. */
export interface EngineConnectionOptions {
  settings: SettingsStore;
  secrets: SecretStore;
  transfers: TransferManager;
  tunnel?: { silenceTimeoutMs?: number; retry?: Record<string, number>; conflictPollMs?: number };
  /** Builds the current manifest for a new tunnel (kept by the tunnel, not here: one copy is enough). */
  manifest: () => ManifestTrack[];
  onStatus: (status: ConnectionStatus) => void;
  onLog: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** The server's download switch changed (see `serverAllowsDownloads`). */
  onServerDownloads?: (allowed: boolean | undefined) => void;
}

export { STREAMING_ONLY } from './server-side';

/** How long `connect` waits for the first verdict of a new server/token pair. */
const CONNECT_VERDICT_MS = 15_000;

/**
 * Owns the one live tunnel: creates it from settings + token, swaps it when they change, routes
 * requests to the transfers, and turns the tunnel's status into the engine's (paused, not
 * configured). A new server/token is tried first and only saved once the server accepted it.
 */
export class EngineConnection {
  private tunnel: PeerTunnel | null = null;
  private current: ConnectionStatus = {
    state: 'not-configured',
    since: Date.now(),
    publishedTracks: 0,
  };
  private token: string | null = null;
  private lastState: ConnectionStatus['state'] | null = null;
  private sink: unknown = null;
  private askedSession: string | null = null;
  private readonly server: ServerSide;

  constructor(private readonly opts: EngineConnectionOptions) {
    this.server = new ServerSide({
      onLog: (level, message) => opts.onLog(level, message),
      onDownloads: (allowed) => {
        this.setStatus({ ...this.current });
        opts.onServerDownloads?.(allowed);
      },
      conflictPollMs: opts.tunnel?.conflictPollMs,
    });
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  get hasToken(): boolean {
    return this.token !== null;
  }

  /** The server's global download switch as last read; undefined until read. */
  get serverAllowsDownloads(): boolean | undefined {
    return this.server.downloads;
  }

  /** A new manifest for the live tunnel (which resends it in full on every new session). */
  setManifest(tracks: ManifestTrack[]): void {
    this.tunnel?.setManifest(tracks);
  }

  /** (Re)builds the tunnel from the saved settings and token; honours `paused`. */
  async restart(): Promise<void> {
    await this.closeTunnel();
    this.token = await this.opts.secrets.getToken();
    const settings = this.opts.settings.get();
    if (!settings.server || !this.token) {
      this.setStatus({ state: 'not-configured', since: Date.now(), publishedTracks: 0 });
      return;
    }
    if (settings.paused) {
      this.setStatus({
        state: 'paused',
        server: settings.server,
        since: Date.now(),
        publishedTracks: 0,
      });
      return;
    }
    this.tunnel = this.createTunnel(settings.server, this.token, settings.allowDownloads);
    this.tunnel.start();
  }

  /** Tries a server + token; on success saves both and keeps the new tunnel. */
  async connect(serverInput: string, token: string): Promise<ConnectResult> {
    const norm = normalizeServerUrl(serverInput);
    if (!norm.ok) return { ok: false, problem: { code: 'unreachable', message: norm.error } };
    const trimmed = token.trim();
    if (!trimmed)
      return { ok: false, problem: { code: 'unauthorized', message: 'Paste a token first.' } };
    const settings = this.opts.settings.get();
    const candidate = this.createTunnel(norm.url, trimmed, settings.allowDownloads);
    const verdict = await this.firstVerdict(candidate);
    if (!verdict.ok) {
      await candidate.stop();
      this.opts.onLog(
        'warn',
        `Could not connect to ${norm.url}: ${verdict.problem?.message ?? 'no answer'}`,
      );
      return verdict;
    }
    await this.closeTunnel();
    await this.opts.secrets.setToken(trimmed);
    this.token = trimmed;
    // A name from the token itself, else asked from the server once connected (learnUsername).
    const username = usernameFromToken(trimmed) ?? '';
    this.opts.settings.update({ server: norm.url, username, paused: false });
    this.tunnel = candidate;
    this.setStatus(candidate.status);
    return { ok: true };
  }

  /** Exchanges a username and password for a token, then connects with it. */
  async login(serverInput: string, username: string, password: string): Promise<ConnectResult> {
    const norm = normalizeServerUrl(serverInput);
    if (!norm.ok) return { ok: false, problem: { code: 'unreachable', message: norm.error } };
    const result = await loginWithPassword(norm.url, username, password);
    if (!result.ok) return { ok: false, problem: result.problem };
    const connected = await this.connect(norm.url, result.token);
    if (connected.ok) this.opts.settings.update({ username });
    return connected;
  }

  /** Forgets the token and disconnects. */
  async signOut(): Promise<void> {
    await this.closeTunnel();
    await this.opts.secrets.clearToken();
    this.token = null;
    this.opts.settings.update({ username: '' });
    this.setStatus({ state: 'not-configured', since: Date.now(), publishedTracks: 0 });
    this.opts.onLog('info', 'Signed out');
  }

  async stop(): Promise<void> {
    await this.closeTunnel();
    await closeServerProxies();
  }

  private createTunnel(server: string, token: string, allowDownloads: boolean): PeerTunnel {
    const { silenceTimeoutMs, retry } = this.opts.tunnel ?? {};
    const tunnel = new PeerTunnel({ server, token, allowDownloads, silenceTimeoutMs, retry });
    tunnel.setManifest(this.opts.manifest());
    tunnel.on('status', (s) => {
      if (this.tunnel === tunnel) {
        this.setSink(s.state === 'connected' ? tunnel.sink : null);
        this.setStatus(s);
      }
    });
    tunnel.on('request', (req) => {
      if (this.tunnel === tunnel) this.opts.transfers.handle(req);
    });
    tunnel.on('cancel', (id) => this.opts.transfers.cancel(id));
    tunnel.on('system', (text) => this.opts.onLog('info', `Server: ${text}`));
    return tunnel;
  }

  /** Waits for a new tunnel's first answer: connected, or a problem worth reporting. */
  private firstVerdict(tunnel: PeerTunnel): Promise<ConnectResult> {
    return new Promise((resolve) => {
      const done = (r: ConnectResult) => {
        clearTimeout(timer);
        tunnel.off('status', onStatus);
        resolve(r);
      };
      const onStatus = (s: ConnectionStatus) => {
        if (s.state === 'connected') done({ ok: true });
        else if (s.problem && (s.state === 'stopped' || s.state === 'waiting')) {
          done({ ok: false, problem: s.problem });
        }
      };
      const timer = setTimeout(
        () =>
          done({
            ok: false,
            problem: { code: 'unreachable', message: 'The server did not answer in time.' },
          }),
        CONNECT_VERDICT_MS,
      );
      tunnel.on('status', onStatus);
      tunnel.start();
    });
  }

  private async closeTunnel(): Promise<void> {
    this.server.stopWatch();
    const t = this.tunnel;
    this.tunnel = null;
    this.setSink(null);
    if (t) await t.stop();
  }

  /** Asks the server which account this session belongs to, once per session, for display. */
  private async learnUsername(server: string, sessionId: string): Promise<void> {
    if (!this.token || this.askedSession === sessionId) return;
    this.askedSession = sessionId;
    const name = await lookupSessionUsername(server, this.token, sessionId);
    if (!name || this.current.sessionId !== sessionId) return;
    try {
      this.opts.settings.update({ username: name });
    } catch (err) {
      // Only a display name: shown for this run even when it cannot be saved (a full disk).
      this.opts.onLog('warn', `Could not save the account name: ${describeSaveError(err)}`);
    }
    this.setStatus({ ...this.current, username: name });
  }

  /** Hands the live socket to the transfers; a new or lost socket drops every transfer at once. */
  private setSink(sink: PeerTunnel['sink']): void {
    if (sink === this.sink) return;
    this.sink = sink;
    this.opts.transfers.setSink(sink);
  }

  private setStatus(s: ConnectionStatus): void {
    const username = this.opts.settings.get().username || undefined;
    this.current = { ...s, username: s.username ?? username };
    const downloads = this.server.downloads;
    if (downloads !== undefined) this.current.serverAllowsDownloads = downloads;
    if (s.state === 'connected' && s.sessionId && !this.current.username) {
      void this.learnUsername(s.server ?? '', s.sessionId);
    }
    this.server.onStatus(this.current, this.token, this.tunnel);
    if (s.state !== this.lastState) {
      this.lastState = s.state;
      if (s.state === 'connected') this.opts.onLog('info', `Sharing with ${s.server ?? 'server'}`);
      else if (s.problem) this.opts.onLog('warn', s.problem.message);
    }
    this.opts.onStatus(this.current);
  }
}
