import { renameSync } from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import type { Settings } from '../../../shared/contract';
import { describeSaveError } from '../fs/fs-errors';
import { openSealed, sealText } from '../fs/sealed-json';
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
 * The file is sealed with a checksum (`sealed-json.ts`): a byte changed on disk that still parses
 * (a limit, a folder path) is used as found, each value still validated, and a problem names the
 * file, so nothing changes silently.
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
          try {
            conf.store = s as unknown as Store;
          } catch (err) {
            // "the disk is full" beats ENOSPC and a temp file's name; the code stays for callers.
            const e = new Error(
              `Settings could not be saved to ${conf.path} (${describeSaveError(err)}).`,
              { cause: err },
            );
            throw Object.assign(e, { code: (err as NodeJS.ErrnoException).code });
          }
        },
      },
      { path: conf.path, problems },
    );
  }
}

function openConf(stateDir: string, problems: string[], now: () => Date): Conf<Store> {
  const file = path.join(stateDir, 'settings.json');
  const deserialize = (text: string): Store => {
    const opened = openSealed(text);
    const altered = `Settings file ${file} was changed outside the app (its checksum does not match); its values are used as found: check them.`;
    const value = JSON.parse(opened.json) as Store;
    if (!opened.intact && !problems.includes(altered)) problems.push(altered);
    if (value && typeof value === 'object') delete value.sha256;
    return value;
  };
  // 0600: the file names the server and the account; other local users have no business reading it.
  const make = () =>
    new Conf<Store>({
      cwd: stateDir,
      configName: 'settings',
      configFileMode: 0o600,
      serialize: (value) => sealText(JSON.stringify(value, undefined, '\t')),
      deserialize,
    });
  try {
    return make();
  } catch (err) {
    const e = err as Error;
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
