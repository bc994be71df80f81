/** The tunnel's public types: options, the requests it routes and the events it emits. */
import type { ConnectionStatus } from '../../../shared/contract';
import type { BackoffOptions } from './backoff';

/** A listener's request, routed to the transfer layer. */
export interface PeerRequest {
  requestId: string;
  trackId: string;
  kind: 'stream' | 'download';
}

/** How to reach the server, and timing knobs (tests shrink them). */
export interface TunnelOptions {
  /** Normalised server URL (see normalizeServerUrl). */
  server: string;
  token: string;
  allowDownloads: boolean;
  /**
   * No message for this long means a dead server or a path cut without a FIN: reconnect. Default
   * 45 s: the server's ping interval (30 s) plus a margin.
   */
  silenceTimeoutMs?: number;
  /** Upgrade handshake limit, and the wait for auth_ok after it. Default 15 s. */
  connectTimeoutMs?: number;
  /** Manifest changes within this window are coalesced into one send. Default 150 ms. */
  publishDebounceMs?: number;
  /** A session replaced within this window counts toward a conflict (3 in a row). Default 10 s. */
  conflictWindowMs?: number;
  random?: () => number;
  retry?: Partial<BackoffOptions>;
}

/** Events of the tunnel. `status` fires on every state change; transfers drop work when it leaves `connected`. */
export type TunnelEvents = {
  status: [ConnectionStatus];
  request: [PeerRequest];
  cancel: [requestId: string];
  system: [text: string];
  published: [count: number];
};
