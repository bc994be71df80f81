/**
 * A FrameSink that behaves like a socket on a link of fixed speed: each frame's callback fires
 * when the link would have finished writing it, one after the other. It checks what it receives
 * (seq order per request, sizes) and records how many bytes were in flight at each send.
 */
import type { FrameSink } from '../../../src/main/core/transfers/types';

/** Per-request view of what reached the fake link. */
export interface SinkRequest {
  bytes: number;
  nextSeq: number;
  inOrder: boolean;
  end?: 'chunk_end' | 'chunk_error';
}

/** The fake link and its observations. */
export interface SlowSink extends FrameSink {
  requests: Map<string, SinkRequest>;
  /** Bytes pending (sent, callback not yet fired) just before each send, and the frame size. */
  sends: { pendingBefore: number; size: number }[];
  /** Bytes of someone else's frames pretending to sit in the socket (blocks our sends). */
  foreign: number;
  pending: number;
  close(): void;
}

/** A link writing `bytesPerSec`; `open` until close(). */
export function createSlowSink(bytesPerSec: number): SlowSink {
  let free = Date.now();
  let open = true;
  const timers = new Set<NodeJS.Timeout>();
  const sink: SlowSink = {
    requests: new Map(),
    sends: [],
    foreign: 0,
    pending: 0,
    get open() {
      return open;
    },
    get bufferedAmount() {
      return sink.pending + sink.foreign;
    },
    send(frame, cb) {
      const buf = Buffer.isBuffer(frame) ? frame : Buffer.from(frame);
      sink.sends.push({ pendingBefore: sink.pending, size: buf.length });
      sink.pending += buf.length;
      const m = JSON.parse(buf.toString('utf8')) as {
        type: string;
        requestId: string;
        seq?: number;
        data?: string;
      };
      const r = sink.requests.get(m.requestId) ?? { bytes: 0, nextSeq: 0, inOrder: true };
      sink.requests.set(m.requestId, r);
      if (m.type === 'chunk') {
        if (m.seq !== r.nextSeq) r.inOrder = false;
        r.nextSeq++;
        r.bytes += Buffer.from(m.data ?? '', 'base64').length;
      } else {
        r.end = m.type as SinkRequest['end'];
      }
      free = Math.max(free, Date.now()) + (buf.length * 1000) / bytesPerSec;
      const t = setTimeout(
        () => {
          timers.delete(t);
          sink.pending -= buf.length;
          cb(open ? undefined : new Error('closed'));
        },
        Math.max(0, free - Date.now()),
      );
      timers.add(t);
    },
    close() {
      open = false;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
  return sink;
}
