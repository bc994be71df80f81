/**
 * The real renderer in Debian's Chromium, driven by playwright-core against the built bundle with
 * the mock engine (#mock): every view renders, the 50,000-row table stays windowed, the keyboard
 * works, and screenshots of every view (light, dark, 200 % zoom) land in test-artifacts/screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { SHOTS } from './harness';
import { DAEMON_TOKEN, openApp, show, startUi, tracksReady, type Ui } from './page';

const VIEWS = ['overview', 'folders', 'tracks', 'activity', 'diagnosis', 'settings', 'connect'];

let ui: Ui;
let base = '';
let browser: Ui['browser'];

beforeAll(async () => {
  ui = await startUi();
  base = ui.base;
  browser = ui.browser;
}, 120_000);

afterAll(async () => {
  await ui?.close();
});

const open = (opts: Parameters<typeof openApp>[1] = {}) => openApp(ui, opts);

describe('renderer in Chromium', () => {
  for (const dark of [false, true]) {
    it(`renders every view (${dark ? 'dark' : 'light'}) and saves screenshots`, async () => {
      const { page, errors, close } = await open({ dark });
      expect(await page.getByTestId('headline').textContent()).toBe(
        'Sharing 50,000 tracks with music.example.org as maria',
      );
      const headings: Record<string, string> = {
        overview: 'Overview',
        folders: 'Folders',
        tracks: 'Tracks',
        activity: 'Activity',
        diagnosis: 'Why am I not sharing?',
        settings: 'Settings',
        connect: 'Connect to your TuneCamp server',
      };
      for (const view of VIEWS) {
        await show(page, view);
        if (view === 'tracks') await tracksReady(page);
        if (view === 'activity') {
          await page.getByTestId('transfers').waitFor({ timeout: 10_000 });
          await page.waitForTimeout(4000); // let the throughput chart gather a few samples
        }
        await expect.poll(() => page.locator('main h2').first().textContent()).toBe(headings[view]);
        await page.screenshot({ path: join(SHOTS, `${view}-${dark ? 'dark' : 'light'}.png`) });
      }
      expect(errors).toEqual([]);
      await close();
    });
  }

  it('keeps under 200 rows in the DOM with 50,000 tracks, and filters as you type', async () => {
    const { page, close } = await open();
    await tracksReady(page);
    const rows = page.locator('[data-testid="track-grid"] .track');
    expect(await rows.count()).toBeGreaterThan(10);
    expect(await rows.count()).toBeLessThan(200);
    // Scrolling to the end renders the last rows, still windowed.
    await page.getByTestId('track-grid').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(() => page.locator('[aria-rowindex="50001"]').count()).toBe(1);
    expect(await rows.count()).toBeLessThan(200);

    await page.locator('#track-filter').fill('night river');
    await expect
      .poll(() => page.getByTestId('track-count').textContent())
      .toMatch(/^\s*[\d,]+ of\s+50,000 tracks\s*$/);
    const shown = Number(
      (await page.getByTestId('track-count').textContent())!
        .trim()
        .split(' ')[0]!
        .replace(/,/g, ''),
    );
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(50_000);
    const texts = await rows.evaluateAll((els) =>
      els.map((e) =>
        (e.textContent + (e.querySelector('.title')?.getAttribute('title') ?? '')).toLowerCase(),
      ),
    );
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) expect(t).toMatch(/night/);
    await close();
  });

  it('focuses the filter with Ctrl+F and clears it with Esc', async () => {
    const { page, close } = await open();
    await tracksReady(page);
    await page.locator('main h2').click();
    await page.keyboard.press('Control+f');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('track-filter');
    await page.keyboard.type('glass');
    await expect.poll(() => page.getByTestId('track-count').textContent()).toContain(' of');
    await page.keyboard.press('Escape');
    expect(await page.locator('#track-filter').inputValue()).toBe('');
    await expect.poll(() => page.getByTestId('track-count').textContent()).not.toContain(' of');
    await close();
  });

  it('selects with Shift+click and makes the selection stream-only', async () => {
    const { page, close } = await open();
    await tracksReady(page);
    await page.locator('#track-filter').fill('summer');
    await expect.poll(() => page.getByTestId('track-count').textContent()).toContain(' of');
    const rows = page.locator('[data-testid="track-grid"] .track');
    await rows.nth(0).locator('.title').click();
    await rows
      .nth(4)
      .locator('.title')
      .click({ modifiers: ['Shift'] });
    await page.screenshot({ path: join(SHOTS, 'tracks-selection-light.png') });
    const bulk = page.getByRole('button', { name: 'Make 5 tracks stream-only' });
    await bulk.click();
    await expect
      .poll(() =>
        rows.evaluateAll((els) =>
          els
            .slice(0, 5)
            .map((e) => e.querySelector('[role="switch"]')?.getAttribute('aria-checked')),
        ),
      )
      .toEqual(['false', 'false', 'false', 'false', 'false']);
    await close();
  });

  it('reaches navigation, filters, the grid and row toggles with Tab', async () => {
    const { page, close } = await open();
    await tracksReady(page);
    await page.locator('nav button[data-view="overview"]').focus();
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      seen.add(
        (await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el) return '';
          return el.dataset.view ?? el.id ?? '';
        })) ||
          (await page.evaluate(
            () =>
              `${document.activeElement?.tagName}:${document.activeElement?.getAttribute('role') ?? ''}`,
          )),
      );
    }
    for (const v of ['folders', 'tracks', 'settings', 'track-filter']) expect(seen).toContain(v);
    expect(seen).toContain('DIV:grid');
    expect(seen).toContain('BUTTON:switch');
    // The focus ring is visible on the focused control.
    await page.locator('#track-filter').focus();
    const outline = await page
      .locator('#track-filter')
      .evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).not.toBe('none');
    await close();
  });

  it('collapses the side nav and stays readable at 200 % zoom', async () => {
    const { page, close } = await open({ zoom: 2 });
    const navDisplay = await page.locator('nav ul').evaluate((el) => getComputedStyle(el).display);
    expect(navDisplay).toBe('flex');
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, 'overview-zoom200.png') });
    await tracksReady(page);
    await page.screenshot({ path: join(SHOTS, 'tracks-zoom200.png') });
    await show(page, 'folders');
    await page.screenshot({ path: join(SHOTS, 'folders-zoom200.png') });
    await close();
  });

  it('validates the server address as you type and names the login problem', async () => {
    const { page, errors, close } = await open({ hash: '#mock=fresh' });
    await expect
      .poll(() => page.locator('main h2').textContent())
      .toBe('Connect to your TuneCamp server');
    const server = page.locator('input[name="server"]');
    await server.fill('ftp://music.example.org');
    await expect
      .poll(() => page.locator('#server-help').textContent())
      .toContain('Only http:// and https://');
    await server.fill('music.example.org');
    await expect
      .poll(() => page.locator('#server-help').textContent())
      .toContain('https://music.example.org');
    await page.locator('input[name="username"]').fill('guest');
    await page.locator('input[name="password"]').fill('pw');
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect
      .poll(() => page.getByTestId('connect-error').textContent())
      .toContain('This server does not allow guest to share.');
    expect(await page.getByTestId('connect-error').textContent()).toContain('Ask an administrator');
    await page.screenshot({ path: join(SHOTS, 'connect-error-light.png') });
    await page.locator('input[name="username"]').fill('maria');
    await page.locator('input[name="password"]').fill('pw');
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => page.getByTestId('headline').textContent()).toContain('Sharing');
    expect(errors).toEqual([]);
    await close();
  });

  it('explains a refused token in the header and in Diagnosis', async () => {
    const { page, close } = await open({ hash: '#mock=unauthorized', dark: true });
    expect(await page.getByTestId('headline').textContent()).toContain('401');
    await show(page, 'diagnosis');
    expect(await page.getByTestId('diagnosis-list').textContent()).toContain('Log in again');
    await page.screenshot({ path: join(SHOTS, 'diagnosis-problem-dark.png') });
    await close();
  });

  it('explains a dropped file and offers to type a folder path in the browser', async () => {
    const { page, close } = await open();
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x'], 'song.mp3', { type: 'audio/mpeg' }));
      window.dispatchEvent(
        new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }),
      );
    });
    await expect.poll(() => page.getByText('Drop folders to share them').count()).toBe(1);
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x'], 'song.mp3', { type: 'audio/mpeg' }));
      window.dispatchEvent(
        new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }),
      );
    });
    await expect.poll(() => page.locator('main h2').first().textContent()).toBe('Folders');
    expect(await page.getByText('Drop folders to share them').count()).toBe(0);
    expect(await page.locator('main').textContent()).toContain(
      'Folders are shared, not single files',
    );
    await page.locator('input[name="folder-path"]').fill('/srv/music/new');
    await page.getByRole('button', { name: 'Add folder' }).click();
    await expect
      .poll(() => page.locator('article h3').allTextContents())
      .toContain('/srv/music/new');
    await close();
  });

  it('removes a folder and drops its tracks from the list (tracks delta)', async () => {
    const { page, close } = await open();
    await tracksReady(page);
    await show(page, 'folders');
    const card = page.locator('article', {
      has: page.locator('h3', { hasText: '/home/maria/Recordings/Live' }),
    });
    await card.getByRole('button', { name: 'Remove…' }).click();
    await card.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect
      .poll(() => page.locator('article h3').allTextContents())
      .not.toContain('/home/maria/Recordings/Live');
    await show(page, 'tracks');
    await expect
      .poll(() => page.getByTestId('track-count').textContent())
      .toMatch(/^\s*4\d,\d{3} tracks\s*$/);
    await close();
  });
});

describe('renderer over the remote-control socket (headless daemon)', () => {
  it('sends the token from the fragment, removes it from the address bar, and renders', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await page.goto(`${base}#token=${DAEMON_TOKEN}`);
    await expect
      .poll(() => page.getByTestId('headline').textContent(), { timeout: 10_000 })
      .toBe('Sharing 50,000 tracks with music.example.org as maria');
    expect(page.url()).not.toContain('token');
    await show(page, 'tracks');
    await expect
      .poll(() => page.getByTestId('track-count').textContent(), { timeout: 15_000 })
      .toContain('50,000 tracks');
    // A reload still works: the token was kept for this tab only.
    await page.reload();
    await expect
      .poll(() => page.getByTestId('headline').textContent(), { timeout: 10_000 })
      .toContain('Sharing');
    await ctx.close();
  });

  it('says clearly when the remote-control token is wrong', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await page.goto(`${base}#token=wrong`);
    await expect
      .poll(() => page.getByRole('alert').first().textContent(), { timeout: 10_000 })
      .toContain('Access refused');
    // The daemon prints one-time /session/ links now (issue 12): say that, not "#token=…".
    const alert = (await page.getByRole('alert').first().textContent())!;
    expect(alert).toContain('/session/');
    expect(alert).toContain('kill -USR2');
    expect(alert).not.toContain('#token');
    const waiting = (await page.locator('main .waiting').textContent())!;
    expect(waiting).toContain('/session/');
    expect(waiting).not.toContain('#token');
    await page.screenshot({ path: join(SHOTS, 'remote-refused-light.png') });
    await ctx.close();
  });
});
