/**
 * The listening room through the engine's commands, as the window and the remote control use
 * them: refused while LAN sharing is off, opened on library ids, a join link that a browser-like
 * client spends for the cookie and the audio, controls, the `room` event, and closing.
 */
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RoomInfo } from '../../../../src/shared/contract';
import type { Engine } from '../../../../src/main/core/engine';
import { validateCall } from '../../../../src/shared/validate';
import { engineSharingOneTrack, tempDir } from '../../../e2e/helpers';
import { TEST_FFMPEG } from './test-ffmpeg';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function engineWithMusic(): Promise<Engine> {
  const dir = await tempDir('room-engine');
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  // The data saver's ffmpeg, as a user would give it (read when the engine is made).
  const saved = process.env.TUNECAMP_FFMPEG;
  process.env.TUNECAMP_FFMPEG = TEST_FFMPEG ?? '/nonexistent/ffmpeg';
  cleanups.push(async () => {
    if (saved === undefined) delete process.env.TUNECAMP_FFMPEG;
    else process.env.TUNECAMP_FFMPEG = saved;
  });
  const { engine } = await engineSharingOneTrack(dir);
  cleanups.push(() => engine.stop());
  return engine;
}

describe('the listening room in the engine', () => {
  it('opens on library ids with LAN sharing on, lets a link holder listen, and closes', async () => {
    const engine = await engineWithMusic();
    const [track] = engine.manifest();
    await expect(engine.invoke('openRoom', { tracks: [track!.id] })).rejects.toThrow(
      /Turn on LAN sharing first/,
    );
    await engine.invoke('updateSettings', { lan: { enabled: true, port: 0, host: '127.0.0.1' } });
    await expect(engine.invoke('openRoom', { tracks: ['0'.repeat(32)] })).rejects.toThrow(
      /is not shared/,
    );
    const events: (RoomInfo | null)[] = [];
    engine.on('room', (r) => events.push(r));
    const { room, links } = await engine.invoke('openRoom', { tracks: [track!.id] });
    expect(room.queue).toEqual([expect.objectContaining({ id: track!.id, title: track!.title })]);
    expect(links).toHaveLength(1);
    const port = (await engine.invoke('getSnapshot')).lanPort;
    expect(links[0]).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/room/${room.id}#k=`));

    const base = `http://127.0.0.1:${port}/room/${room.id}`;
    const code = links[0]!.split('#k=')[1];
    const joined = await fetch(`${base}/join`, { method: 'POST', body: JSON.stringify({ code }) });
    expect(joined.status).toBe(200);
    const cookie = joined.headers.get('set-cookie')!.split(';')[0]!;
    const audio = await fetch(`${base}/track/${track!.id}`, {
      headers: { Cookie: cookie, Range: 'bytes=0-9' },
    });
    expect(audio.status).toBe(206);
    // The data saver's rendition, made with TUNECAMP_FFMPEG and kept in the state folder.
    const playlist = await fetch(`${base}/hls/${track!.id}/index.m3u8`, {
      headers: { Cookie: cookie },
    });
    expect(playlist.status).toBe(TEST_FFMPEG ? 200 : 404);

    const ws = new WebSocket(`ws://127.0.0.1:${port}/room/${room.id}/ws`, {
      headers: { Cookie: cookie, Origin: `http://127.0.0.1:${port}` },
    });
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'JOIN', name: 'Kitchen' }));
    ws.send(
      JSON.stringify({
        type: 'SYNC',
        position: 0,
        buffered: 3,
        clientTime: 1,
        state: 'paused',
        offset: 12.5,
        rtt: 3.25,
        errorMs: 0,
      }),
    );
    for (
      let i = 0;
      i < 50 && !(await engine.invoke('getRoom'))?.listeners.some((l) => l.rtt === 3.25);
      i++
    )
      await new Promise((r) => setTimeout(r, 50));
    const seen = await engine.invoke('getRoom');
    expect(seen?.listeners).toEqual([
      expect.objectContaining({ name: 'Kitchen', offset: 12.5, rtt: 3.25, state: 'paused' }),
    ]);
    expect(seen?.dataSaver).toMatch(
      TEST_FFMPEG ? /^Data saver is available/ : /TUNECAMP_FFMPEG=\/nonexistent\/ffmpeg is not/,
    );
    // The window hears of it too (events are coalesced to at most four a second).
    await new Promise((r) => setTimeout(r, 400));
    expect(events.at(-1)?.listeners).toEqual([
      expect.objectContaining({ name: 'Kitchen', rtt: 3.25 }),
    ]);

    const playing = await engine.invoke('controlRoom', { action: 'play' });
    expect(playing.status.state).toBe('playing');
    await expect(engine.invoke('controlRoom', { action: 'select', index: 3 })).rejects.toThrow(
      /1 tracks/,
    );
    expect(validateCall('controlRoom', [{ action: 'seek', position: -1 }]).ok).toBe(false);
    expect(validateCall('openRoom', [{ tracks: [] }]).ok).toBe(false);
    expect((await engine.invoke('createRoomLink'))[0]).not.toBe(links[0]);

    const closedWs = new Promise<number>((r) => ws.once('close', (c) => r(c)));
    await engine.invoke('closeRoom');
    expect(await closedWs).toBe(4000);
    expect(await engine.invoke('getRoom')).toBeNull();
    expect(
      (await fetch(`${base}/track/${track!.id}`, { headers: { Cookie: cookie } })).status,
    ).toBe(404);
    await new Promise((r) => setTimeout(r, 300));
    expect(events.at(-1)).toBeNull();
    await expect(engine.invoke('controlRoom', { action: 'play' })).rejects.toThrow(
      /No room is open/,
    );
  });
});
