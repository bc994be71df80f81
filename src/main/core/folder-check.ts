import { access, constants, stat } from 'node:fs/promises';

/**
 * Why `p` cannot be shared, in the words the daemon and the window both use ("folder not found:
 * /x", "not a folder: /x/song.mp3", "folder not readable: /x"), or null when it is a folder this
 * process can list. Checked before a folder is added, so a typo is not "added" and then blamed
 * on an unplugged drive.
 */
export async function checkFolder(p: string): Promise<string | null> {
  try {
    const st = await stat(p);
    if (!st.isDirectory()) return `not a folder: ${p}`;
    await access(p, constants.R_OK | constants.X_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return `folder not found: ${p}`;
    if (code === 'EACCES' || code === 'EPERM') return `folder not readable: ${p}`;
    return `cannot open folder ${p}: ${code ?? (err as Error).message}`;
  }
}

/** The first problem among `paths` (see checkFolder), or null when every one can be shared. */
export async function checkFolders(paths: string[]): Promise<string | null> {
  for (const p of paths) {
    const problem = await checkFolder(p);
    if (problem) return problem;
  }
  return null;
}
