/**
 * The track list's pure logic: filtering as the user types, quick filters, applying library
 * deltas, effective download flags and range selection. Kept out of the rune-based store so it is
 * unit-tested in Node and cheap to run over 50,000 rows.
 */
import type { DownloadPolicy, ManifestDelta, TrackInfo } from '../../../shared/contract';

/** The quick filters and the search text. Empty string means "any". */
export interface TrackQuery {
  text: string;
  folder: string;
  format: string;
  /** '' any, 'yes' downloadable, 'no' stream-only. */
  downloadable: '' | 'yes' | 'no';
}

/** A query that matches everything. */
export const EMPTY_QUERY: TrackQuery = { text: '', folder: '', format: '', downloadable: '' };

/** Lower-cased haystack for one track (title, artist, album, path). */
export function searchKey(t: TrackInfo): string {
  return `${t.title}\u0000${t.artist ?? ''}\u0000${t.album ?? ''}\u0000${t.relPath}`.toLowerCase();
}

/**
 * The tracks matching a query, in the input order. Every whitespace-separated word of `text` must
 * occur (case-insensitive) in the title, artist, album or path. `keys` caches searchKey per id.
 */
export function filterTracks(
  tracks: readonly TrackInfo[],
  q: TrackQuery,
  keys?: Map<string, string>,
): TrackInfo[] {
  const words = q.text.toLowerCase().split(/\s+/).filter(Boolean);
  const out: TrackInfo[] = [];
  for (const t of tracks) {
    if (q.folder && t.folder !== q.folder) continue;
    if (q.format && t.format !== q.format) continue;
    if (q.downloadable === 'yes' && !t.allowDownload) continue;
    if (q.downloadable === 'no' && t.allowDownload) continue;
    if (words.length) {
      let key = keys?.get(t.id);
      if (key === undefined) {
        key = searchKey(t);
        keys?.set(t.id, key);
      }
      if (!words.every((w) => key.includes(w))) continue;
    }
    out.push(t);
  }
  return out;
}

/** Whether any filter is active. */
export function isFiltered(q: TrackQuery): boolean {
  return Boolean(q.text.trim() || q.folder || q.format || q.downloadable);
}

/** Sort order of the list: by artist, then album, then path (stable for equal keys). */
export function compareTracks(a: TrackInfo, b: TrackInfo): number {
  return (
    (a.artist ?? '').localeCompare(b.artist ?? '') ||
    (a.album ?? '').localeCompare(b.album ?? '') ||
    a.relPath.localeCompare(b.relPath)
  );
}

/**
 * A new list with a delta applied: removed ids dropped, changed tracks replaced, moved tracks
 * re-keyed (from → to), added tracks appended (or replacing an existing id). Order is kept for
 * surviving tracks; the input array is not modified.
 */
export function applyDelta(tracks: readonly TrackInfo[], d: ManifestDelta): TrackInfo[] {
  const removed = new Set(d.removed);
  const moved = new Map(d.moved.map((m) => [m.from, m.to]));
  const replace = new Map<string, TrackInfo>();
  for (const t of d.changed) replace.set(t.id, t);
  for (const t of d.added) replace.set(t.id, t);
  const out: TrackInfo[] = [];
  const seen = new Set<string>();
  for (const t of tracks) {
    if (removed.has(t.id)) continue;
    const to = moved.get(t.id);
    const id = to ?? t.id;
    if (seen.has(id)) continue;
    const next = replace.get(id) ?? (to ? { ...t, id: to } : t);
    replace.delete(id);
    seen.add(id);
    out.push(next);
  }
  for (const t of replace.values()) if (!removed.has(t.id) && !seen.has(t.id)) out.push(t);
  return out;
}

/** The policy a per-track toggle should set to flip a track's effective download flag. */
export function togglePolicy(t: TrackInfo): DownloadPolicy {
  return t.allowDownload ? 'deny' : 'allow';
}

/**
 * Selection after a click on row `index` of `visible` ids: plain click selects one, ctrl/cmd
 * toggles, shift selects the range from `anchor` (adding to the selection with ctrl). Returns the
 * new selection and anchor.
 */
export function clickSelect(
  selected: ReadonlySet<string>,
  anchor: number,
  visible: readonly { id: string }[],
  index: number,
  mods: { shift: boolean; toggle: boolean },
): { selected: Set<string>; anchor: number } {
  const id = visible[index]?.id;
  if (id === undefined) return { selected: new Set(selected), anchor };
  if (mods.shift && anchor >= 0 && anchor < visible.length) {
    const next = mods.toggle ? new Set(selected) : new Set<string>();
    const [a, b] = anchor < index ? [anchor, index] : [index, anchor];
    for (let i = a; i <= b; i++) next.add(visible[i]!.id);
    return { selected: next, anchor };
  }
  if (mods.toggle) {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return { selected: next, anchor: index };
  }
  return { selected: new Set([id]), anchor: index };
}

/** Distinct values of a field, sorted, for the quick-filter selects. */
export function distinct(tracks: readonly TrackInfo[], field: 'folder' | 'format'): string[] {
  const s = new Set<string>();
  for (const t of tracks) s.add(t[field]);
  return [...s].sort();
}

/** An immutable-by-convention id set (the store replaces it on every change, never mutates it). */
export function idSet(ids: Iterable<string> = []): ReadonlySet<string> {
  return new Set(ids);
}

/** The selection without the given ids. */
export function dropIds(
  selected: ReadonlySet<string>,
  removed: readonly string[],
): ReadonlySet<string> {
  const gone = new Set(removed);
  return new Set([...selected].filter((id) => !gone.has(id)));
}

/** A plain (deliberately non-reactive) cache of search keys by track id. */
export function createKeyCache(): Map<string, string> {
  return new Map();
}

/** The tracks by id (a lookup for the now-playing strip); never mutated after it is built. */
export function indexById(tracks: readonly TrackInfo[]): ReadonlyMap<string, TrackInfo> {
  return new Map(tracks.map((t) => [t.id, t]));
}
