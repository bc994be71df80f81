/**
 * The test-side desktop: a private Xvfb + D-Bus session, the tray host played over D-Bus, and a
 * gnome-keyring for safeStorage, proved against a tiny Electron app generated here (so a bug in
 * the real app cannot hide a bug in the tools that test it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Message, sessionBus } from 'dbus-next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureElectron } from '../../scripts/electron-runtime.mjs';
import { displayLabel } from './dbusmenu';
import {
  desktopMissing,
  startDesktopSession,
  stopProcess,
  type DesktopSession,
} from './desktop-session';
import { startKeyring } from './keyring';
import { startTrayHost, type TrayHost } from './tray-host';

const PROBE_MAIN = String.raw`'use strict';
const { app, Menu, Tray, nativeImage, safeStorage } = require('electron');
const say = (line) => process.stdout.write(line + '\n');
const solid = ([r, g, b]) => {
  const bgra = Buffer.alloc(16 * 16 * 4);
  for (let i = 0; i < bgra.length; i += 4) bgra.set([b, g, r, 255], i);
  return nativeImage.createFromBitmap(bgra, { width: 16, height: 16 });
};
app.whenReady().then(() => {
  if (process.env.PROBE_MODE === 'storage') {
    let encrypted;
    try { encrypted = safeStorage.encryptString('probe').subarray(0, 3).toString(); }
    catch (err) { encrypted = 'error: ' + err.message; }
    const backend = safeStorage.getSelectedStorageBackend();
    say('storage ' + JSON.stringify({ backend, available: safeStorage.isEncryptionAvailable(), encrypted }));
    return app.quit();
  }
  const tray = new Tray(solid([255, 0, 0]));
  tray.setToolTip('Probe idle');
  tray.setContextMenu(Menu.buildFromTemplate([
    { label: 'Say hello', click: () => say('clicked hello') },
    { label: 'Share_folders', type: 'checkbox', checked: true, click: (i) => say('share ' + i.checked) },
    { type: 'separator' },
    { label: 'Disabled', enabled: false, click: () => say('clicked disabled') },
  ]));
  tray.on('click', () => say('tray click'));
  let buf = '';
  process.stdin.on('data', (d) => {
    buf += d;
    for (let nl; (nl = buf.indexOf('\n')) >= 0; buf = buf.slice(nl + 1)) {
      const cmd = JSON.parse(buf.slice(0, nl));
      if (cmd.image) tray.setImage(solid(cmd.image));
      if (cmd.tooltip) tray.setToolTip(cmd.tooltip);
      if (cmd.quit) app.quit();
    }
  });
  say('ready');
});
`;

/** The probe app running in a session: its stdout lines, a command channel and a bounded stop. */
interface Probe {
  child: ChildProcess;
  line(re: RegExp, timeoutMs?: number): Promise<string>;
  send(cmd: object): void;
  stop(): Promise<void>;
}

let appDir = '';
let electron = '';

function startProbe(session: DesktopSession, mode: 'tray' | 'storage'): Probe {
  const env = { PATH: process.env.PATH ?? '', HOME: path.join(session.dir, 'probe-home') };
  const child = spawn(electron, ['--no-sandbox', '--disable-gpu', appDir], {
    env: { ...env, PROBE_MODE: mode, ...session.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-3000)));
  const line = async (re: RegExp, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = lines.find((l) => re.test(l));
      if (hit) return hit;
      if (Date.now() > deadline) {
        throw new Error(
          `probe printed no ${re} in ${timeoutMs} ms: ${lines.join(' | ')}\n${stderr}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const send = (cmd: object) => child.stdin!.write(`${JSON.stringify(cmd)}\n`);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    send({ quit: true });
    await Promise.race([
      new Promise((r) => child.once('exit', r)),
      new Promise((r) => setTimeout(r, 5000)),
    ]);
    await stopProcess(child);
  };
  return { child, line, send, stop };
}

const skip = desktopMissing();
const skipKeyring = skip ?? desktopMissing(['gnome-keyring-daemon', 'secret-tool']);
const why = (reason: string | null) => (reason ? ` (skipped: ${reason})` : '');
if (skipKeyring) console.warn(`test/app/tray-host.test.ts skips the desktop tests: ${skipKeyring}`);

beforeAll(async () => {
  if (skip) return;
  electron = (await ensureElectron()).path;
  appDir = await mkdtemp(path.join(os.tmpdir(), 'tcs-probe-app-'));
  await writeFile(path.join(appDir, 'package.json'), '{"name":"tray-probe","main":"main.cjs"}');
  await writeFile(path.join(appDir, 'main.cjs'), PROBE_MAIN);
}, 300_000);

afterAll(async () => {
  if (appDir) await rm(appDir, { recursive: true, force: true });
});

describe('dbusmenu labels', () => {
  it('turns Chromium mnemonic markup back into the label shown', () => {
    expect(displayLabel('_Open')).toBe('Open');
    expect(displayLabel('Share__folders')).toBe('Share_folders');
    expect(displayLabel('Plain')).toBe('Plain');
  });
});

describe.skipIf(skip)(`tray host on a private desktop session${why(skip)}`, () => {
  let session: DesktopSession;
  let host: TrayHost;
  let probe: Probe | undefined;

  beforeAll(async () => {
    session = await startDesktopSession();
    host = await startTrayHost(session.busAddress);
  }, 30_000);

  afterAll(async () => {
    await probe?.stop();
    await host?.stop();
    await session?.stop();
  }, 30_000);

  it('accepts an item named by its bus name or its object path, and drops it with its connection', async () => {
    const item = sessionBus({ busAddress: session.busAddress });
    item.on('error', () => undefined);
    const register = (arg: string) =>
      item.call(
        new Message({
          destination: 'org.kde.StatusNotifierWatcher',
          path: '/StatusNotifierWatcher',
          interface: 'org.kde.StatusNotifierWatcher',
          member: 'RegisterStatusNotifierItem',
          signature: 's',
          body: [arg],
        }),
      );
    await item.requestName('org.kde.StatusNotifierItem-1-1', 4);
    await register('org.kde.StatusNotifierItem-1-1');
    await register('/org/ayatana/NotificationItem/probe');
    await expect(register('org.example.NobodyOwnsThis')).rejects.toThrow(/NameHasNoOwner|owner/);
    const owner = (await host.waitForItem()).owner;
    expect(host.items()).toEqual([
      { service: 'org.kde.StatusNotifierItem-1-1', path: '/StatusNotifierItem', owner },
      { service: owner, path: '/org/ayatana/NotificationItem/probe', owner },
    ]);
    item.disconnect();
    await host.waitForNoItem(5000);
  });

  it('reads the tray of a real Electron app: tooltip, icon and menu', async () => {
    probe = startProbe(session, 'tray');
    await probe.line(/^ready$/, 30_000);
    const item = await host.waitForItem(15_000);
    expect(item).toMatchObject({ path: '/StatusNotifierItem' });
    expect(await host.tooltip()).toEqual({ iconName: '', title: 'Probe idle', text: '' });
    expect(await host.status()).toBe('Active');
    expect(await host.title()).toBe('');
    const [icon] = await host.iconPixmap();
    expect(icon).toMatchObject({ width: 16, height: 16 });
    expect(icon!.argb.equals(Buffer.alloc(16 * 16 * 4, Buffer.from([255, 255, 0, 0])))).toBe(true);
    const menu = await host.menu();
    expect(menu.children.map((n) => [n.label, n.type, n.enabled, n.toggleState])).toEqual([
      ['Say hello', 'standard', true, -1],
      ['Share_folders', 'standard', true, 1],
      ['', 'separator', true, -1],
      ['Disabled', 'standard', false, -1],
    ]);
  }, 60_000);

  it('delivers menu clicks and icon clicks to the app, and refuses a disabled item', async () => {
    await host.click('Say hello');
    await probe!.line(/^clicked hello$/);
    await host.click('Share_folders');
    await probe!.line(/^share false$/);
    await expect(host.click('Disabled')).rejects.toThrow(/is disabled/);
    await host.activate();
    await probe!.line(/^tray click$/);
  }, 30_000);

  it('follows setToolTip and setImage', async () => {
    const tooltip = await host.tooltip();
    const signals = host.signalCount('NewToolTip');
    probe!.send({ tooltip: 'Probe busy' });
    expect((await host.waitForChange(() => host.tooltip(), tooltip)).title).toBe('Probe busy');
    await host.waitForSignal('NewToolTip', { after: signals });

    const icon = await host.iconPixmap();
    probe!.send({ image: [0, 0, 255] });
    const [blue] = await host.waitForChange(() => host.iconPixmap(), icon);
    expect(blue!.argb.equals(Buffer.alloc(16 * 16 * 4, Buffer.from([255, 0, 0, 255])))).toBe(true);
  }, 30_000);

  it('sees the item go when the app quits', async () => {
    probe!.send({ quit: true });
    await host.waitForNoItem(15_000);
    await probe!.stop();
  }, 30_000);
});

describe.skipIf(skipKeyring)(`safeStorage in a private session${why(skipKeyring)}`, () => {
  let session: DesktopSession;

  beforeAll(async () => {
    session = await startDesktopSession();
  }, 30_000);

  afterAll(async () => {
    await session?.stop();
  }, 30_000);

  const storage = async () => {
    const probe = startProbe(session, 'storage');
    try {
      return JSON.parse((await probe.line(/^storage /, 30_000)).slice('storage '.length));
    } finally {
      await probe.stop();
    }
  };

  it('without a keyring, has no encryption (Chromium still names libsecret, the one it tried)', async () => {
    expect(await storage()).toEqual({
      backend: 'gnome_libsecret',
      available: false,
      encrypted: expect.stringMatching(/^error: .*not available/),
    });
  }, 60_000);

  it('with gnome-keyring, encrypts with a key kept in the new login keyring', async () => {
    const keyring = await startKeyring(session);
    expect(keyring.collection).toBe('/org/freedesktop/secrets/collection/login');
    await keyring.secretTool(['store', '--label=probe', 'service', 'tcs-probe'], 'hunter2');
    expect(await keyring.secretTool(['lookup', 'service', 'tcs-probe'])).toBe('hunter2');
    // v11: the key came from the secret service (v10 is Chromium's fixed fallback key).
    expect(await storage()).toEqual({
      backend: 'gnome_libsecret',
      available: true,
      encrypted: 'v11',
    });
  }, 60_000);
});
