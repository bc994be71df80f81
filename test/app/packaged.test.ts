/**
 * The packaged app: `npm run dist -- --dir` (electron-builder, on the official Electron or the
 * assembled runtime) builds linux-unpacked/, and the test runs that binary as a user would. In it
 * app.isPackaged is true, the renderer and the tray icons load from inside app.asar, tags are read
 * by parse workers started from inside the asar (not on the main thread), and the XDG autostart
 * entry with --hidden is written while "Start at login" is on and removed when it is off.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, tempDir } from '../e2e/helpers';
import { startHub, type Hub } from '../hub/emulator';
import { desktopMissing, startDesktopSession, type DesktopSession } from './desktop-session';
import { launchApp, ROOT, type RunningApp, expectNoErrors, connectWithToken } from './harness';
import { startTrayHost, type TrayHost } from './tray-host';

const skip = desktopMissing();
let hub: Hub;
let session: DesktopSession;
let host: TrayHost;
let out = '';
let music = '';
let running: RunningApp;

beforeAll(async () => {
  if (skip) return;
  out = await tempDir('dist');
  await promisify(execFile)(process.execPath, ['scripts/dist.mjs', '--dir', '--output', out], {
    cwd: ROOT,
    timeout: 240_000,
  });
  music = path.join(out, 'music');
  await mkdir(music);
  await copyFile(
    path.join(CORPUS, "MusicBrainz - Beth Hart - Sinner's Prayer.flac"),
    path.join(music, 'a.flac'),
  );
  await copyFile(path.join(CORPUS, 'id3v2.3.mp3'), path.join(music, 'b.mp3'));
  hub = await startHub({ tokens: { tc_good: { username: 'maria' } } });
  session = await startDesktopSession();
  host = await startTrayHost(session.busAddress);
  running = await launchApp({
    appDir: '',
    executable: path.join(out, 'linux-unpacked', 'tunecamp-share'),
    sessionEnv: session.env,
    dialogs: { messageBox: 1, openDialog: [music] },
  });
}, 300_000);

afterAll(async () => {
  await running?.app.close().catch(() => undefined);
  await host?.stop();
  await session?.stop();
  await hub?.close();
  if (out) await rm(out, { recursive: true, force: true });
  if (running) await rm(running.config, { recursive: true, force: true });
}, 30_000);

describe.skipIf(skip)('the packaged app', () => {
  it('runs packaged, from its asar, with the tray icon from its assets', async () => {
    const facts = await running.app.evaluate(({ app }) => ({
      packaged: app.isPackaged,
      appPath: app.getAppPath(),
    }));
    expect(facts.packaged).toBe(true);
    expect(facts.appPath).toBe(path.join(out, 'linux-unpacked', 'resources', 'app.asar'));
    const page = await running.window();
    await page.getByRole('heading', { name: 'Connect to your TuneCamp server' }).waitFor();
    await host.waitForItem(20_000);
    const [icon] = await host.iconPixmap();
    expect(icon!.width).toBeGreaterThanOrEqual(16);
    // Not a blank square: the asset was found inside the asar.
    expect(icon!.argb.some((b, i) => i % 4 === 0 && b > 0)).toBe(true);
  }, 60_000);

  it('reads tags on parse workers loaded from inside the asar', async () => {
    const page = await running.window();
    await connectWithToken(page, hub.url, 'tc_good');
    await hub.waitFor(() => hub.sessions().length === 1, 15_000);
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: 'Folders', exact: true })
      .click();
    await page.getByRole('button', { name: 'Choose folders…' }).click();
    await hub.waitFor(() => hub.tracks().length === 2, 20_000);
    expect(
      hub
        .tracks()
        .map((t) => t.title)
        .sort(),
    ).toEqual(['Home', "Sinner's Prayer"]);
    const log = await readFile(path.join(running.stateDir, 'logs', 'tunecamp-share.log'), 'utf8');
    expect(log).not.toMatch(/Tags are read on the main thread/);
    await expectNoErrors(running);
  }, 60_000);

  it('writes the autostart entry with --hidden while "Start at login" is on, and removes it when off', async () => {
    const entry = path.join(running.config, 'autostart', 'tunecamp-share.desktop');
    const read = () => readFile(entry, 'utf8').catch(() => null);
    await expect.poll(read).toMatch(/^Exec=.*linux-unpacked\/tunecamp-share --hidden$/m);
    const page = await running.window();
    const setAutostart = (on: boolean) =>
      page.evaluate((v) => window.tunecamp!.invoke('updateSettings', { autostart: v }), on);
    await setAutostart(false);
    await expect.poll(read).toBeNull();
    await setAutostart(true);
    await expect.poll(read).toMatch(/--hidden/);
  }, 30_000);
});
