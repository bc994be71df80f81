/**
 * Opening a published file for serving and reading it in chunks. Everything that can be checked
 * before the first chunk is checked here, because a `chunk_error` after data only truncates the
 * listener's response (PROTOCOL.md section 4).
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { ServeTarget } from './types';

/** Outcome of `openPublished`: a verified handle, or a message for `chunk_error`. */
export type OpenResult =
  | { ok: true; handle: FileHandle }
  | {
      ok: false;
      message: string;
      /** The library is out of date: rescan and republish. */ stale: boolean;
    };

/** A user-readable reason for a failed open or read, and whether it means the library is stale. */
export function describeFsError(err: unknown): { message: string; stale: boolean } {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return { message: 'File no longer exists', stale: true };
    case 'EACCES':
    case 'EPERM':
      return { message: 'Permission denied reading the file', stale: false };
    case 'EISDIR':
      return { message: 'Not a regular file any more', stale: true };
    case 'EIO':
      return {
        message: 'Disk read error (EIO): the drive may be failing or disconnected',
        stale: false,
      };
    case 'EMFILE':
    case 'ENFILE':
      return { message: 'Too many open files on this machine; try again', stale: false };
    default:
      return { message: `Cannot read the file (${code ?? 'unknown error'})`, stale: false };
  }
}

/**
 * Open `target.path` and check, on the open handle (so nothing can swap the file in between),
 * that it is still the regular file that was published: same size, same mtime (to the ms).
 */
export async function openPublished(target: ServeTarget): Promise<OpenResult> {
  let handle: FileHandle;
  try {
    handle = await open(target.path, 'r');
  } catch (err) {
    return { ok: false, ...describeFsError(err) };
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) {
      await handle.close();
      return { ok: false, message: 'Not a regular file any more', stale: true };
    }
    // Whole ms: a cache may have stored the mtime with less precision than the kernel reports.
    if (st.size !== target.size || Math.floor(st.mtimeMs) !== Math.floor(target.mtimeMs)) {
      await handle.close();
      return { ok: false, message: 'File changed since it was published', stale: true };
    }
    return { ok: true, handle };
  } catch (err) {
    await handle.close().catch(() => undefined);
    return { ok: false, ...describeFsError(err) };
  }
}

/**
 * Read up to `buf.length` bytes at `position`, looping over short reads. Returns how many bytes
 * were read: fewer than asked only when the file ends early.
 */
export async function readFully(
  handle: FileHandle,
  buf: Buffer,
  position: number,
): Promise<number> {
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await handle.read(buf, got, buf.length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}
