/** The queue's public shapes: what is asked for, and a download as the UI and the CLI see it. */
import type { FetchTrackOptions } from './fetch-track';
import type { LanFetch } from './transport';

/** One track to download: the peer's base URL, the track id, and where it goes below the folder. */
export interface DownloadRequest {
  peer: string;
  trackId: string;
  relPath: string;
}

/** Where a download is. */
export type DownloadState = 'queued' | 'active' | 'paused' | 'done' | 'failed' | 'cancelled';

/** A download as the UI and the CLI see it. */
export interface DownloadStatus extends DownloadRequest {
  key: string;
  destDir: string;
  state: DownloadState;
  /** Bytes of the file on hand, and its size (0 until the peer has said). */
  received: number;
  size: number;
  /** Body bytes received over all attempts of this run. */
  fetched: number;
  /** The final path, once done. */
  file?: string;
  /** Why it failed, or the last retried problem while active. */
  error?: string;
}

/** How the queue reaches peers and keeps its list. */
export interface DownloadQueueOptions {
  /** The transport for a peer (its token today, its pinned certificate later). */
  transport: (peer: string) => LanFetch;
  /** Downloads at once per peer (default 2). */
  perPeer?: number;
  /** Where the list is kept across restarts (`<stateDir>/downloads.json`); none: memory only. */
  stateFile?: string;
  /** Passed to every download (tests shorten the timeouts). */
  tuning?: Pick<FetchTrackOptions, 'stallMs' | 'maxAttempts' | 'commit' | 'retryDelay'>;
}
