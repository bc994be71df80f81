/**
 * The window's finish in real Chromium, with the mock engine: icons beside the navigation entries
 * (decorative, so the entries keep their names), covers in the track table (lazy, only for rows at
 * rest, a placeholder where an album has none), the now-playing strip, and every view fitting the
 * default and the minimum window sizes without a horizontal scrollbar.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { mockCoverArt } from '../../src/renderer/src/lib/transport/mock-covers';
import { gridCovers } from '../e2e/ui-helpers';
import { openApp, show, startUi, tracksReady, type Ui } from './page';

const VIEWS = ['overview', 'folders', 'tracks', 'activity', 'diagnosis', 'settings', 'connect'];
const LABELS = ['Overview', 'Folders', 'Tracks', 'Activity', 'Diagnosis', 'Settings', 'Server'];

let ui: Ui;

beforeAll(async () => {
  ui = await startUi();
}, 120_000);

afterAll(async () => {
  await ui?.close();
});

/** Rows of the grid with the artist and album they show, and their cover's status. */
async function rowsWithAlbums(page: Page) {
  const covers = await gridCovers(page);
  const cells = await page
    .locator('[data-testid="track-grid"] .track')
    .evaluateAll((rows) =>
      rows.map((r) => [...r.querySelectorAll('[role="gridcell"]')].map((c) => c.textContent ?? '')),
    );
  return covers.map((c, i) => ({ ...c, artist: cells[i]![1]!, album: cells[i]![2]! }));
}

describe('the finish of the window', () => {
  it('puts a decorative icon beside each navigation entry, keeping its name', async () => {
    const { page, close } = await openApp(ui);
    const nav = page.getByRole('navigation', { name: 'Views' });
    for (const label of LABELS) {
      const button = nav.getByRole('button', { name: label, exact: true });
      expect(await button.locator('svg[aria-hidden="true"]').count()).toBe(1);
      expect(await button.locator('svg').getAttribute('stroke')).toBe('currentColor');
    }
    await close();
  });

  it('shows each album cover in the table, and the placeholder where the album has none', async () => {
    const { page, errors, close } = await openApp(ui);
    await tracksReady(page);
    // Many albums on screen at once.
    await page.locator('#track-filter').fill('night');
    await expect.poll(() => page.getByTestId('track-count').textContent()).toContain(' of');
    await expect
      .poll(async () => (await gridCovers(page)).filter((c) => c.status === 'loading').length)
      .toBe(0);
    const rows = await rowsWithAlbums(page);
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows) {
      const art = mockCoverArt(r.artist, r.album);
      expect(r.status, `${r.artist} – ${r.album}`).toBe(art ? 'loaded' : 'none');
      expect(r.naturalWidth > 0).toBe(Boolean(art));
    }
    expect(rows.some((r) => r.status === 'none')).toBe(true);
    // The placeholder is painted (a tinted box with a disc); images load lazily and say nothing.
    const none = page.locator('[data-testid="track-grid"] [data-cover="none"]').first();
    expect(await none.locator('svg[aria-hidden="true"]').count()).toBe(1);
    expect(await none.locator('img').count()).toBe(0);
    const img = page.locator('[data-testid="track-grid"] [data-cover="loaded"] img').first();
    expect(await img.getAttribute('loading')).toBe('lazy');
    expect(await img.getAttribute('alt')).toBe('');
    expect(errors).toEqual([]);
    await close();
  });

  it('asks for no covers while the list flies by, then for the rows it stops on', async () => {
    const { page, close } = await openApp(ui);
    await tracksReady(page);
    const during = await page.getByTestId('track-grid').evaluate(async (grid) => {
      grid.scrollTop = 52 * 20_000;
      grid.dispatchEvent(new Event('scroll'));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return [...grid.querySelectorAll('.track img')].length;
    });
    expect(during).toBe(0);
    await expect
      .poll(() => page.locator('[data-testid="track-grid"] .track img').count(), { timeout: 5_000 })
      .toBeGreaterThan(0);
    await close();
  });

  it('shows who listens in the now-playing strip, and nothing when nobody does', async () => {
    const { page, close } = await openApp(ui);
    const strip = page.getByRole('region', { name: 'Now playing' });
    await strip.waitFor();
    const entries = strip.getByRole('listitem');
    expect(await entries.count()).toBeGreaterThan(0);
    const text = await entries.first().innerText();
    expect(text).toMatch(/\n\d+\s*\n?\s*listeners?$/);
    expect(text.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(3);
    await close();

    const fresh = await openApp(ui, { hash: '#mock=fresh' });
    expect(await fresh.page.getByRole('region', { name: 'Now playing' }).count()).toBe(0);
    await fresh.close();
  });

  for (const [width, height] of [
    [1040, 720],
    [720, 480],
  ] as const) {
    it(`fits every view at ${width}×${height} without a horizontal scrollbar`, async () => {
      const { page, close } = await openApp(ui);
      await page.setViewportSize({ width, height });
      for (const view of VIEWS) {
        await show(page, view);
        if (view === 'tracks') await tracksReady(page);
        const overflow = await page.evaluate(() =>
          ['html', 'main', '[data-testid="track-grid"]', '[data-testid="now-playing"]'].map(
            (sel) => {
              const el = document.querySelector(sel);
              return el ? el.scrollWidth - el.clientWidth : 0;
            },
          ),
        );
        expect(overflow, `${view} at ${width}×${height}`).toEqual([0, 0, 0, 0]);
      }
      await close();
    });
  }
});
