/** How a folder's live state reads in the window. Pure. */
import type { FolderStatus } from '../../../shared/contract';
import { formatCount, percent, plural } from './format';
import type { Tone } from './problems';

/** A folder state as a tone and a short label: "Watching", "Scanning 64 %", "Offline"… */
export function folderStateLabel(f: FolderStatus): { tone: Tone; text: string } {
  switch (f.state) {
    case 'watching':
      return { tone: 'ok', text: 'Watching for changes' };
    case 'scanning': {
      const p = f.progress;
      if (!p || p.found === 0) return { tone: 'busy', text: 'Scanning…' };
      return {
        tone: 'busy',
        text: `Scanning ${percent(p.parsed + p.skipped, p.found)} % (${formatCount(p.parsed)} of ${plural(p.found, 'file')} read)`,
      };
    }
    case 'polling':
      return { tone: 'warn', text: 'Rescanning periodically' };
    case 'offline':
      return { tone: 'error', text: 'Offline' };
    case 'error':
      return { tone: 'error', text: 'Error' };
  }
}

/** The last path segment, for compact lists ("/home/maria/Music" → "Music"). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]+/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

/** The parent folder of a path (for a dropped file: offer its folder instead). */
export function parentPath(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (i <= 0) return path.startsWith('/') ? '/' : path;
  return path.slice(0, i);
}
