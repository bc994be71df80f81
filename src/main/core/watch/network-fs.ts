import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';

/** Filesystems whose changes do not reach inotify (edits made by other machines go unseen). */
const NETWORK_TYPES = new Set([
  'nfs',
  'nfs4',
  'cifs',
  'smb3',
  'smbfs',
  'sshfs',
  'fuse.sshfs',
  '9p',
  'afs',
  'davfs',
  'fuse.rclone',
]);

/** One line of /proc/mounts. */
export interface MountEntry {
  mountPoint: string;
  type: string;
}

/** Parses /proc/mounts text (mount points have spaces and such escaped as octal `\040`). */
export function parseMounts(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const parts = line.split(' ');
    if (parts.length < 3 || !parts[1] || !parts[2]) continue;
    const mountPoint = parts[1].replace(/\\([0-7]{3})/g, (_, oct: string) =>
      String.fromCharCode(parseInt(oct, 8)),
    );
    out.push({ mountPoint, type: parts[2] });
  }
  return out;
}

/** The network filesystem type holding `dir` according to `mounts`, or null (longest mount point wins). */
export function networkTypeOf(mounts: MountEntry[], dir: string): string | null {
  let best: MountEntry | null = null;
  for (const m of mounts) {
    const rel = path.posix.relative(m.mountPoint, dir);
    const inside = rel === '' || (!rel.startsWith('..') && !path.posix.isAbsolute(rel));
    if (inside && (!best || m.mountPoint.length > best.mountPoint.length)) best = m;
  }
  return best && NETWORK_TYPES.has(best.type) ? best.type : null;
}

/**
 * Best effort: the network filesystem `root` lives on (nfs, cifs, sshfs…), or null when it is
 * local or cannot be told. Linux reads /proc/mounts; Windows UNC paths count as SMB.
 */
export async function networkFsType(root: string): Promise<string | null> {
  if (process.platform === 'win32') return root.startsWith('\\\\') ? 'smb' : null;
  if (process.platform !== 'linux') return null;
  try {
    const [text, real] = await Promise.all([readFile('/proc/mounts', 'utf8'), realpath(root)]);
    return networkTypeOf(parseMounts(text), real);
  } catch {
    return null; // no /proc (containers, sandboxes): assume local; the safety rescan still runs
  }
}
