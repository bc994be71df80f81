/**
 * Where a peer's file may land. Relative paths come from the network, so they are cleaned here
 * before any file is created: a hostile peer must not write outside the chosen folder (`..`,
 * absolute paths, drive letters, symlinks already in the folder), nor create names Windows cannot
 * open (reserved device names, forbidden characters, trailing dots).
 */
import { lstat, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DownloadError } from './transport';

/** Windows device names, reserved with any extension ("nul.flac" opens the null device). */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;
/** Characters no Windows file name may hold; control characters are refused on any system. */
const FORBIDDEN = new Set('<>:"|?*\\/');

/** `c` is a control character or one Windows forbids in names. */
const unsafe = (c: string): boolean => c < ' ' || c === '\x7f' || FORBIDDEN.has(c);
/** Bytes per name on ext4, APFS and NTFS (in UTF-16 units there, roughly). */
const MAX_NAME_BYTES = 255;

/** One path component made safe, or throws DownloadError for `..` and names with nothing left. */
export function safeComponent(raw: string): string {
  if (raw === '..') throw new DownloadError(`Refused path: "..", outside the folder`, false);
  let name = [...raw.normalize('NFC')].map((c) => (unsafe(c) ? '_' : c)).join('');
  // Windows drops trailing dots and spaces, so "a." and "a" would be one file there.
  name = name.replace(/[. ]+$/, '');
  if (RESERVED.test(name)) name = `_${name}`;
  while (Buffer.byteLength(name) > MAX_NAME_BYTES) {
    const ext = path.extname(name);
    const stem = name.slice(0, name.length - ext.length);
    name = stem.length > 1 ? stem.slice(0, -1) + ext : name.slice(0, -1);
  }
  if (name === '' || name === '.')
    throw new DownloadError(`Refused path: "${raw}" has no usable name`, false);
  return name;
}

/**
 * A peer's relative path (either slash) as safe components: leading slashes and a drive letter
 * are dropped (absolute paths become relative to the folder), `.` and empty parts vanish, `..`
 * is refused rather than resolved (a peer sending it is hostile or broken).
 */
export function sanitizeRelPath(rel: string): string[] {
  const parts = rel
    .replace(/^[a-zA-Z]:/, '')
    .split(/[\\/]+/)
    .filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) throw new DownloadError(`Refused path: "${rel}" names no file`, false);
  return parts.map(safeComponent);
}

/**
 * Creates the folders of `parts` (all but the last) under `root` and returns the file's path.
 * An existing folder on the way that is a symlink is refused: it could point anywhere, and the
 * peer chose the names.
 */
export async function prepareDestination(root: string, parts: string[]): Promise<string> {
  // The folder itself was chosen by the user: it may be created, path and all.
  await mkdir(root, { recursive: true });
  let dir = path.resolve(root);
  for (const part of parts.slice(0, -1)) {
    dir = path.join(dir, part);
    let st = await lstat(dir).catch(() => null);
    if (!st) {
      // Two downloads into one new album race to make its folder: the loser finds it made.
      await mkdir(dir).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
      st = await lstat(dir);
    }
    if (st.isSymbolicLink())
      throw new DownloadError(`Refused path: ${dir} is a symbolic link`, false);
    if (!st.isDirectory()) throw new DownloadError(`${dir} is a file, not a folder`, false);
  }
  const file = path.join(dir, parts[parts.length - 1] as string);
  // Belt and braces: after cleaning, the join can only stay inside the root.
  if (!file.startsWith(path.resolve(root) + path.sep))
    throw new DownloadError(`Refused path: ${file} is outside ${root}`, false);
  return file;
}

/** `name.ext`, `name (2).ext`, `name (3).ext`… : the names a download may take, in order. */
export function candidateName(file: string, n: number): string {
  if (n <= 1) return file;
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)} (${n})${ext}`;
}
