/**
 * The Nearby view in real Chromium over the mock engine: with LAN sharing off it says how to turn
 * it on; on, it shows this device's id, makes a pairing link, pairs with a pasted link (once), lists
 * the device as paired, and unpairs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWav } from '../e2e/helpers';
import { openApp, show, startUi, type Ui } from './page';

let ui: Ui;

beforeAll(async () => {
  ui = await startUi();
}, 120_000);

afterAll(async () => {
  await ui?.close();
});

describe('Nearby', () => {
  it('pairs with a link and unpairs, once LAN sharing is on', async () => {
    const { page, errors, close } = await openApp(ui);
    try {
      await show(page, 'nearby');
      await page.getByText('Nearby devices and pairing work while LAN sharing is on.').waitFor();
      await page.getByRole('button', { name: 'Open Settings' }).click();
      await page.getByLabel(/Let players on this network stream/).check();
      await show(page, 'nearby');

      await page.getByText(/^([0-9A-F]{4}-){15}[0-9A-F]{4}$/).waitFor();
      await page.getByRole('button', { name: 'Create a pairing link' }).click();
      const link = page.getByLabel('Pairing link');
      await expect.poll(() => link.inputValue()).toMatch(/^tcshare:\/\/pair\?/);

      const others = page.getByRole('list', { name: 'Devices on this network' });
      await others.getByText('not paired').waitFor();
      const pasted = 'tcshare://pair?addr=192.0.2.20:47311&id=x&s=y';
      await page.getByLabel('Link from the other device').fill(pasted);
      await page.getByRole('button', { name: 'Pair', exact: true }).click();
      await expect
        .poll(() => page.getByRole('status').textContent())
        .toBe('Paired with Studio Mac.');
      await others.getByText('paired', { exact: true }).waitFor();
      const paired = page.getByRole('list', { name: 'Paired devices' });
      await paired.getByText('may browse, stream').waitFor();

      // The same link again is refused, with the engine's words.
      await page.getByLabel('Link from the other device').fill(pasted);
      await page.getByRole('button', { name: 'Pair', exact: true }).click();
      await page.getByText(/not valid \(or was used\)/).waitFor();

      await paired.getByRole('button', { name: 'Unpair Studio Mac' }).click();
      await page.getByText('None yet.').waitFor();
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('a paired device in Nearby', () => {
  it('is browsed, searched, played, downloaded from, and its permissions changed', async () => {
    const { page, errors, close } = await openApp(ui);
    // The mock's player URL stands for the engine's loopback proxy: answer it with real audio.
    const served: string[] = [];
    await page.route('http://127.0.0.1:9/mock/**', (route) => {
      served.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'audio/wav', body: makeWav(400_000, 3) });
    });
    try {
      await show(page, 'settings');
      await page.getByLabel(/Let players on this network stream/).check();
      await show(page, 'nearby');
      await page
        .getByLabel('Link from the other device')
        .fill('tcshare://pair?addr=192.0.2.20:1&id=x&s=z');
      await page.getByRole('button', { name: 'Pair', exact: true }).click();
      const paired = page.getByRole('list', { name: 'Paired devices' });
      await paired.getByRole('button', { name: 'Browse Studio Mac' }).click();

      const lib = page.getByRole('region', { name: 'Library of Studio Mac' });
      await lib
        .getByRole('button', { name: /Studio Masters/ })
        .first()
        .click();
      await lib
        .getByRole('button', { name: /Night Sessions/ })
        .first()
        .click();
      await lib.getByRole('button', { name: 'Play Blue Hour' }).waitFor();
      // The breadcrumb leads back up.
      await expect
        .poll(() => lib.getByRole('navigation', { name: 'Folder' }).textContent())
        .toMatch(/Studio Mac\s*\/\s*Studio Masters\s*\/\s*Night Sessions/);

      await lib.getByRole('button', { name: 'Play Blue Hour' }).click();
      const audio = lib.getByLabel('Player: Blue Hour');
      await expect
        .poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime))
        .toBeGreaterThan(0);
      expect(served).toEqual([`http://127.0.0.1:9/mock/${'2'.padStart(32, 'a')}`]);

      // A download needs a folder first; then the whole album is queued and listed.
      await lib.getByRole('button', { name: 'Download this folder' }).click();
      await lib.getByText('Choose a folder to download into first.').waitFor();
      await lib.getByLabel('Download into').fill('/home/maria/Music/From Studio');
      await lib.getByRole('button', { name: 'Download this folder' }).click();
      await lib.getByText('3 tracks queued into /home/maria/Music/From Studio.').waitFor();
      const downloads = page.getByRole('list', { name: 'Downloads' });
      await expect.poll(() => downloads.getByRole('listitem').count()).toBe(3);
      await downloads.getByText('Last Train.flac').waitFor();

      await lib.getByRole('searchbox', { name: 'Search Studio Mac' }).fill('train');
      await lib.getByRole('button', { name: 'Search', exact: true }).click();
      await lib.getByText(/1 tracks and 0 folders match/).waitFor();
      await lib.getByRole('button', { name: 'Back to folders' }).click();
      await lib.getByRole('button', { name: 'Play Blue Hour' }).waitFor();

      // Permissions: downloads allowed by default, then one folder kept to browsing only.
      await paired.getByRole('button', { name: 'Permissions' }).click();
      await paired
        .getByRole('group', { name: 'Studio Mac may, by default' })
        .getByLabel('Download')
        .check();
      await paired.getByText('may browse, stream, download').waitFor();
      const folder = paired.getByRole('group').nth(1);
      await folder.getByLabel('As default').uncheck();
      await folder.getByLabel('Play').uncheck();
      await paired.getByText('(some folders differ)').waitFor();
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('pairing by name', () => {
  it('answers a device asking, and asks one from the list, each with the code to compare', async () => {
    const { page, errors, close } = await openApp(ui);
    try {
      await show(page, 'settings');
      await page.getByLabel(/Let players on this network stream/).check();
      await show(page, 'nearby');
      const asking = page.getByRole('alertdialog', { name: 'Tour Laptop wants to pair' });
      await asking.getByText('305 118').waitFor();
      await asking.getByRole('button', { name: 'Pair with Tour Laptop' }).click();
      await asking.waitFor({ state: 'detached' });
      const paired = page.getByRole('list', { name: 'Paired devices' });
      await paired.getByRole('button', { name: 'Unpair Tour Laptop' }).waitFor();

      const others = page.getByRole('list', { name: 'Devices on this network' });
      await others.getByRole('button', { name: 'Pair with Studio Mac' }).click();
      const mine = page.getByRole('alertdialog', { name: 'Pairing with Studio Mac' });
      await mine.getByText('714 052').waitFor();
      await mine.getByRole('button', { name: 'The codes match' }).click();
      await page.getByText('Paired with Studio Mac.').waitFor();
      await paired.getByRole('button', { name: 'Unpair Studio Mac' }).waitFor();
      await expect.poll(() => others.getByRole('button').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
