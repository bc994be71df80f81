/**
 * The data saver in real Chromium: a listener ticks "Data saver" while the room plays, the page
 * switches to the HLS rendition (made with the test ffmpeg, given as TUNECAMP_FFMPEG) and stays
 * in sync through a seek and the next track, measured as in rooms-chromium.test.ts (room-rig.ts);
 * and a track ffmpeg cannot read sends the page back to the original with ffmpeg's reason.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataSaverIn } from '../../../../src/main/core/lan/rooms/hls-routes';
import { launchChromium } from '../../../e2e/ui-helpers';
import { errors, joinListener, quantile, startRoomRig, type RoomRig } from './room-rig';
import { TEST_FFMPEG, withFfmpeg } from './test-ffmpeg';

let browser: Browser;
let rig: RoomRig;
let dir = '';

beforeAll(async () => {
  if (!TEST_FFMPEG) return;
  dir = await mkdtemp(path.join(os.tmpdir(), 'tcs-hls-page-'));
  browser = await launchChromium();
  rig = await startRoomRig([40, 20], undefined, {
    dataSaver: dataSaverIn(path.join(dir, 'hls'), withFfmpeg()),
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const src = (page: Page) =>
  page.evaluate(() => (document.getElementById('audio') as HTMLAudioElement).currentSrc);

describe.skipIf(!TEST_FFMPEG)('the data saver in Chromium', () => {
  it('switches to the HLS rendition on the checkbox and stays within 30 ms (p95)', async () => {
    const l = await joinListener(browser, rig.link(), 'Ada');
    const { page } = l;
    await page.waitForSelector('#saver:not([disabled])');
    expect(
      await page.evaluate(() => new Audio().canPlayType('application/vnd.apple.mpegurl')),
    ).not.toBe('');
    for (let i = 0; i < 100 && rig.room.state().listeners[0]?.state === 'joining'; i++)
      await sleep(100);
    rig.room.play();
    await sleep(3000);
    expect(await src(page)).toContain(`/track/${rig.tracks[0]!.id}`);
    await page.click('#saver');
    await page.waitForFunction(() => {
      const a = document.getElementById('audio') as HTMLAudioElement;
      return a.currentSrc.includes('/hls/') && !a.paused;
    });
    const switchedAt = performance.now();
    expect(await page.textContent('#saver-note')).toMatch(
      /^Data saver on: playing the AAC rendition \(HLS\)\.$/,
    );
    await sleep(8000);
    rig.room.seek(28);
    await sleep(7000);
    rig.room.skip(); // the next track loads from its rendition straight away
    await sleep(10_000);
    expect(await src(page)).toContain(`/hls/${rig.tracks[1]!.id}/index.m3u8`);
    expect(await page.isChecked('#saver')).toBe(true);
    const durations = rig.tracks.map((t) => t.duration!);
    const e = errors(rig.history, await l.samples(), durations, 3000, switchedAt);
    const figures = {
      p95: quantile(e.settled, 0.95),
      max: Math.max(...e.settled),
      samples: e.settled.length,
      starved: e.starved,
      ffmpegRuns: rig.host.hls!.runs,
    };
    console.log(`data saver drift: ${JSON.stringify(figures)}`);
    expect(figures.samples).toBeGreaterThan(100);
    expect(figures.starved).toBeLessThan(figures.samples * 0.05);
    expect(figures.p95).toBeLessThan(30);
    expect(figures.ffmpegRuns).toBe(2);
    rig.room.pause();
    await l.context.close();
  }, 120_000);

  it('a track ffmpeg cannot read: the page goes back to the original and says why', async () => {
    const bad = path.join(dir, 'bad.wav');
    await writeFile(bad, Buffer.concat([Buffer.from('RIFF....WAVEjunk'), Buffer.alloc(4000, 7)]));
    const st = await stat(bad);
    const room = rig.host.open([
      rig.tracks[1]!,
      { ...rig.tracks[1]!, id: 'b'.repeat(32), path: bad, size: st.size, mtimeMs: st.mtimeMs },
    ]);
    const link = `${rig.base}/room/${room.id}#k=${room.keys.createCode()}`;
    const l = await joinListener(browser, link, 'Bo');
    const { page } = l;
    await page.waitForSelector('#saver:not([disabled])');
    room.play();
    await sleep(1500);
    await page.click('#saver');
    await page.waitForFunction(() =>
      (document.getElementById('audio') as HTMLAudioElement).currentSrc.includes('/hls/'),
    );
    room.skip();
    await page.waitForFunction(
      () => document.getElementById('saver-note')!.textContent!.includes('back to the original'),
      undefined,
      { timeout: 10_000 },
    );
    expect(await page.textContent('#saver-note')).toMatch(
      /^The data-saver rendition failed \(Data saver is unavailable for this track: ffmpeg could not make the data-saver rendition \(exit code \d+\): .+\): back to the original file\.$/,
    );
    expect(await page.isChecked('#saver')).toBe(false);
    expect(await src(page)).toContain(`/track/${'b'.repeat(32)}`);
    room.close();
    await l.context.close();
  }, 60_000);
});
