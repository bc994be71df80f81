/**
 * The scripted room session of the drift measurement (tests and bench): two listeners join, the
 * host plays, seeks once, a third listener joins mid-track, the host pauses, resumes and skips,
 * over about 60 s; then every listener's errors against the host's timeline.
 */
import type { Browser } from 'playwright-core';
import { errors, joinListener, quantile, type Listener, type RoomRig } from './room-rig';

/** Figures of one run. */
export interface DriftFigures {
  /** Per listener: p95 and max of the error after each segment's first 3 s, max over all, samples. */
  listeners: { name: string; p95: number; max: number; maxAll: number; samples: number }[];
  /** Host's play() call → the last listener's 'playing' event, ms (first start, and the resume). */
  clickToPlaying: number[];
  /** The mid-track joiner: its click → error below 30 ms for good, ms. */
  lateJoinInSyncMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const wall = () => performance.timeOrigin + performance.now();

/** Waits until every listener has the room's first track loaded and said so. */
async function waitReady(rig: RoomRig, n: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ready = rig.room.state().listeners.filter((u) => u.state !== 'joining').length;
    if (ready >= n) return;
    await sleep(100);
  }
  throw new Error('listeners did not load the first track within 10 s');
}

/** The latest 'playing' event after `since` across listeners, minus `since`. */
async function lastPlaying(listeners: Listener[], since: number): Promise<number> {
  let worst = 0;
  for (const l of listeners) {
    const at = (await l.playingAt()).find((t) => t >= since);
    if (at === undefined) return Infinity;
    worst = Math.max(worst, at - since);
  }
  return worst;
}

/**
 * Runs the session on `rig` (tracks of 60 s and 30 s): listeners at `links()` (the third one
 * may be on another address), `scale` < 1 shortens every wait (a quick run).
 */
export async function runDriftSession(
  browser: Browser,
  rig: RoomRig,
  links: () => [string, string, string],
  lateBrowser: Browser = browser,
): Promise<DriftFigures> {
  const [la, lb, lc] = links();
  const a = await joinListener(browser, la, 'Ada');
  const b = await joinListener(browser, lb, 'Bob');
  await waitReady(rig, 2);
  const clicks: number[] = [];
  const t0 = wall();
  clicks.push(t0);
  rig.room.play();
  await sleep(12_000);
  rig.room.seek(40);
  await sleep(6_000);
  const c = await joinListener(lateBrowser, lc, 'Cy');
  await sleep(8_000);
  rig.room.pause();
  await sleep(5_000);
  const resume = wall();
  rig.room.play();
  await sleep(9_000);
  rig.room.skip();
  await sleep(17_000);
  const all = [a, b, c];
  const durations = rig.tracks.map((t) => t.duration ?? Infinity);
  const listeners = [];
  for (const [i, l] of all.entries()) {
    const from = i === 2 ? c.joinedAt - performance.timeOrigin : -Infinity;
    const e = errors(rig.history, await l.samples(), durations, 3000, from);
    listeners.push({
      name: ['Ada', 'Bob', 'Cy'][i]!,
      p95: quantile(e.settled, 0.95),
      max: Math.max(...e.settled),
      maxAll: Math.max(...e.all),
      samples: e.settled.length,
    });
  }
  // The late joiner: from its click, the first sample after which it stays within 30 ms
  // until the pause.
  const joinH = c.joinedAt - performance.timeOrigin;
  const pauseH = resume - 5_000 - performance.timeOrigin;
  const cs = (await c.samples()).filter((s) => s.wall - performance.timeOrigin < pauseH);
  const ce = cs.map((s) => errors(rig.history, [s], durations, 0, joinH).all[0]);
  let lastBad = -1;
  ce.forEach((e, i) => {
    if (e === undefined || e >= 30) lastBad = i;
  });
  const inSync = cs[lastBad + 1];
  return {
    listeners,
    clickToPlaying: [await lastPlaying([a, b], t0), await lastPlaying(all, resume)],
    lateJoinInSyncMs: inSync ? inSync.wall - c.joinedAt : Infinity,
  };
}
