/**
 * Applies the "start at login" setting to the OS: login items on macOS and Windows, an XDG
 * autostart entry on Linux. Login launches pass --hidden so the app starts in the tray.
 */
import os from 'node:os';
import { app } from 'electron';
import type { Logger } from '../core/logger';
import {
  applyAutostartFile,
  autostartPath,
  configHome,
  renderDesktopEntry,
} from './autostart-linux';

/** The argument a login launch carries. */
export const HIDDEN_ARG = '--hidden';

/** True if this launch should start in the tray without a window. */
export function launchedHidden(argv: string[]): boolean {
  if (argv.includes(HIDDEN_ARG)) return true;
  return process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
}

/** Makes the OS start the app at login (or not). Never throws; failures are logged. */
export async function applyAutostart(enabled: boolean, log: Logger): Promise<void> {
  // In development execPath is the bare Electron binary: registering it would start a blank app.
  if (!app.isPackaged) return log.info('Start at login is only applied in the packaged app.');
  try {
    if (process.platform === 'linux') {
      const file = autostartPath(configHome(process.env, os.homedir()));
      const entry = renderDesktopEntry({
        execPath: process.execPath,
        appImagePath: process.env.APPIMAGE,
        args: [HIDDEN_ARG],
      });
      await applyAutostartFile(file, enabled ? entry : null);
    } else {
      app.setLoginItemSettings({ openAtLogin: enabled, openAsHidden: true, args: [HIDDEN_ARG] });
    }
  } catch (err) {
    log.warn(`Could not change start at login: ${(err as Error).message}`);
  }
}
