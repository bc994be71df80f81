/**
 * The host's Listening room view in real Chromium over the mock engine: the queue from the Tracks
 * view and from the finder, the options, opening, the join link with its QR code, the controls
 * following the timeline, the listeners' figures, and closing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, show, startUi, type Ui } from './page';

let ui: Ui;

beforeAll(async () => {
  ui = await startUi();
}, 120_000);

afterAll(async () => {
  await ui?.close();
});

describe('the listening room view', () => {
  it(
    'opens a room on tracks from the library, invites, plays, reorders and closes',
    { timeout: 60_000 },
    async () => {
      const { page, errors, close } = await openApp(ui);
      try {
        await show(page, 'room');
        await page.getByText('turn on LAN sharing first').waitFor();
        await page.getByRole('button', { name: 'Open Settings' }).click();
        await page.getByLabel(/Let players on this network stream/).check();

        // Two tracks picked in Tracks, then one more found in the room's own finder.
        await show(page, 'tracks');
        await page.getByLabel('Filter tracks').fill('Tide Gold');
        const bulk = page.getByRole('region', { name: 'Bulk actions' });
        const matching = Number(
          /(\d+) tracks? matching/.exec((await bulk.textContent()) ?? '')?.[1],
        );
        expect(matching).toBeGreaterThan(0);
        await bulk.getByRole('button', { name: 'Play in a listening room' }).click();
        await page.getByRole('heading', { name: 'Listening room' }).waitFor();
        const queue = page.getByRole('list', { name: 'Room queue' });
        await expect.poll(() => queue.getByRole('listitem').count()).toBe(matching);
        await page.getByLabel('Find tracks to add').fill('River');
        const found = page.getByRole('list', { name: 'Tracks found' });
        await found.getByRole('button', { name: /^Add / }).first().click();
        await expect.poll(() => queue.getByRole('listitem').count()).toBe(matching + 1);
        await page.getByLabel('Listeners may play, pause, seek and skip').check();
        await page.getByRole('button', { name: 'Open the room' }).click();

        const link = page.getByLabel('Join link');
        await expect.poll(() => link.inputValue()).toMatch(/^http:\/\/[^/]+\/room\/\w+#k=\w+$/);
        const first = await link.inputValue();
        const qr = page.getByAltText('QR code of the join link');
        await expect
          .poll(() => qr.evaluate((i: HTMLImageElement) => i.naturalWidth))
          .toBeGreaterThan(0);
        await page.getByRole('button', { name: 'New link' }).click();
        await expect.poll(() => link.inputValue()).not.toBe(first);

        const listeners = page.getByRole('table', { name: 'Listeners' });
        await listeners.getByText('Ada').waitFor();
        await listeners.getByText('19 ms').waitFor();
        await listeners.getByText('6.0 ms').waitFor();

        const now = page.getByRole('region', { name: 'Now playing in the room' });
        const position = page.getByTestId('room-position');
        expect(await position.textContent()).toBe('0:00');
        await now.getByRole('button', { name: 'Play', exact: true }).click();
        await expect.poll(() => position.textContent(), { timeout: 5000 }).toBe('0:01');
        await now.getByRole('button', { name: 'Pause' }).click();
        const held = await position.textContent();
        await page.waitForTimeout(1200);
        expect(await position.textContent()).toBe(held);

        const items = now.getByRole('list', { name: 'Queue' }).getByRole('listitem');
        // Each row's title, read from its Play button's accessible name ("Play TITLE").
        const titles = async () =>
          (await items.getByRole('button', { name: /^Play / }).allTextContents()).map((t) =>
            t.replace(/^Play/, '').trim(),
          );
        const before = await titles();
        await items.last().getByRole('button', { name: / up$/ }).click();
        await expect.poll(titles).toEqual([...before.slice(0, -2), before.at(-1), before.at(-2)]);
        await now.getByRole('button', { name: 'Skip' }).click();
        await expect.poll(() => items.nth(1).getAttribute('class')).toContain('current');
        await expect.poll(() => position.textContent()).toBe('0:00');

        await page.getByRole('button', { name: 'Close the room' }).click();
        await page.getByRole('button', { name: 'Open the room' }).waitFor();
        expect(errors).toEqual([]);
      } catch (err) {
        await page.screenshot({ path: '/tmp/ui/room-fail.png' });
        throw err;
      } finally {
        await close();
      }
    },
  );
});
