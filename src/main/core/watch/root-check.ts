import { readdir, stat } from 'node:fs/promises';

/** Whether a shared root can be read now, and if not, why (in words for the user). */
export type RootCheck = { online: true; dev: number } | { online: false; reason: string };

/**
 * Checks that `root` is a readable directory. `knownDev` is the device the root was on when last
 * seen: an empty directory on another device is an unmounted mount point (the drive or share is
 * gone, its empty mount folder remains), which must read as offline rather than as "every file
 * was deleted".
 */
export async function checkRoot(root: string, knownDev?: number): Promise<RootCheck> {
  try {
    const st = await stat(root);
    if (!st.isDirectory()) return { online: false, reason: `Not a folder: ${root}` };
    if (knownDev !== undefined && st.dev !== knownDev && (await readdir(root)).length === 0) {
      return { online: false, reason: `Folder not found: ${root} (drive or share not mounted)` };
    }
    return { online: true, dev: st.dev };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return { online: false, reason: `Folder not found: ${root}` };
    if (code === 'EACCES' || code === 'EPERM')
      return { online: false, reason: `No permission to read ${root}` };
    return {
      online: false,
      reason: `Folder unavailable: ${root} (${code ?? (err as Error).message})`,
    };
  }
}

/** An interval for a reason line: `500 ms`, `60 s`, `5 min`. */
export function formatInterval(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
