import os from 'node:os';
import path from 'node:path';

/**
 * The platform's app data folder for tunecamp-share (the same place Electron's userData uses),
 * where the daemon keeps its state unless `--state-dir` says otherwise.
 */
export function defaultStateDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): string {
  if (platform === 'win32')
    return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'tunecamp-share');
  if (platform === 'darwin')
    return path.join(home, 'Library', 'Application Support', 'tunecamp-share');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'tunecamp-share');
}
