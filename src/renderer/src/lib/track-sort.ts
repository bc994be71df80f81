/**
 * Column sorting of the track table. Pure, so it is unit-tested in Node over 50,000 rows. Sorting
 * is stable: rows that tie keep their incoming order (the library order: artist, album, path), and
 * a descending sort flips the comparison, not the array, so ties stay in that order too.
 */
import type { TrackInfo } from '../../../shared/contract';

/** The sortable columns of the table. */
export type SortKey =
  'title' | 'artist' | 'album' | 'duration' | 'format' | 'size' | 'plays' | 'download';

export type SortDir = 'asc' | 'desc';

/** The table's sort order. */
export interface TrackSort {
  key: SortKey;
  dir: SortDir;
}

/** The order the list arrives in (artist, then album, then path), as a column sort. */
export const DEFAULT_SORT: TrackSort = { key: 'artist', dir: 'asc' };

// Numeric collation so "Track 2" sorts before "Track 10"; one collator, created once.
const collator = new Intl.Collator(undefined, { numeric: true });

type Key = string | number | undefined;

/** The value a column sorts by; undefined means "unknown" (sorted last in both directions). */
function keyOf(t: TrackInfo, key: SortKey): Key {
  switch (key) {
    case 'title':
      return t.title;
    case 'artist':
      return t.artist || undefined;
    case 'album':
      return t.album || undefined;
    case 'duration':
      return t.duration;
    case 'format':
      return t.format;
    case 'size':
      return t.fileSizeBytes;
    case 'plays':
      return t.plays;
    case 'download':
      return t.allowDownload ? 1 : 0;
  }
}

function compareKeys(a: Key, b: Key): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

/**
 * The tracks ordered by one column, as a new array (the input is not modified). Stable; unknown
 * values (no artist, no duration) go last whichever the direction.
 */
export function sortTracks(tracks: readonly TrackInfo[], sort: TrackSort): TrackInfo[] {
  // Extract each key once: 50,000 rows mean ~800,000 comparisons, too many to re-read fields.
  const keys = tracks.map((t) => keyOf(t, sort.key));
  const order = tracks.map((_, i) => i);
  const sign = sort.dir === 'asc' ? 1 : -1;
  order.sort((i, j) => {
    const a = keys[i];
    const b = keys[j];
    if (a === undefined || b === undefined) {
      if (a === b) return i - j;
      return a === undefined ? 1 : -1;
    }
    return sign * compareKeys(a, b) || i - j;
  });
  return order.map((i) => tracks[i]!);
}

/** The sort after a click on a column header: the same column flips direction, another starts ascending. */
export function nextSort(current: TrackSort, key: SortKey): TrackSort {
  if (current.key !== key) return { key, dir: 'asc' };
  return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
}

/** The aria-sort value of a column header. */
export function ariaSort(current: TrackSort, key: SortKey): 'ascending' | 'descending' | 'none' {
  if (current.key !== key) return 'none';
  return current.dir === 'asc' ? 'ascending' : 'descending';
}
