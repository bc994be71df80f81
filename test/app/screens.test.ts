/**
 * The real window, looked at: the built app in real Electron under Xvfb shares an album of real
 * files with embedded covers (and a few without), plus field recordings with a cover.jpg beside
 * them; listeners stream slowly (upload limit) so the now-playing strip shows. Every view is
 * screenshotted at the default size (1040×720) in light and dark, and at the minimum size
 * (720×480), into test-artifacts/screenshots/app-*.png. Nothing may overflow sideways at the
 * default size, covers load where tracks have them, and the placeholder shows where they don't.
 */
import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseFile } from 'music-metadata';
import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub/emulator';
import { CORPUS, tempDir } from '../e2e/helpers';
import { gridCovers, showView } from '../e2e/ui-helpers';
import { desktopMissing, startDesktopSession, type DesktopSession } from './desktop-session';
import {
  buildApp,
  launchApp,
  screenshot,
  type RunningApp,
  expectNoErrors,
  connectWithToken,
} from './harness';
import { horizontalOverflow, listen, taggedWav, type Listener } from './screens-helpers';

const skip = desktopMissing();
/** Real files with embedded covers (test/fixtures/real), by the title their tags give. */
const COVERED: Record<string, string> = {
  'id3v2.3.mp3': 'Home',
  "MusicBrainz - Beth Hart - Sinner's Prayer.flac": "Sinner's Prayer",
  'mp4/issue-151.m4a': 'Distraction',
  'ogg/issue_70.ogg': 'Warmed by the Drift',
  'mp3/issue-641.mp3': 'I Believe You',
  'ogg/nirvana-2sec.opus.ogg': 'In Bloom',
  'MusicBrainz-Picard-tags.flac': 'Brian Eno',
};
/** Real files without a picture: their rows keep the placeholder. */
const BARE = ['issue_75.wav', 'Luomo - Tessio (Spektre Remix) ID3v10.mp3'];
/** Field recordings: no tags' picture, a cover.jpg beside them; long enough to stream for a while. */
const FIELD = [
  { file: 'Slow River Stream.wav', title: 'Slow River Stream', bytes: 24 * 1024 * 1024 },
  { file: 'Night Harbour.wav', title: 'Night Harbour', bytes: 20 * 1024 * 1024 },
];
const VIEWS: { label: string; name: string; heading: string }[] = [
  { label: 'Overview', name: 'overview', heading: 'Overview' },
  { label: 'Folders', name: 'folders', heading: 'Folders' },
  { label: 'Tracks', name: 'tracks', heading: 'Tracks' },
  { label: 'Activity', name: 'activity', heading: 'Activity' },
  { label: 'Diagnosis', name: 'diagnosis', heading: 'Why am I not sharing?' },
  { label: 'Nearby', name: 'nearby', heading: 'Nearby' },
  { label: 'Room', name: 'room', heading: 'Listening room' },
  { label: 'Settings', name: 'settings', heading: 'Settings' },
  { label: 'Server', name: 'server', heading: 'Connect to your TuneCamp server' },
];

let hub: Hub;
let session: DesktopSession;
let built: Awaited<ReturnType<typeof buildApp>>;
let running: RunningApp;
let page: Page;
let work = '';
let albums = '';
let field = '';
const listeners: Listener[] = [];

const sessionOf = () => hub.sessions().find((s) => s.username === 'maria')!;
const streamUrl = (id: string) =>
  `${hub.url}/api/peers/${sessionOf().id}/tracks/${id}/stream?token=tc_good`;
const headline = () => page.getByRole('heading', { level: 1 }).textContent();
const trackCount = Object.keys(COVERED).length + BARE.length + FIELD.length;

/** Sizes the window's content area, and waits until the page has that viewport. */
async function resize(width: number, height: number): Promise<void> {
  await running.app.evaluate(
    ({ BrowserWindow }, [w, h]) => BrowserWindow.getAllWindows()[0]!.setContentSize(w!, h!),
    [width, height],
  );
  await expect
    .poll(() => page.evaluate(() => [window.innerWidth, window.innerHeight]))
    .toEqual([width, height]);
}

/** Switches the app between the OS themes, as the desktop's dark-mode setting does. */
async function theme(source: 'light' | 'dark'): Promise<void> {
  await running.app.evaluate(({ nativeTheme }, s) => (nativeTheme.themeSource = s), source);
  await expect
    .poll(() => page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches))
    .toBe(source === 'dark');
}

beforeAll(async () => {
  if (skip) return;
  work = await tempDir('app-screens');
  albums = path.join(work, 'Albums');
  field = path.join(work, 'Field Recordings');
  await mkdir(albums);
  await mkdir(field);
  for (const f of [...Object.keys(COVERED), ...BARE])
    await copyFile(path.join(CORPUS, f), path.join(albums, path.basename(f)));
  for (const [i, t] of FIELD.entries()) {
    const tags = { title: t.title, artist: 'Field Notes', album: 'Estuary Sessions' };
    await writeFile(path.join(field, t.file), taggedWav(t.bytes, 21 + i, tags));
  }
  // The folder's cover is a real picture: the one embedded in another corpus file.
  const art = await parseFile(path.join(CORPUS, 'ogg/ogg-multipagemetadata-bug.ogg'));
  await writeFile(path.join(field, 'cover.jpg'), art.common.picture![0]!.data);
  hub = await startHub({ tokens: { tc_good: { username: 'maria' } } });
  session = await startDesktopSession();
  built = await buildApp();
}, 180_000);

afterAll(async () => {
  for (const l of listeners) l.stop();
  await running?.app.close().catch(() => undefined);
  await hub?.close();
  await session?.stop();
  await built?.remove();
  if (work) await rm(work, { recursive: true, force: true });
  if (running) await rm(running.config, { recursive: true, force: true });
}, 30_000);

describe.skipIf(skip)('the real window, looked at', () => {
  it('signs in and shares an album and field recordings; the scan makes no covers', async () => {
    running = await launchApp({
      appDir: built.dir,
      sessionEnv: session.env,
      dialogs: { messageBox: 0 },
    });
    page = await running.window();
    // Playwright emulates a light colour scheme by default; without that, the OS theme (here
    // nativeTheme.themeSource) decides, as it does for users.
    await page.emulateMedia({ colorScheme: null });
    await connectWithToken(page, hub.url, 'tc_good');
    await expect.poll(headline, { timeout: 15_000 }).toMatch(/^Sharing 0 tracks/);

    await running.setDialogs({ openDialog: [albums, field] });
    await showView(page, 'Folders');
    await page.getByRole('button', { name: 'Choose folders…' }).click();
    await hub.waitFor(() => hub.tracks(sessionOf()?.id).length === trackCount, 20_000);
    // Covers are made when a row asks for one, never while scanning.
    const covers = await readdir(path.join(running.stateDir, 'covers')).catch(() => []);
    expect(covers).toEqual([]);
  }, 120_000);

  it('shows covers in the track list, and the placeholder where a track has none', async () => {
    await resize(1040, 720);
    await showView(page, 'Tracks');
    await expect
      .poll(() => page.getByTestId('track-count').innerText(), { timeout: 10_000 })
      .toBe(`${trackCount} tracks`);
    const grid = page.getByTestId('track-grid');
    await grid.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await grid.evaluate((el) => (el.scrollTop = 0));
    const withCover = new Set([...Object.values(COVERED), ...FIELD.map((f) => f.title)]);
    await expect
      .poll(async () => (await gridCovers(page)).filter((c) => c.status === 'loading').length, {
        timeout: 20_000,
      })
      .toBe(0);
    const rows = await gridCovers(page);
    expect(rows).toHaveLength(trackCount);
    for (const row of rows) {
      if (withCover.has(row.title)) {
        expect(row, row.title).toMatchObject({ status: 'loaded' });
        // A thumbnail, made by nativeImage: 96 px at most, whatever the embedded picture's size.
        expect(row.naturalWidth).toBeGreaterThan(0);
        expect(row.naturalWidth).toBeLessThanOrEqual(96);
      } else expect(row, row.title).toMatchObject({ status: 'none', naturalWidth: 0 });
    }
    expect(rows.filter((r) => r.status === 'none')).toHaveLength(BARE.length);
    const cached = await readdir(path.join(running.stateDir, 'covers'));
    expect(cached.filter((f) => f.endsWith('.img'))).toHaveLength(withCover.size);
    expect(cached.filter((f) => f.endsWith('.none'))).toHaveLength(BARE.length);
  }, 60_000);

  it('shows who listens in the now-playing strip while tracks stream', async () => {
    await showView(page, 'Settings');
    const limit = page.getByLabel(/^Upload limit/);
    await limit.fill('200');
    await limit.press('Tab');
    const byTitle = (title: string) => hub.tracks(sessionOf().id).find((t) => t.title === title)!;
    const river = byTitle('Slow River Stream');
    const harbour = byTitle('Night Harbour');
    listeners.push(listen(streamUrl(river.id)), listen(streamUrl(river.id)));
    listeners.push(listen(streamUrl(harbour.id)));
    const strip = page.getByRole('region', { name: 'Now playing' });
    await expect.poll(() => strip.locator('li').count(), { timeout: 15_000 }).toBe(2);
    const first = strip.locator('li').first();
    expect(await first.innerText()).toMatch(/^Slow River Stream\s+Field Notes\s+2\s+listeners$/);
    await expect
      .poll(() => first.locator('[data-cover]').getAttribute('data-cover'), { timeout: 10_000 })
      .toBe('loaded');
    await expect
      .poll(() => listeners.every((l) => l.received() > 0), { timeout: 10_000 })
      .toBe(true);
  }, 60_000);

  for (const mode of ['light', 'dark'] as const) {
    it(`fits every view at 1040×720 (${mode}) and saves screenshots`, async () => {
      await resize(1040, 720);
      await theme(mode);
      for (const v of VIEWS) {
        await showView(page, v.label);
        await expect.poll(() => page.locator('main h2').first().textContent()).toBe(v.heading);
        await page.getByRole('region', { name: 'Now playing' }).waitFor();
        const overflow = await horizontalOverflow(page);
        for (const [where, px] of Object.entries(overflow))
          expect(px, `${v.name} ${where} overflows by ${px}px`).toBeLessThanOrEqual(0);
        await screenshot(page, `${v.name}-${mode}`);
      }
    }, 60_000);
  }

  it('works at the minimum size, 720×480, and says nothing went wrong', async () => {
    await resize(720, 480);
    for (const mode of ['light', 'dark'] as const) {
      await theme(mode);
      for (const v of VIEWS) {
        await showView(page, v.label);
        await expect.poll(() => page.locator('main h2').first().textContent()).toBe(v.heading);
        const overflow = await horizontalOverflow(page);
        for (const [where, px] of Object.entries(overflow))
          expect(px, `${v.name} ${where} overflows by ${px}px at 720×480`).toBeLessThanOrEqual(0);
        await screenshot(page, `${v.name}-${mode}-min`);
      }
    }
    await resize(1040, 720);
    for (const l of listeners.splice(0)) l.stop();
    await expectNoErrors(running);
  }, 90_000);

  it('hosts a listening room that a browser on this machine joins', async () => {
    // LAN sharing on loopback only: the room's join link points at 127.0.0.1.
    await page.evaluate(() =>
      window.tunecamp!.invoke('updateSettings', {
        lan: { enabled: true, port: 0, host: '127.0.0.1', interfaces: [] },
      }),
    );
    await showView(page, 'Room');
    await page.getByLabel('Find tracks to add').fill('Slow River');
    await page.getByRole('button', { name: /^Add all/ }).click();
    await page.getByLabel('Find tracks to add').fill('Night Harbour');
    await page.getByRole('button', { name: /^Add all/ }).click();
    await page.getByRole('button', { name: 'Open the room' }).click();
    const link = await page.getByLabel('Join link').inputValue();
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/room\//);

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--autoplay-policy=no-user-gesture-required'],
    });
    try {
      const listener = await browser.newPage();
      await listener.goto(link);
      await listener.getByLabel('Your name').fill('Ada');
      await listener.getByRole('button', { name: 'Join and play' }).click();
      const row = page.getByRole('table', { name: 'Listeners' }).getByRole('row', { name: /Ada/ });
      await row.waitFor();
      await page
        .getByRole('region', { name: 'Now playing in the room' })
        .getByRole('button', { name: 'Play', exact: true })
        .click();
      // The page plays the host's file, and the host's window sees it in step.
      await expect
        .poll(() => listener.evaluate(() => document.querySelector('audio')!.currentTime), {
          timeout: 15_000,
        })
        .toBeGreaterThan(1);
      await expect.poll(() => row.textContent(), { timeout: 10_000 }).toMatch(/in sync/);
      await screenshot(page, 'room-host');
      await writeFile(
        path.join(path.dirname(await screenshot(page, 'room-host')), 'room-listener.png'),
        await listener.screenshot(),
      );
      await page.getByRole('button', { name: 'Close the room' }).click();
      await listener
        .getByText(/closed/i)
        .first()
        .waitFor();
    } finally {
      await browser.close();
    }
    await expectNoErrors(running);
  }, 90_000);
});
