/**
 * Browsing one paired device: the folder shown (or the search results), what plays, and where
 * downloads go. Every answer comes from the device's index at once; a failure is shown in the
 * browser's own line (the device went away, a grant was withdrawn) rather than as a global error.
 */
import type {
  PeerFolder,
  PeerListing,
  PeerSearchResult,
  PeerTrack,
} from '../../../shared/contract';
import type { AppState } from './app-state.svelte';

/** Where downloads went last time, kept across windows (a path on the engine's machine). */
const DEST_KEY = 'tunecamp-share.downloadDir';

/** The parts of a '/'-separated device path, each with the path up to it (the breadcrumb). */
export function crumbs(path: string): PeerFolder[] {
  const parts = path.split('/').filter(Boolean);
  return parts.map((name, i) => ({ name, path: parts.slice(0, i + 1).join('/') }));
}

/** One paired device being browsed. */
export class PeerBrowserState {
  path = $state('');
  listing = $state.raw<PeerListing | undefined>(undefined);
  results = $state.raw<PeerSearchResult | undefined>(undefined);
  query = $state('');
  busy = $state(false);
  problem = $state<string | undefined>(undefined);
  playing = $state.raw<{ track: PeerTrack; url: string } | undefined>(undefined);
  destDir = $state('');
  /** The last download's outcome, in words. */
  queued = $state<string | undefined>(undefined);
  #seq = 0;

  constructor(
    private readonly app: AppState,
    readonly peerId: string,
  ) {
    this.destDir = readDest();
  }

  /** Shows a folder ('' for the device's shared folders); drops any search. */
  async open(path: string): Promise<void> {
    this.results = undefined;
    this.query = '';
    await this.ask(async () => {
      this.listing = await this.app.transport.api.invoke('browsePeer', this.peerId, path);
      this.path = path;
    });
  }

  /** Searches the device; an empty term goes back to the folder. */
  async search(term: string): Promise<void> {
    const q = term.trim();
    if (!q) {
      this.results = undefined;
      return;
    }
    await this.ask(async () => {
      this.results = await this.app.transport.api.invoke('searchPeer', this.peerId, q);
    });
  }

  /** Plays a track through the engine's loopback proxy (seeking passes through). */
  async play(track: PeerTrack): Promise<void> {
    await this.ask(async () => {
      const url = await this.app.transport.api.invoke('peerTrackUrl', this.peerId, track.id);
      this.playing = { track, url };
    });
  }

  /** Queues tracks or a whole folder into `destDir`. */
  async download(what: { tracks?: string[]; folder?: string }): Promise<void> {
    const dest = this.destDir.trim();
    if (!dest) {
      this.problem = 'Choose a folder to download into first.';
      return;
    }
    await this.ask(async () => {
      const added = await this.app.transport.api.invoke(
        'downloadFromPeer',
        this.peerId,
        what,
        dest,
      );
      writeDest(dest);
      this.queued =
        added.length === 0
          ? 'Nothing to download there.'
          : `${added.length} ${added.length === 1 ? 'track' : 'tracks'} queued into ${dest}.`;
    });
  }

  /** Picks the download folder with the system dialog (desktop; headless answers nothing). */
  async chooseDest(): Promise<void> {
    const [picked] = (await this.app.run('pickFolders')) ?? [];
    if (picked) this.destDir = picked;
  }

  /** Runs one request; only the latest one's failure is shown. */
  private async ask(work: () => Promise<void>): Promise<void> {
    const seq = ++this.#seq;
    this.busy = true;
    this.problem = undefined;
    this.queued = undefined;
    try {
      await work();
    } catch (err) {
      if (seq === this.#seq) this.problem = (err as Error).message;
    } finally {
      if (seq === this.#seq) this.busy = false;
    }
  }
}

function readDest(): string {
  try {
    return localStorage.getItem(DEST_KEY) ?? '';
  } catch {
    return '';
  }
}

function writeDest(dir: string): void {
  try {
    localStorage.setItem(DEST_KEY, dir);
  } catch {
    // A page without storage keeps the folder for this window only.
  }
}
