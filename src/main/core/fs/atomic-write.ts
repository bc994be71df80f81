import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Write `data` to `file` so that a reader (or the next start after a crash or power cut) sees either
 * the old content or the new content, never a torn mix: write a temp file in the same directory,
 * fsync it, then rename it over the target. Creates the parent directory if needed. `mode` applies
 * to the new file (e.g. 0o600 for secrets). `data` may be an iterable of string chunks (UTF-8),
 * written as they come, so a large file never has to exist as one string.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array | Iterable<string>,
  opts: { mode?: number } = {},
): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  // Same directory as the target: rename is only atomic within one filesystem.
  const tmp = path.join(
    dir,
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    const fh = await open(tmp, 'w', opts.mode ?? 0o644);
    try {
      if (typeof data === 'string' || data instanceof Uint8Array) await fh.writeFile(data);
      else for (const chunk of data) await fh.write(chunk);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
}

/** Persist the rename itself (directory entry); not supported on every platform, so best effort. */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the data file itself is already synced.
  }
}
