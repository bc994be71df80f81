/**
 * The frame sink one live session hands to the transfer layer: a thin, session-bound view of the
 * socket. Once the session ends the sink reports `open === false` and fails every send, so a
 * transfer can never write into the next session's socket.
 */
import WebSocket from 'ws';

/** Where the transfer layer writes its frames. */
export interface FrameSink {
  /** False once the socket is gone. */
  readonly open: boolean;
  /** Bytes queued in the socket and not yet written to the network (pace sends with this). */
  readonly bufferedAmount: number;
  /** Send one JSON text frame (string or Buffer holding UTF-8 JSON); `cb` fires when written or failed. */
  send(frame: string | Buffer, cb: (err?: Error) => void): void;
}

/** Build the sink of one session. `alive()` says whether that session is still the current one. */
export function createSink(ws: WebSocket, alive: () => boolean): FrameSink {
  const isOpen = () => alive() && ws.readyState === WebSocket.OPEN;
  return {
    get open() {
      return isOpen();
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    send(frame, cb) {
      if (!isOpen()) {
        queueMicrotask(() => cb(new Error('The tunnel is closed.')));
        return;
      }
      // binary: false keeps Buffers as text frames: the server ignores binary frames.
      ws.send(frame, { binary: false }, (err) => cb(err ?? undefined));
    },
  };
}
