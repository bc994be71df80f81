/** How a folder reads in the window: its live state, its counts and its files. Pure. */
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

/** Why a duplicate is published once, in the words shown wherever the counts meet. */
const SAME_CONTENT = 'the same file reached twice, or an identical copy';

/**
 * A folder card's line on its tracks that an earlier folder holds too: "2 of these tracks are
 * also in /music (the same file reached twice, or an identical copy): published once." Or ''.
 */
export function duplicateNote(f: Pick<FolderStatus, 'duplicates'>): string {
  const d = f.duplicates;
  if (!d || d.tracks <= 0) return '';
  const where = d.alsoIn.length > 0 ? d.alsoIn.join(', ') : 'another shared folder';
  const are = d.tracks === 1 ? 'is' : 'are';
  const these = d.tracks === 1 ? '1 of these tracks' : `${formatCount(d.tracks)} of these tracks`;
  return `${these} ${are} also in ${where} (${SAME_CONTENT}): published once.`;
}

/**
 * Beside "Tracks shared": why the folders' counts add up to more, or '' when they do not: "Your
 * folders hold 129 tracks: 2 are in more than one folder (…) and are published once."
 */
export function sharedCountNote(
  folders: readonly Pick<FolderStatus, 'tracks' | 'duplicates'>[],
): string {
  let held = 0;
  let twice = 0;
  for (const f of folders) {
    held += f.tracks;
    twice += f.duplicates?.tracks ?? 0;
  }
  if (twice <= 0) return '';
  const are = twice === 1 ? 'is' : 'are';
  return `Your folders hold ${plural(held, 'track')}: ${formatCount(twice)} ${are} in more than one folder (${SAME_CONTENT}) and ${are} published once.`;
}

/**
 * The label of the typed folder path: on a headless daemon the path is on the daemon's machine,
 * named when the engine says its name ("Folder path on nas-01 (the machine running …)").
 */
export function folderPathLabel(
  host: 'desktop' | 'headless' | undefined,
  hostname?: string,
): string {
  if (host !== 'headless') return 'Or type a folder path';
  const machine = 'the machine running tunecamp-share';
  return hostname ? `Folder path on ${hostname} (${machine})` : `Folder path on ${machine}`;
}

/** The summary of a folder's files list: "3 skipped files · 1 published with a warning", or ''. */
export function filesSummary(f: Pick<FolderStatus, 'skipped' | 'notes'>): string {
  const parts: string[] = [];
  if (f.skipped.length > 0) parts.push(plural(f.skipped.length, 'skipped file'));
  const notes = f.notes?.length ?? 0;
  if (notes > 0) parts.push(`${plural(notes, 'file')} published with a warning`);
  return parts.join(' · ');
}
