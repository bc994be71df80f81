/**
 * Start-at-login on Linux: an XDG autostart entry in ~/.config/autostart. Rendering is pure;
 * writing is plain Node (no Electron) so both are tested here.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The file name of our autostart entry. */
export const AUTOSTART_FILE = 'tunecamp-share.desktop';

/** `$XDG_CONFIG_HOME`, or `~/.config` when unset or not absolute (as the XDG spec says). */
export function configHome(env: NodeJS.ProcessEnv, homedir: string): string {
  const x = env.XDG_CONFIG_HOME;
  return x && path.isAbsolute(x) ? x : path.join(homedir, '.config');
}

/** Where the autostart entry lives under a config home. */
export function autostartPath(configHomeDir: string): string {
  return path.join(configHomeDir, 'autostart', AUTOSTART_FILE);
}

/** Characters that force an Exec argument into double quotes (XDG Desktop Entry spec, "Exec key"). */
const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

/** Quotes one Exec argument per the Exec rules: inside quotes, escape " ` $ and \ with \. */
export function quoteExecArg(arg: string): string {
  if (arg.length > 0 && !RESERVED.test(arg)) return arg.replace(/%/g, '%%');
  const inner = arg.replace(/["`$\\]/g, '\\$&');
  // A literal % would start a field code (%f, %u…): it is written %%.
  return `"${inner}"`.replace(/%/g, '%%');
}

/**
 * Escapes a value for a `string`-typed key: the file format itself treats \ as an escape, so
 * the Exec line's backslashes are doubled a second time, and control characters are spelled out.
 */
export function escapeDesktopString(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t')
    .replace(/\r/g, '\\r');
}

export interface DesktopEntryInput {
  /** process.execPath: the installed binary. */
  execPath: string;
  /** process.env.APPIMAGE: when running from an AppImage, execPath is inside a temporary mount. */
  appImagePath?: string;
  args: string[];
}

/** Renders the autostart .desktop file. Launches the AppImage itself when there is one. */
export function renderDesktopEntry(input: DesktopEntryInput): string {
  const target = input.appImagePath || input.execPath;
  const exec = [target, ...input.args].map(quoteExecArg).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=tunecamp-share',
    'Comment=Share your music folders with a TuneCamp server',
    `Exec=${escapeDesktopString(exec)}`,
    'Icon=tunecamp-share',
    'Terminal=false',
    'Categories=AudioVideo;Audio;',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * Writes (when `entry` is a string) or removes (null) the autostart file at `file`. The write goes
 * to a temp file first and is renamed over, so a crash never leaves a half-written entry that the
 * session would try to run.
 */
export async function applyAutostartFile(file: string, entry: string | null): Promise<void> {
  if (entry === null) return rm(file, { force: true });
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, entry, { mode: 0o644 });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
