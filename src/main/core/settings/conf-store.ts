import { renameSync } from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import type { Settings } from '../../../shared/contract';
import { ValidatedStore } from './validated-store';

/** Options of the headless daemon's settings store. */
export interface ConfSettingsStoreOptions {
  /** The daemon's state directory; settings live in `<stateDir>/settings.json`. */
  stateDir: string;
  /** Clock for the corrupt-file backup name (tests). */
  now?: () => Date;
}

type Store = Record<string, unknown>;

/**
 * The headless daemon's settings, in `<stateDir>/settings.json` through `conf` (atomic writes).
 * A file that is not valid JSON never stops the daemon: it is set aside as
 * `settings.json.corrupt-<time>` and the store starts from defaults, with a problem saying so.
 */
export class ConfSettingsStore extends ValidatedStore {
  /** `opts` may be just the state directory. */
  constructor(opts: ConfSettingsStoreOptions | string) {
    if (typeof opts === 'string') opts = { stateDir: opts };
    const problems: string[] = [];
    const conf = openConf(opts.stateDir, problems, opts.now ?? (() => new Date()));
    super(
      {
        read: () => conf.store,
        write: (s: Settings) => {
          conf.store = s as unknown as Store;
        },
      },
      { path: conf.path, problems },
    );
  }
}

function openConf(stateDir: string, problems: string[], now: () => Date): Conf<Store> {
  // 0600: the file names the server and the account; other local users have no business reading it.
  const make = () =>
    new Conf<Store>({ cwd: stateDir, configName: 'settings', configFileMode: 0o600 });
  try {
    return make();
  } catch (err) {
    const e = err as Error;
    const file = path.join(stateDir, 'settings.json');
    if (e.name !== 'SyntaxError')
      throw new Error(`Could not read settings from ${file}: ${e.message}`, { cause: err });
    const backup = `${file}.corrupt-${now().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(file, backup);
    problems.push(
      `Settings file ${file} was unreadable (${e.message}); it was kept as ${backup} and defaults are used.`,
    );
    return make();
  }
}
