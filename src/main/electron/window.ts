/**
 * The main window: hardened per the Electron security checklist, hidden to the tray on close.
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
  /** False when launched at login: stay in the tray. */
  show: boolean;
  icon?: string;
}

export interface MainWindow {
  window: BrowserWindow;
  /** Shows and focuses the window (tray click, second launch). */
  reveal(): void;
  /** Lets the next close really close (called on quit). */
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

/** Creates the window and loads the renderer. */
export function createMainWindow(opts: MainWindowOptions): MainWindow {
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

  if (opts.show) window.once('ready-to-show', () => window.show());

  let quitting = false;
  let toldAboutTray = false;
  window.on('close', (event) => {
    if (quitting) return;
    // Closing the window keeps sharing: the app lives in the tray until Quit.
    event.preventDefault();
    window.hide();
    if (!toldAboutTray && Notification.isSupported()) {
      toldAboutTray = true;
      new Notification({
        title: 'tunecamp-share is still sharing',
        body: 'It keeps running in the tray. Quit from the tray menu.',
        silent: true,
      }).show();
    }
  });

  return {
    window,
    reveal: () => {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    },
    allowClose: () => {
      quitting = true;
    },
  };
}
