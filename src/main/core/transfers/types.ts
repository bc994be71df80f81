/**
 * The transfer layer's inputs. `PeerRequest` and `FrameSink` are structurally identical to the
 * tunnel's own (src/main/core/tunnel), so either side's objects can be passed here.
 */

/** One `stream_request` or `download_request` from the server. */
export interface PeerRequest {
  requestId: string;
  trackId: string;
  kind: 'stream' | 'download';
}

/** Where frames go: a session-bound view of the tunnel's WebSocket. */
export interface FrameSink {
  /** False once the socket is gone. */
  readonly open: boolean;
  /** Bytes queued in the socket and not yet written to the network. */
  readonly bufferedAmount: number;
  /** Send one JSON text frame; `cb` fires once the frame left user space, or with the failure. */
  send(frame: string | Buffer, cb: (err?: Error) => void): void;
  /**
   * Bytes that may still enter the network before the server confirms delivery of more; Infinity
   * (or absent) when the link gives no such measure.
   */
  deliveryRoom?(): number;
  /** Be told when delivery is confirmed (room may have opened). Returns an unsubscribe. */
  onDelivered?(fn: () => void): () => void;
}

/** What a published track id stands for, exactly as it was published. */
export interface ServeTarget {
  path: string;
  /** The published `fileSizeBytes`: exactly this many bytes are sent. */
  size: number;
  /** The mtime seen when publishing; a different one on disk means the file changed. */
  mtimeMs: number;
  title: string;
  allowDownload: boolean;
  /** A format only apps play (published for download only): a stream request is refused. */
  downloadOnly?: boolean;
}

/** The limits the user can change at run time. */
export interface TransferLimits {
  /** Transfers served at once; the rest wait in a FIFO queue. */
  maxConcurrent?: number;
  /** Upload cap in bytes per second of wire traffic; 0 means none. */
  uploadRateLimit?: number;
}

/** Options of a `TransferManager`. */
export interface TransferOptions extends TransferLimits {
  /**
   * The only way from a track id to a file. Ids are server input: they never touch the file
   * system themselves, so an id that looks like a path is just an unknown id.
   */
  resolve: (trackId: string) => ServeTarget | undefined;
  /** Raw bytes per `chunk` frame (PROTOCOL.md: up to 64 KiB). */
  chunkSize?: number;
  /** Upper bound of the shared send window, in wire bytes (default 512 KiB). */
  maxInflightBytes?: number;
  /** Lower bound of the shared send window, in wire bytes (default two full chunk frames). */
  minInflightBytes?: number;
  /** Stored statistics to continue from (anything read from disk; validated by `restoreTotals`). */
  stats?: unknown;
  /** Clock in epoch ms (tests). */
  now?: () => number;
}

/** Internal counters, exposed for diagnostics and tests. */
export interface TransferDebug {
  /** Raw bytes read from files and not yet handed to the socket, now and at worst so far. */
  readAheadBytes: number;
  peakReadAheadBytes: number;
  /** What `peakReadAheadBytes` may never exceed with the current limits. */
  readAheadBound: number;
  inflightBytes: number;
  peakInflightBytes: number;
  window: number;
}
