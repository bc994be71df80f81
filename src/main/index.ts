/**
 * The Electron composition root: wires the core engine to the desktop glue (stores, window, tray,
 * IPC, notifications, autostart). Decisions live in the modules it calls, not here.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, dialog, safeStorage } from 'electron';
import { deferredApi } from './core/deferred-api';
import { Engine } from './core/engine';
import { lockStateDir } from './core/fs/state-lock';
import { createLogger } from './core/logger';
import { applyAutostart, launchedHidden } from './electron/autostart';
import { registerCoverScheme, resizeWithNativeImage, serveCovers } from './electron/covers';
import { startDesktopNotifications } from './electron/desktop-notifications';
import { askPlainTokenConsent, pickFolders } from './electron/dialogs';
import { registerIpc } from './electron/ipc';
import { createSecretStore, keyVaultFor } from './electron/secret-store';
import { createDesktopSettingsStore } from './electron/settings-store';
import { acquireSingleInstance } from './electron/single-instance';
import { createTray } from './electron/tray';
import type { MainWindow } from './electron/window';
import { createMainWindow } from './electron/window';

const here = path.dirname(fileURLToPath(import.meta.url));
const preload = path.join(here, '../preload/index.cjs');
const indexHtml = path.join(here, '../renderer/index.html');
const devUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
/** How long quitting waits for the engine to release files and save its cache. */
const STOP_TIMEOUT_MS = 5_000;

let main: MainWindow | null = null;
let engine: Engine | null = null;
const cleanups: (() => void)[] = [];

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  const logsDir = path.join(userData, 'logs');
  const assetsDir = path.join(app.getAppPath(), 'assets');
  const icon = path.join(assetsDir, 'icon.png');
  const log = createLogger({ dir: logsDir, echo: app.isPackaged ? undefined : console.log });
  const parent = () => main?.current() ?? null;

  // The daemon's default state dir is this same folder: never let both use it at once.
  try {
    cleanups.push(await lockStateDir(userData).then((release) => () => void release()));
  } catch (err) {
    dialog.showErrorBox('tunecamp-share is already sharing', (err as Error).message);
    app.exit(1);
    return;
  }
  const settings = createDesktopSettingsStore();
  const choose = () => pickFolders(parent());
  // The window loads while the engine opens its scan cache: its calls wait for the engine.
  let opened!: (engine: Engine) => void;
  const engineReady = new Promise<Engine>((resolve) => (opened = resolve));
  // Before any page loads: Chromium gives a page the custom schemes registered when it navigated,
  // so a handler added later is unknown to the first window (ERR_UNKNOWN_URL_SCHEME).
  cleanups.push(serveCovers({ get: async (id) => (await engineReady).covers.get(id) }));
  const trusted = {
    file: pathToFileURL(indexHtml).href,
    devOrigin: devUrl && new URL(devUrl).origin,
  };
  let shownOnce = false;
  let onFirstShow = () => undefined as void;
  const firstShow = new Promise<void>((resolve) => (onFirstShow = resolve));
  const win = createMainWindow({
    preload,
    indexHtml,
    devUrl,
    icon,
    onCreated: (w) =>
      w.once('show', () => {
        // The start-up time users feel: the benchmark reads this line's timestamp.
        if (!shownOnce) log.info('Window shown');
        shownOnce = true;
        onFirstShow();
      }),
    // The page and its subscriptions are gone: the engine stops preparing events for it.
    onClosed: () => ipc.pageGone(),
  });
  main = win;
  const ipc = registerIpc({
    engine: deferredApi(engineReady),
    window: () => win.current(),
    trusted,
    logsDir,
    pickFolders: choose,
    log,
  });
  cleanups.push(() => ipc.dispose());
  // At login the app starts in the tray: no window, no renderer, until the user opens it.
  if (!launchedHidden(process.argv)) win.reveal();

  // After the window: on Linux the first safeStorage call may wait on the keyring over D-Bus.
  const secrets = await createSecretStore({
    dir: userData,
    safeStorage,
    askConsent: () => askPlainTokenConsent(parent()),
    log,
  });
  // A token from an old settings file moves to the secret store and out of settings.
  if (settings.legacyToken && !(await secrets.getToken()))
    await secrets.setToken(settings.legacyToken);

  const core = await Engine.create({
    stateDir: userData,
    settings,
    secrets,
    keyVault: keyVaultFor(secrets, safeStorage),
    host: 'desktop',
    version: app.getVersion(),
    log,
    logsDir,
    pickFolders: choose,
    coverResizer: resizeWithNativeImage,
  });
  engine = core;
  opened(core);

  const report = (what: string) => (err: unknown) => log.warn(`${what}: ${(err as Error).message}`);
  const addFolders = async () => {
    const paths = await choose();
    if (paths.length > 0) await core.invoke('addFolders', paths);
  };
  cleanups.push(
    await createTray({
      engine: core,
      settings,
      assetsDir,
      actions: {
        'toggle-pause': () =>
          void core.invoke('setPaused', !settings.get().paused).catch(report('Pause')),
        open: () => win.reveal(),
        'add-folder': () => void addFolders().catch(report('Add folder')),
        'toggle-autostart': () =>
          void core
            .invoke('updateSettings', { autostart: !settings.get().autostart })
            .catch(report('Start at login')),
        quit: () => app.quit(),
      },
    }),
  );
  cleanups.push(
    startDesktopNotifications({ engine: core, settings, icon, onClick: () => win.reveal() }),
  );

  let autostart = settings.get().autostart;
  void applyAutostart(autostart, log);
  cleanups.push(
    settings.on('change', (s) => {
      if (s.autostart === autostart) return;
      autostart = s.autostart;
      void applyAutostart(autostart, log);
    }),
  );

  // Chromium's UI and the engine share this thread: let the window paint before the folders'
  // warm check walks every file (but never wait long for it).
  if (win.current()) await Promise.race([firstShow, new Promise((r) => setTimeout(r, 400))]);
  await core.start();
}

if (!acquireSingleInstance(() => main?.reveal())) {
  // Another instance shares already; it was asked to show its window.
  app.quit();
} else {
  // Before 'ready': a scheme's privileges can only be declared then.
  registerCoverScheme();
  // A tray app: closing the last window must not quit.
  app.on('window-all-closed', () => undefined);
  app.on('activate', () => main?.reveal());

  let stopped = false;
  app.on('before-quit', (event) => {
    main?.allowClose();
    if (stopped || !engine) return;
    // Hold the quit until readers are stopped and the cache is saved, but never forever.
    event.preventDefault();
    const core = engine;
    engine = null;
    for (const cleanup of cleanups.splice(0)) cleanup();
    const timeout = new Promise((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS));
    void Promise.race([core.stop().catch(() => undefined), timeout]).then(() => {
      stopped = true;
      app.quit();
    });
  });

  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      console.error(`tunecamp-share could not start: ${(err as Error).message}`);
      app.exit(1);
    });
}
