/**
 * The connection's look at the server's HTTP side (see server-watch.ts): the download switch,
 * read once per session, and the watch for another sharer on the account while backing off.
 */
import type { ConnectionStatus } from '../../shared/contract';
import { ConflictWatch, fetchPeerStatus } from './server-watch';

/** Shown in the log and the window when the server's admin has switched peer downloads off. */
export const STREAMING_ONLY =
  'This server allows streaming only: its admin has switched off peer downloads, so listeners cannot download your tracks.';

/** What ServerSide reports to the connection. */
export interface ServerSideOptions {
  onLog: (level: 'info' | 'warn', message: string) => void;
  /** The download switch changed (after a read that differs from the last one). */
  onDownloads: (allowed: boolean) => void;
  /** Poll interval of the account's sessions while backing off (default in ConflictWatch). */
  conflictPollMs?: number;
}

/** Per-connection state of the two HTTP looks; one per EngineConnection. */
export class ServerSide {
  private checkedSession: string | null = null;
  private allowed: boolean | undefined;
  private watch: ConflictWatch | null = null;
  private watchedFor: object | null = null;

  constructor(private readonly opts: ServerSideOptions) {}

  /** The server's global download switch as last read; undefined until read. */
  get downloads(): boolean | undefined {
    return this.allowed;
  }

  /** A new status of `tunnel`: reads the switch on a new session, (un)watches on a conflict. */
  onStatus(s: ConnectionStatus, token: string | null, tunnel: { retryNow(): void } | null): void {
    if (s.state === 'connected' && s.sessionId && s.server) {
      void this.checkDownloads(s.server, s.sessionId);
    }
    const conflict = s.state === 'waiting' && s.problem?.code === 'conflict';
    if (!conflict || !s.username || !token || !s.server || !tunnel) return this.stopWatch();
    if (this.watch && this.watchedFor === tunnel) return;
    this.stopWatch();
    this.watchedFor = tunnel;
    this.watch = new ConflictWatch({
      server: s.server,
      token,
      username: s.username,
      pollMs: this.opts.conflictPollMs,
      onGone: () => {
        this.watch = null;
        this.opts.onLog('info', 'The other sharer on this account has quit: reconnecting now.');
        tunnel.retryNow();
      },
    });
    this.watch.start();
  }

  /** Stops the watch (the tunnel is closing or was replaced). */
  stopWatch(): void {
    this.watch?.stop();
    this.watch = null;
    this.watchedFor = null;
  }

  private async checkDownloads(server: string, sessionId: string): Promise<void> {
    if (this.checkedSession === sessionId) return;
    this.checkedSession = sessionId;
    const status = await fetchPeerStatus(server);
    if (!status || status.allowDownloads === this.allowed) return;
    const before = this.allowed;
    this.allowed = status.allowDownloads;
    if (!status.allowDownloads) this.opts.onLog('warn', STREAMING_ONLY);
    else if (before === false) this.opts.onLog('info', 'This server allows downloads again.');
    this.opts.onDownloads(status.allowDownloads);
  }
}
