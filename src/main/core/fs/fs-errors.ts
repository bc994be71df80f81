import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';

/** Human wording for the fs errors a scan meets; the user sees this next to the path. */
export function describeFsError(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return err.message; // "timed out after 10 s"
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'it no longer exists';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENOTDIR':
      return 'not a folder';
    case 'EIO':
      return 'input/output error (disk or network problem)';
    case 'ENAMETOOLONG':
      // The message Node gives repeats the whole path, which is already shown next to it.
      return 'path too long for the system (PATH_MAX: 4,096 bytes on Linux; names 255): shorten folder or file names';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/** `stat` that answers null instead of throwing (the path is gone or unreachable). */
export async function statOrNull(p: string): Promise<Stats | null> {
  try {
    return await stat(p);
  } catch {
    return null;
  }
}

/**
 * Resolves if `dir` is a readable directory, else rejects with a readable message that keeps the fs
 * `code` (ENOENT and ENOTDIR are how callers tell an unplugged drive from a real error).
 */
export async function assertDir(dir: string): Promise<Stats> {
  let s: Stats;
  try {
    s = await stat(dir);
  } catch (err) {
    const e = new Error(`Folder ${dir} cannot be read: ${describeFsError(err)}.`, { cause: err });
    throw Object.assign(e, { code: (err as NodeJS.ErrnoException).code });
  }
  if (!s.isDirectory())
    throw Object.assign(new Error(`${dir} is not a folder.`), { code: 'ENOTDIR' });
  return s;
}

/** Why a file could not be written, in a few words ("the disk is full"). */
export function describeSaveError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC') return 'the disk is full';
  if (code === 'EDQUOT') return 'the disk quota is used up';
  if (code === 'EROFS') return 'the disk is read-only';
  return describeFsError(err);
}
