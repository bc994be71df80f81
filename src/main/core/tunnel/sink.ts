/**
 * The frame sink one live session hands to the transfer layer: a thin, session-bound view of the
 * socket. Once the session ends the sink reports `open === false` and fails every send, so a
 * transfer can never write into the next session's socket.
 */
import WebSocket from 'ws';
import type { DeliveryMeter } from './delivery';

/** Where the transfer layer writes its frames. */
export interface FrameSink {
  /** False once the socket is gone. */
  readonly open: boolean;
  /** Bytes queued in the socket and not yet written to the network (pace sends with this). */
  readonly bufferedAmount: number;
  /** Send one JSON text frame (string or Buffer holding UTF-8 JSON); `cb` fires when written or failed. */
  send(frame: string | Buffer, cb: (err?: Error) => void): void;
  /** Bytes that may still enter the network before the server confirms more (Infinity: no limit known). */
  deliveryRoom(): number;
  /** Be told when the server confirms delivery (room may have opened). Returns an unsubscribe. */
  onDelivered(fn: () => void): () => void;
}

/**
 * Build the sink of one session. `alive()` says whether that session is still the current one;
 * `write` sends a frame on the socket and counts it for `delivery`.
 */
export function createSink(
  ws: WebSocket,
  alive: () => boolean,
  write: (frame: string | Buffer, cb: (err?: Error) => void) => void,
  delivery: DeliveryMeter,
): FrameSink {
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
      write(frame, cb);
    },
    deliveryRoom: () => delivery.room(),
    onDelivered: (fn) => delivery.onDelivered(fn),
  };
}
