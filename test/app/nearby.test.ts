/**
 * Nearby in the real app: the built app in Electron pairs with another device by a link pasted
 * into its window, browses that device's shared folders, plays a track through the engine's
 * loopback proxy (Chromium's own <audio>, seeking included), and downloads a whole folder into a
 * folder of this machine, byte for byte. The other device is an engine in the test process; both
 * serve on 127.0.0.1 only.
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/core/engine';
import { MemorySecretStore, MemorySettingsStore } from '../../src/main/core/settings/store';
import { startHub, type Hub } from '../hub/emulator';
import { makeWav, sha256, tempDir } from '../e2e/helpers';
import { showView } from '../e2e/ui-helpers';
import { desktopMissing, startDesktopSession, type DesktopSession } from './desktop-session';
import {
  buildApp,
  connectWithToken,
  expectNoErrors,
  launchApp,
  screenshot,
  type RunningApp,
} from './harness';

const skip = desktopMissing();
const FILES = { 'Take One.wav': makeWav(6_000_000, 21), 'Take Two.wav': makeWav(900_000, 22) };

let hub: Hub;
let session: DesktopSession;
let built: Awaited<ReturnType<typeof buildApp>>;
let running: RunningApp;
let page: Page;
let other: Engine;
let work = '';

beforeAll(async () => {
  if (skip) return;
  work = await tempDir('app-nearby');
  const album = path.join(work, 'Band Demos', 'Rehearsal');
  await mkdir(album, { recursive: true });
  for (const [name, bytes] of Object.entries(FILES)) await writeFile(path.join(album, name), bytes);
  const settings = new MemorySettingsStore({});
  settings.update({
    lan: { enabled: true, port: 0, host: '127.0.0.1' },
    folders: [{ path: path.join(work, 'Band Demos'), download: 'inherit', exclude: [] }],
  });
  const stateDir = path.join(work, 'other-state');
  await mkdir(stateDir);
  other = await Engine.create({
    stateDir,
    settings,
    secrets: new MemorySecretStore(null),
    host: 'headless',
    version: 'test',
  });
  await other.start();
  await other.whenScanned();
  hub = await startHub({ tokens: { tc_good: { username: 'maria' } } });
  session = await startDesktopSession();
  built = await buildApp();
}, 180_000);

afterAll(async () => {
  await running?.app.close().catch(() => undefined);
  await other?.stop();
  await hub?.close();
  await session?.stop();
  await built?.remove();
  if (work) await rm(work, { recursive: true, force: true });
  if (running) await rm(running.config, { recursive: true, force: true });
}, 30_000);

describe.skipIf(skip)('Nearby in the real app', () => {
  it('pairs by link, browses, plays with seeking, and downloads a folder', async () => {
    running = await launchApp({ appDir: built.dir, sessionEnv: session.env });
    page = await running.window();
    await connectWithToken(page, hub.url, 'tc_good');
    await page.evaluate(() =>
      window.tunecamp!.invoke('updateSettings', {
        lan: { enabled: true, port: 0, host: '127.0.0.1', interfaces: [] },
      }),
    );
    await showView(page, 'Nearby');
    const [link] = await other.invoke('createPairLink');
    await page.getByLabel('Link from the other device').fill(link!);
    await page.getByRole('button', { name: 'Pair', exact: true }).click();
    await page.getByText(/^Paired with /).waitFor();
    const appId = await page.evaluate(
      async () => (await window.tunecamp!.invoke('getNearby')).myId,
    );
    await other.invoke('setPeerGrants', appId!, { grants: { download: true } });

    const paired = page.getByRole('list', { name: 'Paired devices' });
    await paired.getByRole('button', { name: /^Browse / }).click();
    const lib = page.getByRole('region', { name: /^Library of / });
    await lib
      .getByRole('button', { name: /Band Demos/ })
      .first()
      .click();
    await lib
      .getByRole('button', { name: /Rehearsal/ })
      .first()
      .click();
    await lib.getByRole('button', { name: 'Play Take One' }).click();

    // Real audio through the loopback proxy, and a seek that needs a range from the middle.
    const audio = lib.getByLabel('Player: Take One');
    await expect
      .poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 15_000 })
      .toBeGreaterThan(0.3);
    await audio.evaluate((a: HTMLAudioElement) => (a.currentTime = 25));
    await expect
      .poll(() => audio.evaluate((a: HTMLAudioElement) => (a.seeking ? 0 : a.currentTime)), {
        timeout: 10_000,
      })
      .toBeGreaterThan(25.2);

    const into = path.join(work, 'Downloads');
    await lib.getByLabel('Download into').fill(into);
    await lib.getByRole('button', { name: 'Download this folder' }).click();
    await lib.getByText(`2 tracks queued into ${into}.`).waitFor();
    const downloads = page.getByRole('list', { name: 'Downloads' });
    await expect.poll(() => downloads.getByText(/· done$/).count(), { timeout: 30_000 }).toBe(2);
    const got = await readdir(into, { recursive: true });
    for (const [name, bytes] of Object.entries(FILES)) {
      const file = got.find((f) => f.endsWith(name));
      expect(file, `${name} downloaded`).toBeDefined();
      expect(sha256(await readFile(path.join(into, file!)))).toBe(sha256(bytes));
    }
    await screenshot(page, 'nearby-peer');
    await expectNoErrors(running);
  }, 120_000);
});
