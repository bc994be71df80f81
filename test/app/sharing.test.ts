/**
 * The real app sharing music, one user's story in order: sign in with a token, add a folder through
 * the (stubbed) native picker and another by dropping it on the window, switch a track to
 * stream-only, watch a stream in Activity; then close the window (sharing goes on), launch a second
 * instance (it wakes the first), quit (cache saved, lock released, every process gone), and start
 * again hidden as at login (no window; everything from the cache).
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub/emulator';
import { CORPUS, fetchAll, makeWav, sha256, tempDir } from '../e2e/helpers';
import { showView } from '../e2e/ui-helpers';
import {
  alive,
  buildApp,
  electronBinary,
  launchApp,
  processTree,
  screenshot,
  type RunningApp,
  expectNoErrors,
  connectWithToken,
} from './harness';
import { desktopMissing, startDesktopSession, type DesktopSession } from './desktop-session';

const skip = desktopMissing();
const PICKED = ['id3v2.3.mp3', "MusicBrainz - Beth Hart - Sinner's Prayer.flac", 'issue_75.wav'];
const DROPPED = ['ogg/audio.opus.ogg', 'Luomo - Tessio (Spektre Remix) ID3v10.mp3'];
const BIG = 'Slow River Stream.wav';
const BIG_SIZE = 16 * 1024 * 1024;

let hub: Hub;
let session: DesktopSession;
let built: Awaited<ReturnType<typeof buildApp>>;
let running: RunningApp;
let page: Page;
let work = '';
let picked = '';
let dropped = '';
let bigWav: Buffer;

const sessionOf = () => hub.sessions().find((s) => s.username === 'maria');
const trackUrl = (id: string, kind: 'stream' | 'download') =>
  `${hub.url}/api/peers/${sessionOf()!.id}/tracks/${id}/${kind}?token=tc_good`;
const headline = () => page.getByRole('heading', { level: 1 }).textContent();

beforeAll(async () => {
  if (skip) return;
  work = await tempDir('app-share');
  picked = path.join(work, 'Picked Album');
  dropped = path.join(work, 'Dropped Album');
  await mkdir(picked);
  await mkdir(dropped);
  for (const f of PICKED) await copyFile(path.join(CORPUS, f), path.join(picked, path.basename(f)));
  for (const f of DROPPED)
    await copyFile(path.join(CORPUS, f), path.join(dropped, path.basename(f)));
  bigWav = makeWav(BIG_SIZE, 11);
  await writeFile(path.join(dropped, BIG), bigWav);
  hub = await startHub({ tokens: { tc_good: { username: 'maria' } } });
  session = await startDesktopSession();
  built = await buildApp();
}, 180_000);

afterAll(async () => {
  await running?.app.close().catch(() => undefined);
  await hub?.close();
  await session?.stop();
  await built?.remove();
  if (work) await rm(work, { recursive: true, force: true });
  if (running) await rm(running.config, { recursive: true, force: true });
}, 30_000);

/** Drops a folder from disk onto the window, as a file manager does (CDP drag with real paths). */
async function dropFolder(target: Page, folder: string): Promise<void> {
  const cdp = await target.context().newCDPSession(target);
  const data = { items: [], files: [folder], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) {
    await cdp.send('Input.dispatchDragEvent', { type, x: 500, y: 400, data });
  }
  await cdp.detach();
}

describe.skipIf(skip)('the real app shares music', () => {
  it('signs in with an API token', async () => {
    // No keyring in this session: the app asks before storing the token in a private file; yes.
    running = await launchApp({
      appDir: built.dir,
      sessionEnv: session.env,
      dialogs: { messageBox: 0 },
    });
    page = await running.window();
    await connectWithToken(page, hub.url, 'tc_good');
    await expect.poll(headline, { timeout: 15_000 }).toMatch(/^Sharing 0 tracks with 127\.0\.0\.1/);
    expect(sessionOf()).toBeDefined();
  }, 90_000);

  it('adds a folder chosen in the native dialog', async () => {
    await running.setDialogs({ openDialog: [picked] });
    await showView(page, 'Folders');
    await page.getByRole('button', { name: 'Choose folders…' }).click();
    await page.getByRole('heading', { name: picked }).waitFor({ timeout: 15_000 });
    await hub.waitFor(() => hub.tracks(sessionOf()?.id).length === PICKED.length, 15_000);
    const calls = await running.dialogCalls();
    expect(calls.filter((c) => c.fn === 'showOpenDialog')).toHaveLength(1);
  }, 60_000);

  it('adds a folder dropped onto the window', async () => {
    await dropFolder(page, dropped);
    await page.getByRole('heading', { name: dropped }).waitFor({ timeout: 15_000 });
    const n = PICKED.length + DROPPED.length + 1;
    await hub.waitFor(() => hub.tracks(sessionOf()?.id).length === n, 15_000);
    await showView(page, 'Tracks');
    await expect
      .poll(() => page.getByTestId('track-count').innerText(), { timeout: 10_000 })
      .toBe(`${n} tracks`);
    await expect
      .poll(headline, { timeout: 10_000 })
      .toBe(`Sharing ${n} tracks with 127.0.0.1:${hub.port} as maria`);
    await screenshot(page, 'tracks');
  }, 60_000);

  it('a track switched to stream-only gets 403 for downloads', async () => {
    const track = hub.tracks(sessionOf()!.id).find((t) => t.fileSizeBytes < BIG_SIZE)!;
    expect((await fetchAll(trackUrl(track.id, 'download'))).status).toBe(200);
    const toggle = page.getByRole('switch', { name: `Downloadable: ${track.title}` });
    await toggle.click();
    await hub.waitFor(
      () => hub.tracks(sessionOf()!.id).find((t) => t.id === track.id)?.allowDownload === false,
      10_000,
    );
    expect((await fetchAll(trackUrl(track.id, 'download'))).status).toBe(403);
    expect((await fetchAll(trackUrl(track.id, 'stream'))).status).toBe(200);
  }, 60_000);

  it('shows a stream live in Activity: title, rate and a moving chart', async () => {
    await showView(page, 'Settings');
    const limit = page.getByLabel(/^Upload limit/);
    await limit.fill('3000');
    await limit.press('Tab');
    await showView(page, 'Activity');
    const big = hub.tracks(sessionOf()!.id).find((t) => t.fileSizeBytes === bigWav.length)!;
    const streaming = fetchAll(trackUrl(big.id, 'stream'));
    const live = page.getByTestId('transfers').getByText(big.title, { exact: true });
    await live.waitFor({ timeout: 10_000 });
    const row = live.locator('xpath=ancestor::li[1]');
    // The row appears with the transfer; its rate follows with the first sample.
    await expect.poll(() => row.innerText(), { timeout: 5_000 }).toMatch(/\d[\d.,]* [kM]B\/s/);
    const chart = page.getByRole('img', { name: /^Upload over the last 5 minutes/ });
    const area = chart.locator('path.area');
    await area.waitFor({ timeout: 10_000 });
    const first = await area.getAttribute('d');
    await expect.poll(() => area.getAttribute('d'), { timeout: 5_000 }).not.toBe(first);
    expect(await chart.getAttribute('aria-label')).not.toMatch(/now 0 B\/s/);
    await screenshot(page, 'activity-live');
    const res = await streaming;
    expect(sha256(res.body)).toBe(sha256(bigWav));
  }, 60_000);

  it('keeps sharing with the window closed, and frees its renderer', async () => {
    const processes = (await processTree(running.pid)).length;
    await running.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
    const windows = () =>
      running.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length);
    await expect.poll(windows).toBe(0);
    // The renderer process went with its window.
    await expect.poll(async () => (await processTree(running.pid)).length).toBeLessThan(processes);
    const track = hub.tracks(sessionOf()!.id).find((t) => t.title && t.fileSizeBytes < BIG_SIZE)!;
    const res = await fetchAll(trackUrl(track.id, 'stream'));
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(track.fileSizeBytes);
  }, 30_000);

  it('a second launch reveals the first window and exits', async () => {
    const second = spawn(await electronBinary(), ['--no-sandbox', built.dir], {
      env: {
        ...process.env,
        ...session.env,
        HOME: running.config,
        XDG_CONFIG_HOME: running.config,
      },
      stdio: 'ignore',
    });
    const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
    expect(code).toBe(0);
    await expect
      .poll(() =>
        running.app.evaluate(({ BrowserWindow }) =>
          BrowserWindow.getAllWindows().map((w) => w.isVisible()),
        ),
      )
      .toEqual([true]);
  }, 30_000);

  it('quits cleanly: cache saved, lock released, every process gone within 5 s', async () => {
    const pids = await processTree(running.pid);
    expect(pids.length).toBeGreaterThan(2);
    const cacheFile = path.join(running.stateDir, 'scan-cache.json');
    const before = await stat(cacheFile).catch(() => null);
    await expectNoErrors(running);
    const t0 = Date.now();
    await running.app.evaluate(({ app }) => app.quit());
    await expect.poll(() => pids.filter(alive), { timeout: 5_000, interval: 100 }).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(5_000);
    const after = await stat(cacheFile);
    expect(after.mtimeMs).toBeGreaterThanOrEqual(before?.mtimeMs ?? 0);
    const cache = await readFile(cacheFile, 'utf8');
    for (const name of [...PICKED, BIG]) expect(cache).toContain(path.basename(name));
    await expect(stat(path.join(running.stateDir, 'daemon.lock'))).rejects.toThrow(/ENOENT/);
  }, 30_000);

  it('starts hidden at login, shares from the cache and reads no file', async () => {
    const config = running.config;
    const logFile = path.join(config, 'tunecamp-share/logs/tunecamp-share.log');
    const logBefore = (await readFile(logFile, 'utf8')).length;
    running = await launchApp({
      appDir: built.dir,
      sessionEnv: session.env,
      config,
      args: ['--hidden'],
    });
    const n = PICKED.length + DROPPED.length + 1;
    await hub.waitFor(() => hub.tracks(sessionOf()?.id).length === n, 20_000);
    const scanned = async () =>
      (await readFile(logFile, 'utf8'))
        .slice(logBefore)
        .split('\n')
        .filter((l) => l.includes('Scanned '));
    await expect.poll(async () => (await scanned()).length, { timeout: 10_000 }).toBe(2);
    for (const line of await scanned()) expect(line).toMatch(/tags read from 0 files/);
    // No window at all: the renderer starts only when the user opens the app.
    const windows = await running.app.evaluate(
      ({ BrowserWindow }) => BrowserWindow.getAllWindows().length,
    );
    expect(windows).toBe(0);
    await expectNoErrors(running);
  }, 60_000);
});
