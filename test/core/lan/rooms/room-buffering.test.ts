/**
 * A listener that stalls, over real sockets: by default it is shown "catching up" and the room
 * plays on; with "pause for buffering" the room pauses everyone and resumes when it recovers. A
 * track change waits for every page's READY, at most 3 s.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Room } from '../../../../src/main/core/lan/rooms/room';
import { startRoomRig, type RoomRig } from './room-rig';

let rig: RoomRig;
beforeEach(async () => {
  rig = await startRoomRig([30, 30]);
});
afterEach(async () => rig.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A protocol listener in `room`, joined; `got` collects what it receives. */
async function listener(room: Room, name: string) {
  const res = await fetch(`${rig.base}/room/${room.id}/join`, {
    method: 'POST',
    body: JSON.stringify({ code: room.keys.createCode() }),
  });
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const ws = new WebSocket(`${rig.base.replace('http', 'ws')}/room/${room.id}/ws`, {
    headers: { Cookie: cookie, Origin: rig.base },
  });
  await new Promise((r) => ws.once('open', r));
  const got: { type: string; [k: string]: unknown }[] = [];
  ws.on('message', (d) => got.push(JSON.parse(String(d))));
  const send = (m: object) => ws.send(JSON.stringify(m));
  send({ type: 'JOIN', name });
  const sync = (state: 'playing' | 'paused' | 'buffering') =>
    send({
      type: 'SYNC',
      position: 1,
      buffered: 0,
      clientTime: 1,
      state,
      offset: 0,
      rtt: 2,
      errorMs: 0,
    });
  return { ws, got, send, sync };
}

const stateOf = (room: Room, name: string) =>
  room.state().listeners.find((l) => l.name === name)?.state;

describe('a listener that stalls', () => {
  it('is "catching up" while the room plays on (the default)', async () => {
    const a = await listener(rig.room, 'A');
    const b = await listener(rig.room, 'B');
    await sleep(100);
    rig.room.play();
    a.sync('buffering');
    b.sync('playing');
    await sleep(200);
    expect(stateOf(rig.room, 'A')).toBe('catching-up');
    expect(stateOf(rig.room, 'B')).toBe('playing');
    expect(rig.room.status.state).toBe('playing');
    a.sync('playing');
    await sleep(100);
    expect(stateOf(rig.room, 'A')).toBe('playing');
    a.ws.close();
    b.ws.close();
  });

  it('pauses everyone with "pause for buffering", and resumes when it recovers', async () => {
    const room = rig.host.open(rig.tracks, { pauseForBuffering: true });
    const a = await listener(room, 'A');
    const b = await listener(room, 'B');
    await sleep(100);
    room.play();
    await sleep(50);
    a.sync('buffering');
    await sleep(200);
    expect(room.status.state).toBe('paused');
    expect(b.got.filter((m) => m.type === 'PAUSE')).toHaveLength(1);
    a.sync('paused'); // its buffer filled while paused
    await sleep(200);
    expect(room.status.state).toBe('playing');
    expect(b.got.filter((m) => m.type === 'PLAY')).toHaveLength(2);
    a.ws.close();
    b.ws.close();
  });

  it('a track change starts when every page is READY, or after 3 s without one', async () => {
    const a = await listener(rig.room, 'A');
    const b = await listener(rig.room, 'B');
    await sleep(100);
    rig.room.select(1, true);
    a.send({ type: 'READY', index: 1, duration: 30 });
    await sleep(300);
    expect(rig.room.status.state).toBe('paused'); // B has not said it can play
    b.send({ type: 'READY', index: 1, duration: 30 });
    await sleep(100);
    expect(rig.room.status).toMatchObject({ state: 'playing', index: 1 });
    // Without B's READY, the start comes after 3 s anyway.
    const t0 = performance.now();
    rig.room.select(0, true);
    a.send({ type: 'READY', index: 0, duration: 30 });
    while (rig.room.status.state !== 'playing' && performance.now() - t0 < 5000) await sleep(50);
    expect(performance.now() - t0).toBeGreaterThan(2900);
    expect(rig.room.status).toMatchObject({ state: 'playing', index: 0 });
    a.ws.close();
    b.ws.close();
  });
});
