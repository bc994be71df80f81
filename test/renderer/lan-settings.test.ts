/**
 * The Local network card in real Chromium over the mock transport: the switch sends the whole
 * `lan` setting, and a new device's token is shown once, in place.
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

describe('Settings → Local network', () => {
  it('turns LAN sharing on and shows a new device token once', async () => {
    const { page, errors, close } = await openApp(ui);
    try {
      await show(page, 'settings');
      const toggle = page.getByLabel(/Let players on this network stream/);
      expect(await toggle.isChecked()).toBe(false);
      await toggle.check();
      await expect.poll(() => toggle.isChecked()).toBe(true);
      await page.getByLabel('Device name').fill('Kitchen');
      await page.getByRole('button', { name: 'Add device' }).click();
      await expect
        .poll(() => page.getByRole('status').textContent())
        .toMatch(/Kitchen.*shown only now/s);
      expect(await page.getByLabel('New device token').inputValue()).toBe('tcl_mock');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
