/**
 * The Nearby view in real Chromium over the mock engine: with LAN sharing off it says how to turn
 * it on; on, it shows this device's id, makes a pairing link, pairs with a pasted link (once), lists
 * the device as paired, and unpairs it.
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
