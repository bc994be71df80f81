/**
 * The last step of a download: the verified part takes its final name without ever replacing a
 * file that is already there, and a file already downloaded is recognised instead of fetched again.
 */
import { link, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { idOfFile } from '../../library/fingerprint';
import { candidateName } from './safe-path';

/** Names tried before giving up ("name (1000).ext"). */
const MAX_CANDIDATES = 1000;

/** Whether `file` holds the track `trackId` (ids are content fingerprints). */
async function holds(file: string, trackId: string): Promise<boolean> {
  try {
    return (await idOfFile(file)).id === trackId;
  } catch {
    return false;
  }
}

/**
 * The existing copy of `trackId` among `dest`, `dest (2)`…, or undefined. Stops at the first free
 * name: a finished download always took the first free one.
 */
export async function findExisting(dest: string, trackId: string): Promise<string | undefined> {
  for (let n = 1; n <= MAX_CANDIDATES; n++) {
    const file = candidateName(dest, n);
    const st = await stat(file).catch(() => null);
    if (!st) return undefined;
    if (st.isFile() && (await holds(file, trackId))) return file;
  }
  return undefined;
}

/**
 * Gives the finished `part` the first free name among `dest`, `dest (2)`…, and returns it. A link
 * fails on an existing name, so a file created meanwhile by someone else is never overwritten
 * (a check-then-rename would race). A name that already holds this very track (a crash between
 * the link and the unlink) is taken as the result.
 */
export async function placeFile(part: string, dest: string, trackId: string): Promise<string> {
  for (let n = 1; n <= MAX_CANDIDATES; n++) {
    const file = candidateName(dest, n);
    try {
      await link(part, file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        if (!(await holds(file, trackId))) continue;
        await unlink(part);
        return file;
      }
      // Filesystems without hard links (FAT, some network shares): check, then rename.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS')
        throw err;
      if (await stat(file).catch(() => null)) continue;
      await rename(part, file);
      await syncDir(path.dirname(file));
      return file;
    }
    await unlink(part);
    await syncDir(path.dirname(file));
    return file;
  }
  throw new Error(`No free name for ${dest} (tried ${MAX_CANDIDATES})`);
}

/** Makes a rename or link durable (POSIX); some filesystems refuse, which is not an error. */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r').catch(() => null);
  await fh?.sync().catch(() => undefined);
  await fh?.close();
}
