/**
 * The scripted room session of the drift measurement (tests and bench): two listeners join, the
 * host plays, seeks once, a third listener joins mid-track, the host pauses, resumes and skips,
 * over about 60 s; then every listener's errors against the host's timeline.
 */
import type { Browser } from 'playwright-core';
import {
  errors,
  joinListener,
  quantile,
  type Issued,
  type Listener,
  type RoomRig,
} from './room-rig';

/** The host side of a session: its controls and the timelines it issued (this process's clock). */
export interface RoomDriver {
  play(): void;
  pause(): void;
  seek(seconds: number): void;
  skip(): void;
  history: Issued[];
  /** Track lengths, seconds. */
  durations: number[];
  /** Listeners that have loaded the current track (past "joining"). */
  ready(): Promise<number>;
}

/** The driver of an in-process rig. */
export function rigDriver(rig: RoomRig): RoomDriver {
  return {
    play: () => rig.room.play(),
    pause: () => rig.room.pause(),
    seek: (s) => rig.room.seek(s),
    skip: () => rig.room.skip(),
    history: rig.history,
    durations: rig.tracks.map((t) => t.duration ?? Infinity),
    ready: async () => rig.room.state().listeners.filter((u) => u.state !== 'joining').length,
  };
}

/** Figures of one run. */
export interface DriftFigures {
  /** Per listener: p95 and max of the error after each segment's first 3 s, max over all, samples. */
  listeners: {
    name: string;
    p95: number;
    max: number;
    maxAll: number;
    samples: number;
    /** Settled samples left out: the page's own timer fired 50 ms or more late (a starved browser). */
    starved: number;
    /** Where the max was: ms into the session and into its segment. */
    maxAt: { session: number; intoSegment: number };
  }[];
  /** Host's play() call → the last listener's 'playing' event, ms (first start, and the resume). */
  clickToPlaying: number[];
  /** The mid-track joiner: its click → error below 30 ms for good, ms. */
  lateJoinInSyncMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

/** Waits until every listener has the room's first track loaded and said so. */
async function waitReady(host: RoomDriver, n: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await host.ready()) >= n) return;
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
 * Runs the session on `host` (tracks of 60 s and 30 s): listeners at `links()`; the third, who
 * joins mid-track, runs in `lateBrowser` (another network namespace, when given).
 */
export async function runDriftSession(
  browser: Browser,
  host: RoomDriver,
  links: () => [string, string, string],
  lateBrowser: Browser = browser,
): Promise<DriftFigures> {
  const [la, lb, lc] = links();
  const a = await joinListener(browser, la, 'Ada');
  const b = await joinListener(browser, lb, 'Bob');
  await waitReady(host, 2);
  const clicks: number[] = [];
  const t0 = now();
  clicks.push(t0);
  host.play();
  await sleep(12_000);
  host.seek(40);
  await sleep(6_000);
  const c = await joinListener(lateBrowser, lc, 'Cy');
  await sleep(8_000);
  host.pause();
  await sleep(5_000);
  const resume = now();
  host.play();
  await sleep(9_000);
  host.skip();
  await sleep(17_000);
  const all = [a, b, c];
  const durations = host.durations;
  const listeners = [];
  for (const [i, l] of all.entries()) {
    const from = i === 2 ? c.joinedAt : -Infinity;
    const e = errors(host.history, await l.samples(), durations, 3000, from);
    listeners.push({
      name: ['Ada', 'Bob', 'Cy'][i]!,
      p95: quantile(e.settled, 0.95),
      max: Math.max(...e.settled),
      maxAll: Math.max(...e.all),
      samples: e.settled.length,
      starved: e.starved,
      maxAt: { session: Math.round(e.worst.h - t0), intoSegment: Math.round(e.worst.intoSegment) },
    });
  }
  // The late joiner: from its click, the first sample after which it stays within 30 ms
  // until the pause.
  const joinH = c.joinedAt;
  const pauseH = resume - 5_000;
  const cs = (await c.samples()).filter((s) => s.h < pauseH);
  const ce = cs.map((s) => errors(host.history, [s], durations, 0, joinH).all[0]);
  let lastBad = -1;
  ce.forEach((e, i) => {
    if (e === undefined || e >= 30) lastBad = i;
  });
  const inSync = cs[lastBad + 1];
  return {
    listeners,
    clickToPlaying: [await lastPlaying([a, b], t0), await lastPlaying(all, resume)],
    lateJoinInSyncMs: inSync ? inSync.h - c.joinedAt : Infinity,
  };
}
