/**
 * Issue 12's "The window" and issue 17's window side, in real Chromium over the mock engine: the
 * sign-in method in use, the machine a folder path is on, why the counts differ, the per-folder
 * switch for files browsers cannot play, their note in the Tracks view, and the notes of files
 * published with a damaged tag.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, show, tracksReady, startUi, type Ui } from './page';

let ui: Ui;

beforeAll(async () => {
  ui = await startUi();
}, 120_000);

afterAll(async () => {
  await ui?.close();
});

/** The card of one shared folder. */
const card = (page: Page, path: string) =>
  page.locator('article', { has: page.locator('h3', { hasText: path }) });

describe('the window (issues 12 and 17)', () => {
  it('opens the Server view on the API token a daemon was given, and says so', async () => {
    const { page, errors, close } = await openApp(ui, { hash: '#mock=headless-env' });
    try {
      await show(page, 'connect');
      expect(await page.getByLabel('API token').isChecked()).toBe(true);
      expect(await page.getByTestId('sign-in-now').textContent()).toContain(
        "an API token from the daemon's environment (TUNECAMP_TOKEN)",
      );
      expect(await page.locator('input[name="token"]').count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('names the machine a typed folder path is on', async () => {
    const { page, close } = await openApp(ui, { hash: '#mock=headless' });
    try {
      await show(page, 'folders');
      const input = page.getByLabel('Folder path on nas-01 (the machine running tunecamp-share)');
      expect(await input.count()).toBe(1);
      expect(await page.getByText('Folder path on the server').count()).toBe(0);
    } finally {
      await close();
    }
  });

  it('says why the folders hold more tracks than are shared', async () => {
    const { page, close } = await openApp(ui);
    try {
      expect(await page.getByTestId('tracks-shared').textContent()).toBe('50,000');
      expect(await page.getByTestId('shared-note').textContent()).toBe(
        'Your folders hold 50,002 tracks: 2 are in more than one folder (the same file reached twice, or an identical copy) and are published once.',
      );
      await show(page, 'folders');
      expect(
        await card(page, '/home/maria/Recordings/Live')
          .getByTestId('folder-duplicates')
          .textContent(),
      ).toBe(
        '2 of these tracks are also in /home/maria/Music (the same file reached twice, or an identical copy): published once.',
      );
    } finally {
      await close();
    }
  });

  it('lists files published with a damaged tag beside the skipped ones', async () => {
    const { page, close } = await openApp(ui);
    try {
      await show(page, 'folders');
      const music = card(page, '/home/maria/Music');
      const files = music.getByTestId('folder-files');
      expect(await files.locator('summary').textContent()).toBe(
        '3 skipped files · 1 file published with a warning',
      );
      await files.locator('summary').click();
      expect(await music.getByTestId('folder-notes').textContent()).toMatch(
        /02 Tide\.mp3\s+its ID3v2 tag is damaged and was ignored/,
      );
    } finally {
      await close();
    }
  });

  it('has a per-folder switch to share files browsers cannot play, for download', async () => {
    const { page, errors, close } = await openApp(ui);
    try {
      await show(page, 'folders');
      const toggle = card(page, '/home/maria/Music').getByLabel(
        /Share files browsers cannot play, for download/,
      );
      expect(await toggle.isChecked()).toBe(false);
      await toggle.check();
      // The engine's folder status comes back with appOnly set: a fresh card shows it checked.
      await show(page, 'overview');
      await show(page, 'folders');
      await expect
        .poll(() =>
          card(page, '/home/maria/Music')
            .getByLabel(/Share files browsers cannot play/)
            .isChecked(),
        )
        .toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('marks tracks published download-only in the Tracks view', async () => {
    const { page, close } = await openApp(ui);
    try {
      await tracksReady(page);
      await page.getByLabel('Format').selectOption('ape');
      const row = page.locator('.tt-row.track').first();
      await row.waitFor();
      expect(await row.locator('.app-only').textContent()).toBe('plays in apps, not in browsers');
      await page.getByLabel('Format').selectOption('mp3');
      await expect.poll(() => page.locator('.tt-row.track .app-only').count()).toBe(0);
    } finally {
      await close();
    }
  });
});
