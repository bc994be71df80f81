/**
 * The review fixes in real Chromium: a private build, sortable track columns (mouse and
 * keyboard, aria-sort, with the filter), counts in the right number, the Connect view's wording
 * and token storage note, the notice that belongs to one view, and the rescan settings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, SHOTS } from './harness';
import { openApp, show, startUi, tracksReady, type Ui } from './page';

let ui: Ui;

beforeAll(async () => {
  ui = await startUi();
}, 120_000);

afterAll(async () => {
  await ui?.close();
  // The private build is gone afterwards.
  await expect(access(ui.bundle)).rejects.toThrow();
});

const collator = new Intl.Collator(undefined, { numeric: true });

/** The first rendered rows' cells of one column (1-based), in row order. */
function column(page: Page, n: number): Promise<string[]> {
  return page
    .locator(`[data-testid="track-grid"] .track [role="gridcell"]:nth-child(${n})`)
    .evaluateAll((els) => els.slice(0, 20).map((e) => e.getAttribute('title') ?? e.textContent!));
}

async function sortState(page: Page): Promise<Record<string, string>> {
  return page
    .locator('[role="columnheader"]')
    .evaluateAll((els) =>
      Object.fromEntries(
        els.map((e) => [e.textContent!.replace(/[▲▼]/g, '').trim(), e.getAttribute('aria-sort')!]),
      ),
    );
}

describe('review fixes in Chromium', () => {
  it('serves a private build from a temp folder, not out/renderer', async () => {
    expect(resolve(ui.bundle).startsWith(resolve(tmpdir()))).toBe(true);
    expect(resolve(ui.bundle)).not.toBe(join(ROOT, 'out/renderer'));
    await access(join(ui.bundle, 'index.html'));
  });

  it('sorts the track table by a column with the mouse and the keyboard', async () => {
    const { page, errors, close } = await openApp(ui);
    await tracksReady(page);
    expect((await sortState(page)).Artist).toBe('ascending');

    await page.locator('button[data-sort="title"]').click();
    await expect.poll(async () => (await sortState(page)).Title).toBe('ascending');
    expect((await sortState(page)).Artist).toBe('none');
    const asc = await column(page, 1);
    expect(asc.length).toBeGreaterThan(10);
    // Titles carry the path as tooltip; compare the visible title instead (without the note of
    // a track that plays in apps only).
    const titles = () =>
      page
        .locator('[data-testid="track-grid"] .track .title .name')
        .evaluateAll((els) => els.slice(0, 20).map((e) => e.textContent!));
    const a = await titles();
    expect([...a].sort(collator.compare)).toEqual(a);

    await page.locator('button[data-sort="title"]').click();
    await expect.poll(async () => (await sortState(page)).Title).toBe('descending');
    const d = await titles();
    expect([...d].sort((x, y) => collator.compare(y, x))).toEqual(d);
    expect(d[0]).not.toBe(a[0]);

    // Keyboard: Tab reaches the header buttons; Enter sorts.
    await page.locator('button[data-sort="size"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await sortState(page)).Size).toBe('ascending');
    await page.keyboard.press(' ');
    await expect.poll(async () => (await sortState(page)).Size).toBe('descending');
    const bytes = (await column(page, 6)).map((s) => Number(s.replace(/\D/g, '')));
    for (let i = 1; i < bytes.length; i++) expect(bytes[i - 1]!).toBeGreaterThanOrEqual(bytes[i]!);
    await page.screenshot({ path: join(SHOTS, 'tracks-sorted-size-light.png') });

    // The filter keeps the order.
    await page.locator('#track-filter').fill('night');
    await expect.poll(() => page.getByTestId('track-count').textContent()).toContain(' of');
    const filtered = (await column(page, 6)).map((s) => Number(s.replace(/\D/g, '')));
    expect(filtered.length).toBeGreaterThan(1);
    for (let i = 1; i < filtered.length; i++)
      expect(filtered[i - 1]!).toBeGreaterThanOrEqual(filtered[i]!);
    await page.locator('#track-filter').fill('');
    await page.locator('button[data-sort="title"]').click();
    await expect.poll(async () => (await sortState(page)).Title).toBe('ascending');
    await page.screenshot({ path: join(SHOTS, 'tracks-sorted-light.png') });
    expect(errors).toEqual([]);
    await close();
  });

  it('shows counts in the right number and a current upload rate', async () => {
    const { page, close } = await openApp(ui);
    const counts = /^\s*(1 stream|(?!1 )[\d,]+ streams) · (1 download|(?!1 )[\d,]+ downloads)\s*$/;
    expect(await page.getByTestId('served-today').textContent()).toMatch(counts);
    await show(page, 'activity');
    await page.getByTestId('transfers').waitFor({ timeout: 10_000 });
    expect(await page.locator('main').textContent()).toMatch(/(1 stream|\d streams) · /);
    expect(await page.getByTestId('upload-now').textContent()).toMatch(/\/s$/);
    await page.waitForTimeout(3000); // a few chart samples
    await page.screenshot({ path: join(SHOTS, 'activity-polish-light.png') });
    await close();
  });

  it('words a refused token for the connect flow, once', async () => {
    const { page, close } = await openApp(ui, { hash: '#mock=fresh' });
    await page.locator('input[name="server"]').fill('music.example.org');
    await page.getByLabel('API token').check();
    expect(await page.getByTestId('token-storage').textContent()).toContain(
      'stored encrypted on this computer',
    );
    await page.locator('input[name="token"]').fill('short');
    await page.getByRole('button', { name: 'Connect' }).click();
    const box = page.getByTestId('connect-error');
    await expect.poll(() => box.textContent()).toContain('The server rejected this token (401).');
    const text = (await box.textContent())!;
    expect(text).toContain('Check it, or log in again to get a new one.');
    expect(text).not.toMatch(/saved|Server said|Token rejected by server/);
    await page.screenshot({ path: join(SHOTS, 'connect-token-refused-light.png') });
    await close();
  });

  it('says where an unencrypted token is kept on a headless daemon', async () => {
    const { page, close } = await openApp(ui, { hash: '#mock=headless' });
    await show(page, 'connect');
    await page.getByLabel('API token').check();
    const note = await page.getByTestId('token-storage').textContent();
    expect(note).toContain("stored in the app's data folder, readable only by your user account");
    expect(note).not.toContain('encrypted');
    await show(page, 'settings');
    expect(await page.getByTestId('stored-token-note').textContent()).toContain('data folder');
    await close();
  });

  it('clears the "Added …" notice when the view changes', async () => {
    const { page, close } = await openApp(ui);
    await show(page, 'folders');
    await page.locator('input[name="folder-path"]').fill('/srv/music/notice');
    await page.getByRole('button', { name: 'Add folder' }).click();
    const notice = page.locator('main .notice');
    await expect.poll(() => notice.textContent()).toBe('Added /srv/music/notice');
    await show(page, 'overview');
    expect(await notice.count()).toBe(0);
    await close();
  });

  it('validates and saves the rescan intervals', async () => {
    const { page, close } = await openApp(ui);
    await show(page, 'settings');
    const hours = page.locator('input[name="rescanIntervalHours"]');
    const secs = page.locator('input[name="pollIntervalSeconds"]');
    expect(await hours.inputValue()).toBe('24');
    await hours.fill('200');
    await hours.press('Tab');
    await expect
      .poll(() => page.locator('#setting-rescanIntervalHours-help').textContent())
      .toContain('from 0.25 to 168 hours');
    expect(await hours.getAttribute('aria-invalid')).toBe('true');
    await hours.fill('1.5');
    await hours.press('Tab');
    await secs.fill('5');
    await secs.press('Tab');
    await expect
      .poll(() => page.locator('#setting-pollIntervalSeconds-help').textContent())
      .toContain('from 10 to 86,400 seconds');
    await secs.fill('300');
    await secs.press('Tab');
    expect(await hours.getAttribute('aria-invalid')).toBe('false');
    await page.screenshot({ path: join(SHOTS, 'settings-rescans-light.png'), fullPage: true });
    // Saved in the engine: the values survive leaving and re-entering the view.
    await show(page, 'overview');
    await show(page, 'settings');
    await expect.poll(() => hours.inputValue()).toBe('1.5');
    expect(await secs.inputValue()).toBe('300');
    await close();
  });
});
