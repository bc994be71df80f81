/**
 * The desktop app's settings: electron-store (atomic JSON in userData) behind the shared
 * ValidatedStore, so the desktop and the daemon validate and migrate the same way.
 */
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { app } from 'electron';
import Store from 'electron-store';
import type { Settings } from '../../shared/contract';
import { ValidatedStore } from '../core/settings/store';

type Raw = Record<string, unknown>;

function open(problems: string[]): Store<Raw> {
  // 0600: the file names the server and the account; other local users have no business reading it.
  const make = () => new Store<Raw>({ name: 'settings', configFileMode: 0o600 });
  try {
    return make();
  } catch (err) {
    const e = err as Error;
    if (e.name !== 'SyntaxError') throw err;
    // A damaged file must not stop the app: set it aside (kept for the user) and start fresh.
    const file = path.join(app.getPath('userData'), 'settings.json');
    const backup = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    void rename(file, backup).catch(() => undefined);
    problems.push(`Settings file ${file} was unreadable (${e.message}); it was kept as ${backup}.`);
    return new Store<Raw>({ name: 'settings', configFileMode: 0o600, clearInvalidConfig: true });
  }
}

/** Opens the settings in userData/settings.json. Call after app 'ready'. */
export function createDesktopSettingsStore(): ValidatedStore {
  const problems: string[] = [];
  const store = open(problems);
  return new ValidatedStore(
    {
      read: () => store.store,
      write: (s: Settings) => {
        store.store = s as unknown as Raw;
      },
    },
    { path: store.path, problems },
  );
}
