/**
 * The listener page's own behaviour in Chromium: what it shows after "Join and play" (who is
 * here, now playing, the queue), the join link's code dropped from the address bar, a spent link
 * refused with a message, and a play() that the browser rejects shown on the page, never
 * swallowed. Saves a screenshot of the page (test-artifacts/room-listener.png).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../e2e/ui-helpers';
import { startRoomRig, type RoomRig } from './room-rig';

let browser: Browser;
let rig: RoomRig;

beforeAll(async () => {
  browser = await launchChromium();
  rig = await startRoomRig([20, 10]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
});

describe('the listener page', () => {
  it('joins with the button and shows the room; a spent link is refused with a reason', async () => {
    const link = rig.link();
    const ctx = await browser.newContext({ viewport: { width: 480, height: 760 } });
    const page = await ctx.newPage();
    await page.goto(link);
    expect(page.url()).not.toContain('#k=');
    await page.fill('#name', 'Ada');
    await page.click('#go:not([disabled])');
    await page.waitForSelector('#room:not([hidden])');
    rig.room.play();
    await page.waitForFunction(
      () => !(document.getElementById('audio') as HTMLAudioElement).paused,
    );
    await page.waitForTimeout(2500);
    expect(await page.textContent('#now')).toBe('Tone 1');
    expect(await page.$$eval('#queue li', (l) => l.map((x) => x.textContent))).toEqual([
      'Tone 1 (0:20)',
      'Tone 2 (0:10)',
    ]);
    expect(await page.textContent('#users')).toBe('Ada (you)');
    expect(await page.textContent('#sync')).toMatch(/^Round trip \d+\.\d ms · off by \d+ ms$/);
    expect(await page.isHidden('#error')).toBe(true);
    const dir = path.resolve('test-artifacts');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'room-listener.png'), await page.screenshot({ fullPage: true }));

    // The same link in another browser profile: its code is spent.
    const other = await browser.newContext();
    const p2 = await other.newPage();
    await p2.goto(link);
    await p2.waitForSelector('#error:not([hidden])');
    expect(await p2.textContent('#error')).toMatch(/already used/);
    await other.close();
    rig.room.pause();
    await ctx.close();
  });

  it('shows a refused play() on the page and offers the button again', async () => {
    // A queued "track" Chromium cannot decode: play() rejects (NotSupportedError).
    const bad = { ...rig.tracks[1]!, id: 'b'.repeat(32), mimeType: 'audio/wav', path: __filename };
    const room = rig.host.open([bad]);
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const port = rig.server.port;
    await page.goto(`http://127.0.0.1:${port}/room/${room.id}#k=${room.keys.createCode()}`);
    await page.click('#go:not([disabled])');
    await page.waitForSelector('#room:not([hidden])');
    room.play();
    await page.waitForSelector('#error:not([hidden])', { timeout: 5000 });
    expect(await page.textContent('#error')).toMatch(
      /The browser refused to play \(NotSupportedError/,
    );
    expect(await page.isVisible('#go')).toBe(true);
    room.close();
    await ctx.close();
  });
});
