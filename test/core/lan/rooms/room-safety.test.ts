/**
 * A room's doors over real sockets on 127.0.0.1: the one-time code and the cookie it buys, audio
 * for the room's queue only, the socket's cookie and Origin checks, refused and flooding frames
 * dropped per connection, and closing the room ending sessions and audio.
 */
import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startRoomRig, type RoomRig } from './room-rig';

let rig: RoomRig;
beforeEach(async () => {
  // 600 s (26 MB): an 8 MiB audio response is still in flight when the room closes.
  rig = await startRoomRig([600, 5]);
});
afterEach(async () => rig.close());

const codeOf = (link: string) => link.split('#k=')[1]!;

async function join(
  code: string,
  roomId = rig.room.id,
): Promise<{ status: number; cookie?: string }> {
  const res = await fetch(`${rig.base}/room/${roomId}/join`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  const set = res.headers.get('set-cookie') ?? undefined;
  return { status: res.status, cookie: set };
}

function socket(cookie?: string, origin = rig.base): WebSocket {
  return new WebSocket(`${rig.base.replace('http', 'ws')}/room/${rig.room.id}/ws`, {
    headers: { ...(cookie ? { Cookie: cookie } : {}), Origin: origin },
  });
}

/** Collects a socket's messages; resolves `next(type)` with the first of that type. */
function inbox(ws: WebSocket) {
  const got: { type: string; [k: string]: unknown }[] = [];
  ws.on('message', (d) => got.push(JSON.parse(String(d))));
  return {
    got,
    async next(type: string, ms = 3000) {
      for (let t = 0; t < ms; t += 20) {
        const m = got.find((x) => x.type === type);
        if (m) return m;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no ${type} within ${ms} ms (got ${got.map((g) => g.type).join(',')})`);
    },
  };
}

const opened = (ws: WebSocket) =>
  new Promise<number>((resolve) => {
    ws.once('open', () => resolve(101));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(0));
  });

describe('room doors', () => {
  it('serves the page with a strict CSP and no inline script', async () => {
    const res = await fetch(`${rig.base}/room/${rig.room.id}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]/);
    expect(html).not.toMatch(/ on[a-z]+=/);
    const js = await fetch(`${rig.base}/room/${rig.room.id}/listener.js`);
    expect(js.status).toBe(200);
    expect((await js.text()).length).toBeGreaterThan(1000);
    expect((await fetch(`${rig.base}/room/AAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);
  });

  it('spends a code once for an HttpOnly, SameSite=Strict cookie scoped to the room', async () => {
    const code = codeOf(rig.link());
    const first = await join(code);
    expect(first.status).toBe(200);
    expect(first.cookie).toMatch(
      new RegExp(`^tcr=[A-Za-z0-9_-]{43}; Path=/room/${rig.room.id}; HttpOnly; SameSite=Strict$`),
    );
    expect((await join(code)).status).toBe(403);
    expect((await join('x'.repeat(43))).status).toBe(403);
    expect((await join('')).status).toBe(403);
    const bad = await fetch(`${rig.base}/room/${rig.room.id}/join`, {
      method: 'POST',
      body: 'nope',
    });
    expect(bad.status).toBe(400);
    expect((await fetch(`${rig.base}/room/${rig.room.id}/join`)).status).toBe(405);
  });

  it("lets the cookie read the queue's audio, with ranges, and nothing else", async () => {
    const cookie = (await join(codeOf(rig.link()))).cookie!.split(';')[0]!;
    const url = (id: string, room = rig.room.id) => `${rig.base}/room/${room}/track/${id}`;
    const ok = await fetch(url(rig.tracks[0]!.id), {
      headers: { Cookie: cookie, Range: 'bytes=0-99' },
    });
    expect(ok.status).toBe(206);
    expect((await ok.arrayBuffer()).byteLength).toBe(100);
    expect((await fetch(url(rig.tracks[0]!.id))).status).toBe(403);
    // A track that exists (it is in another room) but not in this queue.
    const other = rig.host.open([{ ...rig.tracks[1]!, id: 'f'.repeat(32) }]);
    expect((await fetch(url('f'.repeat(32)), { headers: { Cookie: cookie } })).status).toBe(403);
    // The cookie of this room opens nothing in the other room.
    expect(
      (await fetch(url('f'.repeat(32), other.id), { headers: { Cookie: cookie } })).status,
    ).toBe(403);
    // Nor the token-protected /track/ path.
    expect(
      (await fetch(`${rig.base}/track/${rig.tracks[0]!.id}`, { headers: { Cookie: cookie } }))
        .status,
    ).toBe(401);
  });

  it('opens the socket only with the cookie and from the same origin', async () => {
    const cookie = (await join(codeOf(rig.link()))).cookie!.split(';')[0]!;
    expect(await opened(socket())).toBe(403);
    expect(await opened(socket(cookie, 'http://evil.example'))).toBe(403);
    expect(await opened(socket('tcr=' + 'A'.repeat(43)))).toBe(403);
    const ws = socket(cookie);
    expect(await opened(ws)).toBe(101);
    ws.close();
    // fetch cannot set Host: a raw request sends what a rebinding page's browser would.
    const evil = await new Promise<number>((resolve) =>
      http.get(`${rig.base}/room/${rig.room.id}`, { headers: { Host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }),
    );
    expect(evil).toBe(403);
  });

  it('drops malformed, spoofed and flooding frames per connection; the room goes on', async () => {
    const [c1, c2] = [await join(codeOf(rig.link())), await join(codeOf(rig.link()))];
    const bad = socket(c1.cookie!.split(';')[0]);
    const good = socket(c2.cookie!.split(';')[0]);
    await Promise.all([opened(bad), opened(good)]);
    const badIn = inbox(bad);
    const goodIn = inbox(good);
    good.send(JSON.stringify({ type: 'JOIN', name: 'Good' }));
    await goodIn.next('HELLO');
    bad.send(JSON.stringify({ type: 'CONTROL', action: 'play' })); // before JOIN
    expect((await badIn.next('ERROR')).message).toBe('JOIN first');
    bad.send(JSON.stringify({ type: 'JOIN', name: 'Bad' }));
    await badIn.next('HELLO');
    for (const f of [
      '{',
      '[]',
      '{"type":"SYNC","position":-1}',
      JSON.stringify({ type: 'JOIN', name: '\u0000' }),
      '{"type":"PONG"}',
    ])
      bad.send(f);
    // Spoofing the host: listeners may not control this room.
    bad.send(JSON.stringify({ type: 'CONTROL', action: 'seek', position: 3 }));
    await new Promise((r) => setTimeout(r, 300));
    expect(badIn.got.filter((m) => m.type === 'ERROR').map((m) => m.message)).toContain(
      'Only the host controls this room',
    );
    expect(rig.room.status.position).toBe(0);
    // A flood: the gate drops what is over its burst, then closes the socket after 50 refusals.
    const closed = new Promise<number>((r) => bad.once('close', (code) => r(code)));
    for (let i = 0; i < 500 && bad.readyState === WebSocket.OPEN; i++)
      bad.send(JSON.stringify({ type: 'PING', t0: i }));
    expect(await closed).toBe(1008);
    // The other listener and the room carry on.
    rig.room.seek(2);
    expect((await goodIn.next('SEEK')).position).toBe(2);
    good.send(JSON.stringify({ type: 'PING', t0: 1 }));
    await goodIn.next('PONG');
    // A frame over 1 KiB closes its own connection only (ws maxPayload: 1009).
    const big = socket((await join(codeOf(rig.link()))).cookie!.split(';')[0]);
    await opened(big);
    const bigClosed = new Promise<number>((r) => big.once('close', (code) => r(code)));
    big.send('x'.repeat(5000));
    expect(await bigClosed).toBe(1009);
    good.send(JSON.stringify({ type: 'PING', t0: 2 }));
    await new Promise((r) => setTimeout(r, 200));
    expect(goodIn.got.filter((m) => m.type === 'PONG')).toHaveLength(2);
    good.close();
  });

  it('obeys listeners when the room allows it', async () => {
    const room = rig.host.open(rig.tracks, { listenersControl: true });
    const res = await fetch(`${rig.base}/room/${room.id}/join`, {
      method: 'POST',
      body: JSON.stringify({ code: room.keys.createCode() }),
    });
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const ws = new WebSocket(`${rig.base.replace('http', 'ws')}/room/${room.id}/ws`, {
      headers: { Cookie: cookie, Origin: rig.base },
    });
    await opened(ws);
    const box = inbox(ws);
    ws.send(JSON.stringify({ type: 'JOIN', name: 'Lis' }));
    await box.next('HELLO');
    ws.send(JSON.stringify({ type: 'CONTROL', action: 'play' }));
    expect((await box.next('PLAY')).state).toBe('playing');
    ws.close();
  });

  it('closing the room ends sessions, sockets and audio in flight', async () => {
    const cookie = (await join(codeOf(rig.link()))).cookie!.split(';')[0]!;
    const ws = socket(cookie);
    await opened(ws);
    const box = inbox(ws);
    ws.send(JSON.stringify({ type: 'JOIN', name: 'A' }));
    await box.next('HELLO');
    // An audio response held open: a slow reader that takes the head and then nothing.
    const url = new URL(`${rig.base}/room/${rig.room.id}/track/${rig.tracks[0]!.id}`);
    const aborted = new Promise<string>((resolve) => {
      http.get(url, { headers: { Cookie: cookie } }, (res) => {
        res.pause();
        res.on('error', () => undefined); // the cut is what is expected
        res.once('close', () => resolve(res.complete ? 'complete' : 'cut'));
        setTimeout(() => rig.room.close(), 100);
        // Read what had arrived: a cut body ends short of its Content-Length.
        setTimeout(() => res.resume(), 300);
      });
    });
    const wsClosed = new Promise<number>((r) => ws.once('close', (c) => r(c)));
    expect(await aborted).toBe('cut');
    expect(await wsClosed).toBe(4000);
    expect(box.got.some((m) => m.type === 'CLOSED')).toBe(true);
    expect((await fetch(url, { headers: { Cookie: cookie } })).status).toBe(404);
    expect(await opened(socket(cookie))).toBe(404);
  });
});
