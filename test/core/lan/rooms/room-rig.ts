/**
 * A listening room on a real LAN server on 127.0.0.1 over generated WAV tracks, with Chromium
 * listeners that join through the page's own "Join and play" button, and the drift measurement:
 * each page samples its <audio> currentTime every 100 ms with its clock, which the test maps to the
 * host's by its own round trips (pageClockOffset), and the error is taken against the host's own
 * timeline history (not the page's estimate of it), so the clock estimator's error counts too.
 * Used by rooms-chromium.test.ts and `npm run bench -- --only rooms`.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { LanServer } from '../../../../src/main/core/lan/lan-server';
import { roomPageScript } from '../../../../src/main/core/lan/rooms/page-script';
import { expectedPosition, type Timeline } from '../../../../src/main/core/lan/rooms/policy';
import type { Room, RoomTrack } from '../../../../src/main/core/lan/rooms/room';
import { RoomHost, type RoomHostOptions } from '../../../../src/main/core/lan/rooms/room-host';

import { toneWav } from '../helpers';

export { toneWav };

/** A timeline as the host issued it, with when (host clock, ms). */
export interface Issued {
  at: number;
  t: Timeline;
}

/** The room, its server and the host's timeline history. */
export interface RoomRig {
  host: RoomHost;
  /** One server per bound address, all serving the same rooms. */
  servers: LanServer[];
  server: LanServer;
  room: Room;
  tracks: RoomTrack[];
  history: Issued[];
  base: string;
  /** A join link with a fresh one-time code, on `address` (default 127.0.0.1). */
  link(address?: string): string;
  close(): Promise<void>;
}

/**
 * Starts a server on each of `binds` (127.0.0.1 by default; another for a namespace's link) with
 * one room over WAV tracks of the given lengths (seconds); `extra` adds to the host's options.
 */
export async function startRoomRig(
  lengths: number[],
  binds = ['127.0.0.1'],
  extra: Partial<RoomHostOptions> = {},
): Promise<RoomRig> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tcs-room-'));
  const tracks: RoomTrack[] = [];
  for (const [i, s] of lengths.entries()) {
    const file = path.join(dir, `t${i}.wav`);
    await writeFile(file, toneWav(s, 22_050, 330 + 110 * i));
    const st = await stat(file);
    const id = (i + 1).toString(16).padStart(32, '0');
    tracks.push({
      id,
      path: file,
      size: st.size,
      mtimeMs: st.mtimeMs,
      mimeType: 'audio/wav',
      title: `Tone ${i + 1}`,
      duration: s,
    });
  }
  const host = new RoomHost({
    pageScript: roomPageScript(),
    maxRangeBytes: 8 << 20,
    chunkSize: 1 << 20,
    ...extra,
  });
  const servers: LanServer[] = [];
  for (const bind of binds)
    servers.push(
      await LanServer.start({
        host: bind,
        port: 0,
        resolve: () => undefined,
        authorize: () => undefined,
        rooms: host,
      }),
    );
  const server = servers[0]!;
  const room = host.open(tracks);
  const history: Issued[] = [{ at: performance.now(), t: room.status }];
  room.on('timeline', (t) => history.push({ at: performance.now(), t }));
  const base = `http://${binds[0]}:${server.port}`;
  return {
    host,
    servers,
    server,
    room,
    tracks,
    history,
    base,
    link: (address = binds[0]!) => {
      const port = servers[binds.indexOf(address)]?.port ?? server.port;
      return `http://${address}:${port}/room/${room.id}#k=${room.keys.createCode()}`;
    },
    async close() {
      host.closeAll('Test over');
      for (const s of servers) await s.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One page sample, its moment on this process's clock (the host's), and the element's state. */
export interface Sample {
  h: number;
  current: number;
  paused: boolean;
  /** How late this sample's timer fired, ms: the page's own event loop was held up. */
  late: number;
}

/** A sample whose timer fired this late was taken while the browser itself was starved of CPU. */
export const STARVED_MS = 50;

/**
 * This process's clock minus a page's (both monotonic), from the evaluate round trip with the
 * shortest time: an NTP-style measurement independent of the page's own estimate, on the two
 * monotonic clocks themselves (wall-clock stamps through timeOrigin are not needed, so not used).
 */
export async function pageClockOffset(page: Page): Promise<{ offset: number; rtt: number }> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    const p = await page.evaluate(() => performance.now());
    const t3 = performance.now();
    if (t3 - t0 < best.rtt) best = { rtt: t3 - t0, offset: (t0 + t3) / 2 - p };
  }
  return best;
}

/** A Chromium listener that joined through the page. */
export interface Listener {
  context: BrowserContext;
  page: Page;
  /** When "Join and play" was clicked (this process's clock). */
  joinedAt: number;
  samples(): Promise<Sample[]>;
  /** The element's 'playing' events (this process's clock). */
  playingAt(): Promise<number[]>;
}

/** Opens `link` in a fresh context, presses "Join and play", and starts sampling every 100 ms. */
export async function joinListener(
  browser: Browser,
  link: string,
  name: string,
): Promise<Listener> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  await page.fill('#name', name);
  await page.waitForSelector('#go:not([disabled])');
  const { offset } = await pageClockOffset(page);
  const joinedAt = performance.now();
  await page.click('#go');
  await page.evaluate(() => {
    const a = document.getElementById('audio') as HTMLAudioElement;
    const w = window as unknown as { __s: Sample[]; __p: number[] };
    w.__s = [];
    w.__p = [];
    a.addEventListener('playing', () => w.__p.push(performance.now()));
    let last = performance.now();
    setInterval(() => {
      const late = performance.now() - last - 100;
      last = performance.now();
      // The stamp and the position in the same task, so they describe the same instant.
      w.__s.push({ h: performance.now(), current: a.currentTime, paused: a.paused, late });
    }, 100);
  });
  return {
    context,
    page,
    joinedAt,
    samples: async () =>
      (await page.evaluate(() => (window as unknown as { __s: Sample[] }).__s)).map((s) => ({
        ...s,
        h: s.h + offset,
      })),
    playingAt: async () =>
      (await page.evaluate(() => (window as unknown as { __p: number[] }).__p)).map(
        (t) => t + offset,
      ),
  };
}

/** The host's timeline in effect at host time `h`: the last issued whose moment has come. */
export function timelineAt(history: Issued[], h: number): Issued | undefined {
  let found: Issued | undefined;
  for (const e of history) if (e.t.atHostTime <= h && e.at <= h) found = e;
  return found;
}

/** How long before a switch a page may already show the new position (it acts early by its latency). */
export const SWITCH_WINDOW_MS = 200;

/**
 * Per-sample errors of a listener against the host's history: `all` while the timeline plays
 * (from `from`), `settled` only after each segment's first `settleMs`. In the last 200 ms before a
 * switch the nearer of the two timelines counts: a page takes a seek early by its start latency, so
 * it shows the new position a moment before the new timeline's moment comes.
 */
export function errors(
  history: Issued[],
  samples: Sample[],
  durations: number[],
  settleMs = 3000,
  from = -Infinity,
): {
  settled: number[];
  all: number[];
  worst: { h: number; intoSegment: number; err: number };
  /** Settled samples left out because the page's timer fired STARVED_MS or more late. */
  starved: number;
} {
  let starved = 0;
  const settled: number[] = [];
  const all: number[] = [];
  let worst = { h: 0, intoSegment: 0, err: -1 };
  for (const s of samples) {
    const h = s.h;
    const e = timelineAt(history, h);
    if (!e || e.t.state !== 'playing' || h < from) continue;
    const expected = expectedPosition(e.t, h, durations[e.t.index]);
    // The track's last moments: the next LOAD is on its way.
    if (expected >= (durations[e.t.index] ?? Infinity) - 0.2) continue;
    let err = Math.abs(s.current - expected) * 1000;
    const next = history.find(
      (x) => x.at <= h && x.t.atHostTime > h && x.t.atHostTime - h <= SWITCH_WINDOW_MS,
    );
    // Early by up to the window, the page holds the new timeline's position at its moment.
    if (next) err = Math.min(err, Math.abs(s.current - next.t.position) * 1000);
    all.push(err);
    const into = h - Math.max(e.t.atHostTime, from);
    if (into >= settleMs && s.late >= STARVED_MS) starved++;
    else if (into >= settleMs) {
      settled.push(err);
      if (err > worst.err) worst = { h, intoSegment: into, err };
    }
  }
  return { settled, all, worst, starved };
}

/** The q-quantile of `xs` (nearest rank). */
export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}
