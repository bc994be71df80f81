/**
 * The full track list with search-as-you-type, quick filters and multi-selection. The list is a
 * raw (non-proxied) array: 50,000 deep proxies would make every filter keystroke slow. Logic lives
 * in ./tracks.ts; this class only holds state and reacts.
 */
import type { DownloadPolicy, ManifestDelta, TrackInfo } from '../../../shared/contract';
import type { AppState } from './app-state.svelte';
import {
  EMPTY_QUERY,
  applyDelta,
  clickSelect,
  compareTracks,
  createKeyCache,
  distinct,
  dropIds,
  idSet,
  indexById,
  filterTracks,
  isFiltered,
  type TrackQuery,
} from './tracks';
import { DEFAULT_SORT, nextSort, sortTracks, type SortKey, type TrackSort } from './track-sort';

/** Tracks of the library as the Tracks view shows them. */
export class TrackStore {
  all = $state.raw<TrackInfo[]>([]);
  query = $state<TrackQuery>({ ...EMPTY_QUERY });
  sort = $state.raw<TrackSort>(DEFAULT_SORT);
  selected = $state.raw<ReadonlySet<string>>(idSet());
  loading = $state(true);
  #anchor = -1;
  #keys = createKeyCache();
  #app: AppState;

  /** The whole list in the chosen column order; re-sorted only when the list or the order changes. */
  sorted = $derived(sortTracks(this.all, this.sort));
  /** The rows matching the query, in the sorted order (filtering keeps order, so typing never re-sorts). */
  visible = $derived(filterTracks(this.sorted, this.query, this.#keys));
  folders = $derived(distinct(this.all, 'folder'));
  formats = $derived(distinct(this.all, 'format'));
  filtered = $derived(isFiltered(this.query));
  /** Tracks by id, built on first read only (the now-playing strip looks tracks up by id). */
  byId = $derived(indexById(this.all));

  constructor(app: AppState) {
    this.#app = app;
  }

  /** Load the list and follow `tracks` deltas from then on. */
  async start(): Promise<() => void> {
    const off = this.#app.transport.api.on('tracks', (d) => this.apply(d));
    await this.reload();
    return off;
  }

  /** Fetch the whole list again (start, reconnect). */
  async reload(): Promise<void> {
    this.loading = true;
    const list = await this.#app.run('listTracks');
    if (list) {
      this.#keys.clear();
      this.all = list.sort(compareTracks);
    }
    this.loading = false;
  }

  /** Apply one library change; search keys of changed tracks are recomputed lazily. */
  apply(d: ManifestDelta): void {
    for (const t of [...d.changed, ...d.added]) this.#keys.delete(t.id);
    for (const id of d.removed) this.#keys.delete(id);
    const next = applyDelta(this.all, d);
    this.all = d.added.length || d.moved.length ? next.sort(compareTracks) : next;
    if (d.removed.length) this.selected = dropIds(this.selected, d.removed);
  }

  /** A click (or Space) on visible row `index`. */
  click(index: number, mods: { shift: boolean; toggle: boolean }): void {
    const r = clickSelect(this.selected, this.#anchor, this.visible, index, mods);
    this.selected = r.selected;
    this.#anchor = r.anchor;
  }

  /** Sort by a column (a second click on the same column flips the direction). */
  sortBy(key: SortKey): void {
    this.sort = nextSort(this.sort, key);
    // The range anchor is a row index, which means another track once the order changes.
    this.#anchor = -1;
  }

  /** Select every visible row. */
  selectAll(): void {
    this.selected = idSet(this.visible.map((t) => t.id));
  }

  clearSelection(): void {
    this.selected = idSet();
    this.#anchor = -1;
  }

  /** Clear the search text and quick filters. */
  clearQuery(): void {
    this.query = { ...EMPTY_QUERY };
  }

  /** What the bulk bar acts on: the selection, else the filtered rows (never the whole library by accident). */
  get targets(): string[] {
    if (this.selected.size) return [...this.selected];
    return this.filtered ? this.visible.map((t) => t.id) : [];
  }

  /** Set the download policy of some tracks; the engine answers with a `tracks` delta. */
  async setDownload(ids: string[], policy: DownloadPolicy): Promise<void> {
    if (ids.length === 0) return;
    await this.#app.run('setTrackDownload', ids, policy);
  }
}
