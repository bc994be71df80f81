/**
 * Hostile and broken clients against a real server on 127.0.0.1: path-like ids, huge heads,
 * slowloris, random request lines, idle connections, abandoned and cut streams, and a file that
 * changes while it is being sent. Every loop is bounded.
 */
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bytes,
  openFiles,
  rawRequest,
  requestText,
  startRig,
  trackId,
  until,
  type Rig,
} from './helpers';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

/** A GET whose reader the test controls: it reads only when told to. */
function pausedGet(r: Rig, id: string, fields: Record<string, string> = {}) {
  const socket = net.connect(r.server.port, '127.0.0.1');
  const chunks: Buffer[] = [];
  let received = 0;
  let closed = false;
  socket.on('data', (d: Buffer) => {
    chunks.push(d);
    received += d.length;
  });
  socket.on('error', () => undefined);
  socket.on('close', () => (closed = true));
  socket.write(requestText(r, id, fields));
  return {
    socket,
    received: () => received,
    closed: () => closed,
    /** The body bytes so far (after the head). */
    body: () => {
      const all = Buffer.concat(chunks);
      return all.subarray(all.indexOf('\r\n\r\n') + 4);
    },
  };
}

describe('hostile input', () => {
  it('path-like and encoded ids are unknown ids, never files', async () => {
    rig = await startRig();
    const id = 'ab'.repeat(16);
    await rig.addTrack(id, bytes(1000));
    const port = rig.server.port;
    const paths = [
      '/track/../../../../etc/passwd',
      '/track/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/track/..%2F..%2Fetc%2Fpasswd',
      `/track/${id}/../${id}`,
      `/track/x/../${id}`,
      `/track/${id.toUpperCase()}`,
      `/track/${id}%00`,
      `/track/%61%62${id.slice(2)}`,
      `//track/${id}`,
      `/track/${id}/`,
      '/track/',
      '/etc/passwd',
      `/track/${rig.tracks.get(id)!.path}`,
    ];
    for (const p of paths) {
      const req = `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${rig.token}\r\nConnection: close\r\n\r\n`;
      const r = await rawRequest(port, req);
      expect([400, 404], p).toContain(r.status);
      expect(r.body.toString()).not.toContain('root:');
    }
    // The query string is not part of the id.
    const q = await rawRequest(port, requestText(rig, `${id}?x=../../etc/passwd`));
    expect(q.status).toBe(200);
  });

  it('a huge request head gets 431 and the server goes on', async () => {
    rig = await startRig();
    await rig.addTrack(trackId(1), bytes(100));
    const big = await rawRequest(
      rig.server.port,
      requestText(rig, trackId(1), { 'X-Pad': 'a'.repeat(64 * 1024) }),
    );
    expect(big.status).toBe(431);
    const many = Object.fromEntries(
      Array.from({ length: 500 }, (_, i) => [`X-H${i}`, 'v'.repeat(20)]),
    );
    expect((await rawRequest(rig.server.port, requestText(rig, trackId(1), many))).status).toBe(
      431,
    );
    expect((await rawRequest(rig.server.port, requestText(rig, trackId(1)))).status).toBe(200);
  });

  it('slowloris: a request head that trickles in is cut after the headers timeout', async () => {
    rig = await startRig({ headersTimeoutMs: 500, requestTimeoutMs: 800, checkIntervalMs: 100 });
    const socket = net.connect(rig.server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    let closed = false;
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('close', () => (closed = true));
    await new Promise((r) => socket.once('connect', r));
    const text = requestText(rig, trackId(1));
    const t0 = Date.now();
    // One byte every 50 ms would take several seconds for the whole head: it must not be allowed.
    for (let i = 0; i < text.length && !closed && Date.now() - t0 < 5000; i++) {
      socket.write(text[i]!);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(closed).toBe(true);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('survives 400 seeded random request lines and heads, then still serves', async () => {
    rig = await startRig({ headersTimeoutMs: 1000, requestTimeoutMs: 1000, checkIntervalMs: 100 });
    await rig.addTrack(trackId(1), bytes(100));
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
    const pieces = [
      'GET',
      'HEAD',
      'POST',
      'G\x00T',
      ' ',
      '  ',
      '/track/',
      trackId(1),
      '%',
      '%zz',
      '..',
      '/',
      'HTTP/1.1',
      'HTTP/1.0',
      'HTTP/9.9',
      'HTTP/1.1\r\n',
      '\r\n',
      '\n',
      '\r',
      'Host: 127.0.0.1',
      'Host:',
      'Range: bytes=0-1',
      'Transfer-Encoding: chunked',
      'Content-Length: -1',
      '\xff\xfe',
      '\t',
      ':',
      `Authorization: Bearer ${rig.token}`,
    ];
    const statuses = new Set<number>();
    for (let i = 0; i < 400; i++) {
      let req = Array.from({ length: 2 + Math.floor(rand() * 10) }, () => pick(pieces)).join(
        rand() < 0.5 ? ' ' : '',
      );
      req += '\r\n\r\n';
      const r = await rawRequest(rig.server.port, req, { timeoutMs: 3000 }).catch(() => null);
      if (r) statuses.add(r.status);
    }
    for (const s of statuses)
      expect([200, 206, 400, 401, 403, 404, 405, 408, 413, 414, 431, 505]).toContain(s);
    expect((await rawRequest(rig.server.port, requestText(rig, trackId(1)))).status).toBe(200);
  });
});

describe('connections and handles', () => {
  it('bounds idle keep-alive connections: past the maximum they are closed, idle ones time out', async () => {
    rig = await startRig({ maxConnections: 20, keepAliveTimeoutMs: 300 });
    await rig.addTrack(trackId(1), bytes(100));
    const sockets: { s: net.Socket; closed: boolean }[] = [];
    for (let i = 0; i < 30; i++) {
      const s = net.connect(rig.server.port, '127.0.0.1');
      const entry = { s, closed: false };
      s.on('error', () => undefined);
      s.on('close', () => (entry.closed = true));
      sockets.push(entry);
      await new Promise((r) => s.once('connect', r));
    }
    await until(() => sockets.filter((e) => e.closed).length >= 10);
    await new Promise((r) => setTimeout(r, 100));
    expect(sockets.filter((e) => e.closed).length).toBe(10);
    for (const e of sockets) e.s.destroy();
    // A keep-alive socket left idle after its response is closed by the server.
    const ka = net.connect(rig.server.port, '127.0.0.1');
    let kaClosed = false;
    ka.on('close', () => (kaClosed = true));
    ka.on('error', () => undefined);
    ka.write(requestText(rig, trackId(1)));
    await until(() => kaClosed, 3000);
  });

  it('an abandoned range releases its file handle at once', async () => {
    rig = await startRig({ maxRangeBytes: 64 * 1024 * 1024 });
    const t = await rig.addTrack(trackId(1), bytes(24 * 1024 * 1024));
    const g = pausedGet(rig, trackId(1), { Range: 'bytes=0-' });
    await until(() => g.received() > 1024 * 1024);
    g.socket.pause();
    expect(await openFiles()).toContain(t.path);
    g.socket.destroy();
    await until(async () => !(await openFiles()).includes(t.path), 1000);
    await until(() => rig!.server.activeResponses === 0, 1000);
  });

  it('a file that changes mid-response ends the response: only bytes of the first version arrive', async () => {
    rig = await startRig({ maxRangeBytes: 64 * 1024 * 1024 });
    const v1 = bytes(32 * 1024 * 1024);
    await rig.addTrack(trackId(1), v1);
    const g = pausedGet(rig, trackId(1));
    await until(() => g.received() > 1024 * 1024);
    g.socket.pause();
    await new Promise((r) => setTimeout(r, 50));
    await writeFile(rig.tracks.get(trackId(1))!.path, bytes(v1.length)); // same size, new bytes
    g.socket.resume();
    await until(() => g.closed(), 5000);
    const body = g.body();
    expect(body.length).toBeLessThan(v1.length);
    expect(body.equals(v1.subarray(0, body.length))).toBe(true);
    expect(rig.stale).toContain(trackId(1));
    // The next request sees a file that is not the published one: 404, the library looks again.
    expect((await rawRequest(rig.server.port, requestText(rig, trackId(1)))).status).toBe(404);
  });

  it('revoking a device cuts its open responses and refuses its next request', async () => {
    rig = await startRig({ maxRangeBytes: 64 * 1024 * 1024 });
    const { token: otherToken } = await rig.tokens.create('laptop');
    await rig.addTrack(trackId(1), bytes(24 * 1024 * 1024));
    const phone = pausedGet(rig, trackId(1));
    const laptop = pausedGet(rig, trackId(1), { Authorization: `Bearer ${otherToken}` });
    await until(() => phone.received() > 256 * 1024 && laptop.received() > 256 * 1024);
    phone.socket.pause();
    laptop.socket.pause();
    expect(rig.server.activeResponses).toBe(2);
    await rig.tokens.revoke('phone');
    phone.socket.resume();
    await until(() => phone.closed(), 2000);
    expect(phone.body().length).toBeLessThan(24 * 1024 * 1024);
    expect(laptop.closed()).toBe(false);
    expect(rig.server.activeResponses).toBe(1);
    laptop.socket.destroy();
    expect((await rawRequest(rig.server.port, requestText(rig, trackId(1)))).status).toBe(401);
  });
});
