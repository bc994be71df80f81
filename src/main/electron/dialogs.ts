/** Native dialogs the desktop glue needs. */
import type { BrowserWindow } from 'electron';
import { dialog } from 'electron';

/** The native folder picker (several folders at once); [] when cancelled. */
export async function pickFolders(parent: BrowserWindow | null): Promise<string[]> {
  const options: Electron.OpenDialogOptions = {
    title: 'Choose music folders to share',
    buttonLabel: 'Share',
    properties: ['openDirectory', 'multiSelections', 'createDirectory'],
  };
  const result = parent
    ? await dialog.showOpenDialog(parent, options)
    : await dialog.showOpenDialog(options);
  return result.canceled ? [] : result.filePaths;
}

/**
 * Asks whether the token may be stored without encryption (no keyring or OS encryption found).
 * True means store it in a plain 0600 file; false means keep it for this session only.
 */
export async function askPlainTokenConsent(parent: BrowserWindow | null): Promise<boolean> {
  const options: Electron.MessageBoxOptions = {
    type: 'warning',
    title: 'No secure storage',
    message: 'This system offers no encrypted storage for your TuneCamp token.',
    detail:
      'Store it in a file only your user can read, or keep it until the app quits (you will ' +
      'log in again next time). Installing a keyring (GNOME Keyring, KWallet) enables encryption.',
    buttons: ['Store in a private file', 'Keep for this session only'],
    defaultId: 0,
    cancelId: 1,
    noLink: true,
  };
  const { response } = parent
    ? await dialog.showMessageBox(parent, options)
    : await dialog.showMessageBox(options);
  return response === 0;
}
