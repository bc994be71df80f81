/**
 * Test harness: a real WebSocket pair on 127.0.0.1. The server side plays the TuneCamp hub (sends
 * requests, reassembles chunks by seq, hashes them); the client side routes requests into a
 * TransferManager through a FrameSink, as the tunnel does.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Hash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import type { FrameSink } from '../../../src/main/core/transfers/types';
import type { TransferManager } from '../../../src/main/core/transfers/transfer-manager';

/** What the hub received for one request. */
export interface Received {
  requestId: string;
  bytes: number;
  chunks: number;
  /** Every seq arrived in order from 0. */
  inOrder: boolean;
  ended: boolean;
  error?: string;
  /** Frame types in arrival order, compressed (chunk runs appear once). */
  sequence: string[];
  /** Bytes received when the hub sent cancel_request. */
  bytesAtCancel?: number;
  hash: Hash;
  digest?: string;
  /** Resolves on chunk_end or chunk_error. */
  finished: Promise<void>;
}

/** A running hub with one connected client. */
export interface Hub {
  sink: FrameSink;
  client: WebSocket;
  request(trackId: string, kind?: 'stream' | 'download'): Received;
  cancel(r: Received): void;
  received: Map<string, Received>;
  /** Frames the hub could not attribute or parse. */
  stray: string[];
  close(): Promise<void>;
}

/** Start a hub and connect a client whose requests go to `manager`. */
export async function startHub(manager: TransferManager): Promise<Hub> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as AddressInfo).port;
  const serverSide = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${port}/ws/peer`);
  await new Promise<void>((resolve, reject) => {
    client.once('open', () => resolve());
    client.once('error', reject);
  });
  const server = await serverSide;
  const received = new Map<string, Received>();
  const stray: string[] = [];
  const finishers = new Map<string, () => void>();

  client.on('message', (data) => {
    const m = JSON.parse(String(data)) as { type: string; requestId: string; trackId: string };
    if (m.type === 'stream_request')
      manager.handle({ requestId: m.requestId, trackId: m.trackId, kind: 'stream' });
    if (m.type === 'download_request') {
      manager.handle({ requestId: m.requestId, trackId: m.trackId, kind: 'download' });
    }
    if (m.type === 'cancel_request') manager.cancel(m.requestId);
  });

  server.on('message', (data, isBinary) => {
    let m: { type?: string; requestId?: string; seq?: number; data?: string; message?: string };
    try {
      if (isBinary) throw new Error('binary frame');
      m = JSON.parse(String(data)) as typeof m;
    } catch {
      stray.push(String(data).slice(0, 80));
      return;
    }
    const r = m.requestId === undefined ? undefined : received.get(m.requestId);
    if (!r || typeof m.type !== 'string') {
      stray.push(String(data).slice(0, 80));
      return;
    }
    if (r.sequence[r.sequence.length - 1] !== m.type) r.sequence.push(m.type);
    if (m.type === 'chunk') {
      if (m.seq !== r.chunks) r.inOrder = false;
      const bytes = Buffer.from(m.data ?? '', 'base64');
      r.hash.update(bytes);
      r.bytes += bytes.length;
      r.chunks++;
    } else if (m.type === 'chunk_end' || m.type === 'chunk_error') {
      r.ended = m.type === 'chunk_end';
      if (m.type === 'chunk_error') r.error = m.message;
      r.digest = r.hash.digest('hex');
      finishers.get(r.requestId)?.();
    }
  });

  const sink: FrameSink = {
    get open() {
      return client.readyState === WebSocket.OPEN;
    },
    get bufferedAmount() {
      return client.bufferedAmount;
    },
    send(frame, cb) {
      client.send(frame, { binary: false }, (err) => cb(err ?? undefined));
    },
  };

  return {
    sink,
    client,
    received,
    stray,
    request(trackId, kind = 'stream') {
      const requestId = randomUUID();
      let done!: () => void;
      const finished = new Promise<void>((resolve) => (done = resolve));
      finishers.set(requestId, done);
      const r: Received = {
        requestId,
        bytes: 0,
        chunks: 0,
        inOrder: true,
        ended: false,
        sequence: [],
        hash: createHash('sha256'),
        finished,
      };
      received.set(requestId, r);
      server.send(JSON.stringify({ type: `${kind}_request`, requestId, trackId }));
      return r;
    },
    cancel(r) {
      r.bytesAtCancel = r.bytes;
      server.send(JSON.stringify({ type: 'cancel_request', requestId: r.requestId }));
    },
    async close() {
      client.terminate();
      server.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Wait until `cond()` holds, polling every 10 ms, failing after `ms`. */
export async function until(cond: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolve after `ms`. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
