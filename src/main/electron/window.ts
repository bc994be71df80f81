/**
 * The main window: hardened per the Electron security checklist. Closing it destroys it, and its
 * renderer process with it (tens of MiB at 20k tracks): sharing goes on from the tray, and the
 * window is made again when the user opens it.
 */
import { BrowserWindow, Notification, session, shell } from 'electron';
import { rendererCsp } from '../core/remote/csp';

export interface MainWindowOptions {
  /** out/preload/index.cjs */
  preload: string;
  /** out/renderer/index.html */
  indexHtml: string;
  /** The Vite dev server (ELECTRON_RENDERER_URL), in development only. */
  devUrl?: string;
  icon?: string;
  /** Called with each new window, before its page loads. */
  onCreated?: (window: BrowserWindow) => void;
  /** Called when a window has closed (its page is gone). */
  onClosed?: () => void;
}

export interface MainWindow {
  /** The window while one exists. */
  current(): BrowserWindow | null;
  /** Shows and focuses the window, making it first if needed (tray, second launch, start). */
  reveal(): void;
  /** Quitting: closing no longer says that sharing goes on. */
  allowClose(): void;
}

/** Opens http(s) links in the user's browser; any other scheme from page content is dropped. */
function openExternally(url: string): void {
  try {
    const { protocol } = new URL(url);
    if (protocol === 'https:' || protocol === 'http:') void shell.openExternal(url);
  } catch {
    // Not a URL: nothing to open.
  }
}

/** Makes a window and loads the renderer; it shows itself once its page is ready. */
function makeWindow(opts: MainWindowOptions, onClose: (event: Electron.Event) => void) {
  const window = new BrowserWindow({
    width: 1040,
    height: 720,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'tunecamp-share',
    icon: opts.icon,
    autoHideMenuBar: true,
    webPreferences: {
      preload: opts.preload,
      // The page gets the contract through contextBridge only: no Node, no Electron internals.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });

  // The page needs no permission (camera, notifications…): a compromised page gets none either.
  window.webContents.session.setPermissionRequestHandler((_wc, _perm, callback) => callback(false));
  // No new windows from the page: links to the web go to the real browser.
  window.webContents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
  // The page never navigates away from itself; a navigation would hand our preload to a stranger.
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-redirect', (event) => event.preventDefault());

  opts.onCreated?.(window);
  if (opts.devUrl) {
    // The built index.html carries the CSP in a meta tag; the dev server does not, so add it here.
    const ws = opts.devUrl.replace(/^http/, 'ws');
    const csp = rendererCsp({ dev: true, connect: [ws] });
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      const headers = { ...details.responseHeaders, 'Content-Security-Policy': [csp] };
      callback({ responseHeaders: headers });
    });
    void window.loadURL(opts.devUrl);
  } else {
    void window.loadFile(opts.indexHtml);
  }
  window.once('ready-to-show', () => window.show());
  window.on('close', onClose);
  return window;
}

/** The window manager; no window exists until reveal(). */
export function createMainWindow(opts: MainWindowOptions): MainWindow {
  let window: BrowserWindow | null = null;
  let quitting = false;
  let toldAboutTray = false;
  const onClose = () => {
    // Closing the window keeps sharing: the app lives in the tray until Quit. Said once.
    if (quitting || toldAboutTray || !Notification.isSupported()) return;
    toldAboutTray = true;
    new Notification({
      title: 'tunecamp-share is still sharing',
      body: 'It keeps running in the tray. Quit from the tray menu.',
      silent: true,
    }).show();
  };
  return {
    current: () => (window && !window.isDestroyed() ? window : null),
    reveal: () => {
      if (window && !window.isDestroyed()) {
        if (window.isMinimized()) window.restore();
        window.show();
        window.focus();
        return;
      }
      const made = makeWindow(opts, onClose);
      window = made;
      made.once('closed', () => {
        if (window === made) window = null;
        opts.onClosed?.();
      });
    },
    allowClose: () => {
      quitting = true;
    },
  };
}
