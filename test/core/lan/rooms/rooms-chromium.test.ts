/**
 * Listening rooms in real Chromium (issue 14's measurement): two listeners on 127.0.0.1 and, as
 * root, a third in another network namespace across a veth link (else on 127.0.0.1 too, and the
 * test says so). They join through the page's "Join and play" button (a real click, so the
 * autoplay policy is the browser's own); the host plays, seeks, pauses, resumes and skips over
 * about 60 s, and each listener's position error is taken every 100 ms against the host's
 * timeline (room-rig.ts says how).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../e2e/ui-helpers';
import { listenerNetnsMissing, makeListenerNetns, type ListenerNetns } from './listener-netns';
import { startRoomRig, type RoomRig } from './room-rig';
import { rigDriver, runDriftSession } from './scenario';

let browser: Browser;
let lateBrowser: Browser | undefined;
let netns: ListenerNetns | undefined;
let rig: RoomRig;
let dir = '';
const noNetns = listenerNetnsMissing();

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tcs-room-ns-'));
  browser = await launchChromium();
  if (!noNetns) {
    netns = await makeListenerNetns(dir);
    lateBrowser = await netns.launch();
  } else console.log(`room drift: third listener on 127.0.0.1 (${noNetns})`);
  rig = await startRoomRig([60, 30], ['127.0.0.1', ...(netns ? [netns.hostAddress] : [])]);
}, 60_000);

afterAll(async () => {
  await lateBrowser?.close();
  await browser?.close();
  await rig?.close();
  netns?.remove();
  await rm(dir, { recursive: true, force: true });
});

describe('a listening room in Chromium', () => {
  it('keeps three listeners within 30 ms (p95) through play, seek, late join, pause, resume, skip', async () => {
    const third = netns?.hostAddress ?? '127.0.0.1';
    const f = await runDriftSession(
      browser,
      rigDriver(rig),
      () => [rig.link(), rig.link(), rig.link(third)],
      lateBrowser,
    );
    console.log(`room drift (third listener via ${third}): ${JSON.stringify(f)}`);
    for (const l of f.listeners) {
      expect(l.samples).toBeGreaterThan(50);
      // A busy machine may starve the browser itself now and then; never for long.
      expect(l.starved).toBeLessThan(l.samples * 0.05);
      expect(l.p95).toBeLessThan(30);
      expect(l.max).toBeLessThan(100);
    }
    expect(f.lateJoinInSyncMs).toBeLessThan(3000);
    for (const ms of f.clickToPlaying) expect(ms).toBeLessThan(700);
  }, 120_000);
});
