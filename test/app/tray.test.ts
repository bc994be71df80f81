/**
 * The real app's tray, read the way a Linux desktop reads it: the test owns
 * org.kde.StatusNotifierWatcher on a private bus (tray-host.ts), sees the app's item register,
 * reads its tooltip and icon in every state, reads the menu over com.canonical.dbusmenu and clicks
 * it. The header of the window follows the same connection.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/shared/contract';
import { fetchAll, makeWav, tempDir } from '../e2e/helpers';
import { showView } from '../e2e/ui-helpers';
import { startHub, type Hub } from '../hub/emulator';
import { desktopMissing, startDesktopSession, type DesktopSession } from './desktop-session';
import {
  alive,
  buildApp,
  launchApp,
  type RunningApp,
  expectNoErrors,
  connectWithToken,
} from './harness';
import { startTrayHost, type TrayHost } from './tray-host';

const skip = desktopMissing();
const STATES = ['idle', 'connecting', 'sharing', 'transferring', 'paused', 'error'] as const;
type State = (typeof STATES)[number];

let hub: Hub;
let session: DesktopSession;
let host: TrayHost;
let built: Awaited<ReturnType<typeof buildApp>>;
let running: RunningApp;
let page: Page;
let work = '';
/** Each state's icon as the app's own asset decodes (RGBA), at 1x and 2x. */
let assets: Record<State, { width: number; rgba: Buffer }[]>;

const snapshot = () =>
  page.evaluate(() => window.tunecamp!.invoke('getSnapshot')) as Promise<Snapshot>;
const tooltip = async () => (await host.tooltip()).title;
const headline = () => page.getByRole('heading', { level: 1 }).textContent();

/** The state whose asset is nearest to the icon the tray shows (mean absolute channel error). */
async function shownIcon(): Promise<State> {
  const [pix] = await host.iconPixmap();
  if (!pix) throw new Error('the tray item has no IconPixmap');
  // D-Bus gives ARGB; compare as RGBA.
  const rgba = Buffer.alloc(pix.argb.length);
  for (let i = 0; i < pix.argb.length; i += 4) {
    rgba[i] = pix.argb[i + 1]!;
    rgba[i + 1] = pix.argb[i + 2]!;
    rgba[i + 2] = pix.argb[i + 3]!;
    rgba[i + 3] = pix.argb[i]!;
  }
  let best: State = 'idle';
  let bestErr = Infinity;
  for (const state of STATES) {
    for (const a of assets[state]) {
      if (a.width !== pix.width || a.rgba.length !== rgba.length) continue;
      let sum = 0;
      for (let i = 0; i < rgba.length; i++) sum += Math.abs(rgba[i]! - a.rgba[i]!);
      const err = sum / rgba.length;
      if (err < bestErr) [best, bestErr] = [state, err];
    }
  }
  if (bestErr > 8) {
    const sizes = assets.idle.map((a) => a.width).join(',');
    throw new Error(
      `the tray icon (${pix.width}x${pix.height}) matches no asset of widths ${sizes} (nearest ${best}, error ${bestErr})`,
    );
  }
  return best;
}

const iconIs = (state: State) =>
  host.waitFor(
    () => shownIcon(),
    (s) => s === state,
    15_000,
  );

beforeAll(async () => {
  if (skip) return;
  work = await tempDir('app-tray');
  await mkdir(path.join(work, 'music'));
  await writeFile(path.join(work, 'music', 'Long Take.wav'), makeWav(12 * 1024 * 1024, 5));
  hub = await startHub({ tokens: { tc_good: { username: 'maria' } } });
  session = await startDesktopSession();
  host = await startTrayHost(session.busAddress);
  built = await buildApp();
  running = await launchApp({
    appDir: built.dir,
    sessionEnv: session.env,
    dialogs: { messageBox: 1, openDialog: [path.join(work, 'music')] },
  });
  page = await running.window();
  assets = {} as typeof assets;
  for (const state of STATES) {
    assets[state] = await running.app.evaluate(
      ({ nativeImage }, file) => {
        const img = nativeImage.createFromPath(file);
        return [1, 2].map((scale) => {
          // toBitmap is BGRA; hand back RGBA. The icons are square.
          const bgra = img.toBitmap({ scaleFactor: scale });
          const width = Math.round(Math.sqrt(bgra.length / 4));
          const rgba = Buffer.alloc(bgra.length);
          for (let i = 0; i < bgra.length; i += 4) {
            rgba[i] = bgra[i + 2]!;
            rgba[i + 1] = bgra[i + 1]!;
            rgba[i + 2] = bgra[i]!;
            rgba[i + 3] = bgra[i + 3]!;
          }
          return { width, rgba };
        });
      },
      path.join(built.dir, 'assets', `tray-${state}.png`),
    );
  }
}, 180_000);

afterAll(async () => {
  await running?.app.close().catch(() => undefined);
  await host?.stop();
  await session?.stop();
  await hub?.close();
  await built?.remove();
  if (work) await rm(work, { recursive: true, force: true });
  if (running) await rm(running.config, { recursive: true, force: true });
}, 30_000);

async function connectWith(token: string): Promise<void> {
  await connectWithToken(page, hub.url, token);
}

describe.skipIf(skip)('the tray, read over D-Bus', () => {
  it('registers an item that says the app is not set up', async () => {
    await host.waitForItem(20_000);
    await page.getByRole('heading', { name: 'Connect to your TuneCamp server' }).waitFor();
    expect(await tooltip()).toBe('tunecamp-share: not set up');
    expect(await iconIs('idle')).toBe('idle');
  }, 60_000);

  it('follows the connection to sharing', async () => {
    await connectWith('tc_good');
    await iconIs('sharing');
    expect(await tooltip()).toBe('tunecamp-share: sharing 0 tracks');
    await expect.poll(headline, { timeout: 10_000 }).toMatch(/^Sharing 0 tracks/);
  }, 60_000);

  it('shows transfers with an activity mark and a listener count', async () => {
    await showView(page, 'Folders');
    await page.getByRole('button', { name: 'Choose folders…' }).click();
    await hub.waitFor(() => hub.tracks().length === 1, 15_000);
    await host.waitFor(tooltip, (t) => t === 'tunecamp-share: sharing 1 track', 10_000);
    await page.evaluate(() =>
      window.tunecamp!.invoke('updateSettings', { uploadRateLimit: 2_000_000 }),
    );
    const [s] = hub.sessions();
    const track = hub.tracks()[0]!;
    const streaming = fetchAll(
      `${hub.url}/api/peers/${s!.id}/tracks/${track.id}/stream?token=tc_good`,
    );
    await iconIs('transferring');
    expect(await tooltip()).toBe('tunecamp-share: sharing 1 track, 1 listening');
    expect((await streaming).status).toBe(200);
    await iconIs('sharing');
  }, 60_000);

  it('offers the whole menu, and "Pause sharing" from it pauses the engine', async () => {
    const menu = await host.menu();
    const items = menu.children.filter((c) => c.type !== 'separator');
    expect(items.map((c) => c.label)).toEqual([
      'Sharing 1 track',
      'Pause sharing',
      'Open tunecamp-share',
      'Add folder…',
      'Start at login',
      'Quit',
    ]);
    expect(items[0]!.enabled).toBe(false);
    const login = items.find((c) => c.label === 'Start at login')!;
    expect(login.toggleType).toBe('checkmark');
    expect(login.toggleState).toBe(1);

    await host.click('Pause sharing');
    await iconIs('paused');
    expect(await tooltip()).toBe('tunecamp-share: sharing paused');
    expect((await snapshot()).settings.paused).toBe(true);
    await hub.waitFor(() => hub.sessions().length === 0, 10_000);
    const labels = async () => (await host.menu()).children.map((c) => c.label);
    await host.waitFor(labels, (l) => l.includes('Resume sharing'), 10_000);

    await host.click('Resume sharing');
    await iconIs('sharing');
    expect((await snapshot()).settings.paused).toBe(false);
    await hub.waitFor(() => hub.sessions().length === 1, 10_000);
  }, 60_000);

  it('"Open tunecamp-share" brings back a closed window', async () => {
    await running.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
    const visible = () =>
      running.app.evaluate(({ BrowserWindow }) =>
        BrowserWindow.getAllWindows().map((w) => w.isVisible()),
      );
    await expect.poll(visible).toEqual([]);
    const reopened = running.app.waitForEvent('window');
    await host.click('Open tunecamp-share');
    page = await reopened;
    await expect.poll(visible).toEqual([true]);
    await page.getByRole('heading', { level: 1 }).waitFor();
  }, 30_000);

  it('shows a lost server as connecting, and a revoked token as an error', async () => {
    const port = hub.port;
    await hub.close();
    await iconIs('connecting');
    expect(await tooltip()).toMatch(/^tunecamp-share: (offline, retrying|connecting…)$/);
    // The server comes back, but the token was revoked meanwhile.
    hub = await startHub({ port, tokens: { tc_other: { username: 'ana' } } });
    await iconIs('error');
    expect(await tooltip()).toMatch(/^tunecamp-share: not sharing: .*401/);
    await expect.poll(headline, { timeout: 10_000 }).toMatch(/401|rejected|log in/i);
  }, 60_000);

  it('quits from the menu', async () => {
    await expectNoErrors(running);
    const pid = running.pid;
    // The app may be gone before it answers the click; that is the click working.
    await host.click('Quit').catch((err: Error) => expect(err.message).toMatch(/disconnected/));
    await host.waitForNoItem(10_000);
    await expect.poll(() => alive(pid), { timeout: 5_000 }).toBe(false);
  }, 30_000);
});
