/**
 * Pieces of the LAN server tests: a real server on 127.0.0.1 over real temp files, a device token,
 * and a raw-socket client that sends exactly the bytes a given player sends.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  LanServer,
  type LanLimits,
  type LanServerOptions,
} from '../../../src/main/core/lan/lan-server';
import { LanTokens } from '../../../src/main/core/lan/lan-tokens';
import type { LanTrack } from '../../../src/main/core/lan/serve-track';

/** A started server with one device and tracks written to a temp folder. */
export interface Rig {
  server: LanServer;
  tokens: LanTokens;
  token: string;
  dir: string;
  base: string;
  tracks: Map<string, LanTrack>;
  stale: string[];
  /** Writes `data` as a track with `id` (re-stat'ed: call again after changing the file). */
  addTrack(id: string, data: Buffer, mimeType?: string, name?: string): Promise<LanTrack>;
  url(id: string): string;
  auth: { Authorization: string };
  close(): Promise<void>;
}

/** An id in the library's shape (32 lowercase hex characters). */
export function trackId(n: number): string {
  return n.toString(16).padStart(32, '0');
}

/** Random bytes of a given size (deterministic content is not needed: tests compare to the file). */
export function bytes(n: number): Buffer {
  return randomBytes(n);
}

/**
 * Starts a LAN server on 127.0.0.1 with a fresh state folder and one device, "phone".
 * `onRequest` sees every request that passed the Host check (to record what a client sent).
 */
export async function startRig(
  limits: Partial<LanLimits> = {},
  onRequest?: LanServerOptions['onRequest'],
): Promise<Rig> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tcs-lan-'));
  const tokens = await LanTokens.open(dir);
  const { token } = await tokens.create('phone');
  const tracks = new Map<string, LanTrack>();
  const stale: string[] = [];
  const server = await LanServer.start({
    host: '127.0.0.1',
    port: 0,
    resolve: (id) => tracks.get(id),
    authorize: (req) => tokens.verify(req.headers.authorization),
    onStale: (id) => stale.push(id),
    onRequest,
    limits,
  });
  tokens.on('revoked', (name) => server.cutDevice(name));
  const base = `http://127.0.0.1:${server.port}`;
  return {
    server,
    tokens,
    token,
    dir,
    base,
    tracks,
    stale,
    auth: { Authorization: `Bearer ${token}` },
    url: (id) => `${base}/track/${id}`,
    async addTrack(id, data, mimeType = 'audio/mpeg', name = `${id}.bin`) {
      const p = path.join(dir, name);
      await writeFile(p, data);
      const st = await stat(p);
      const t: LanTrack = { id, path: p, size: st.size, mtimeMs: st.mtimeMs, mimeType };
      tracks.set(id, t);
      return t;
    },
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A parsed HTTP/1.1 response read off a raw socket. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The head as sent (status line and fields). */
  head: string;
}

/**
 * Sends `request` as raw bytes and reads one response: its head, then Content-Length bytes of
 * body (none for HEAD or 304), or everything until the server closes. Bounded by `timeoutMs`.
 */
export function rawRequest(
  port: number,
  request: string,
  o: { head?: boolean; timeoutMs?: number } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let parsed: (Omit<RawResponse, 'body'> & { bodyStart: number; length: number }) | null = null;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete response in time; got: ${buf.toString('latin1', 0, 300)}`));
    }, o.timeoutMs ?? 10_000);
    const finish = () => {
      if (!parsed)
        return reject(new Error(`connection closed; got: ${buf.toString('latin1', 0, 300)}`));
      clearTimeout(timer);
      socket.destroy();
      const body = buf.subarray(
        parsed.bodyStart,
        parsed.bodyStart + (Number.isFinite(parsed.length) ? parsed.length : buf.length),
      );
      resolve({ status: parsed.status, headers: parsed.headers, head: parsed.head, body });
    };
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (!parsed) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.toString('latin1', 0, end);
        const [statusLine, ...lines] = head.split('\r\n');
        const headers: Record<string, string> = {};
        for (const l of lines) {
          const i = l.indexOf(':');
          headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
        }
        const status = Number(statusLine?.split(' ')[1]);
        const noBody = o.head || status === 304 || status === 204;
        const length = noBody
          ? 0
          : headers['content-length'] !== undefined
            ? Number(headers['content-length'])
            : Infinity;
        parsed = { status, headers, head, bodyStart: end + 4, length };
      }
      if (buf.length - parsed.bodyStart >= parsed.length) finish();
    });
    socket.on('error', () => undefined);
    socket.on('close', finish);
    socket.write(request);
  });
}

/** A GET/HEAD request head as a player would send it, with our Host and the device token. */
export function requestText(
  rig: Rig,
  id: string,
  fields: Record<string, string> = {},
  method = 'GET',
): string {
  const all: Record<string, string> = {
    Host: `127.0.0.1:${rig.server.port}`,
    ...rig.auth,
    ...fields,
  };
  const lines = Object.entries(all).map(([k, v]) => `${k}: ${v}`);
  return `${method} /track/${id} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** Paths of this process's open file descriptors (Linux /proc). */
export async function openFiles(): Promise<string[]> {
  const { readdir, readlink } = await import('node:fs/promises');
  const fds = await readdir('/proc/self/fd');
  const out: string[] = [];
  for (const fd of fds) out.push(await readlink(`/proc/self/fd/${fd}`).catch(() => ''));
  return out;
}

/** Polls `fn` until it is true (bounded). */
export async function until(fn: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A mono 16-bit PCM WAV of `seconds` of a quiet tone. */
export function toneWav(seconds: number, rate = 22_050, hz = 440): Buffer {
  const n = Math.round(seconds * rate);
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++)
    b.writeInt16LE(Math.round(1500 * Math.sin((i * 2 * Math.PI * hz) / rate)), 44 + i * 2);
  return b;
}
