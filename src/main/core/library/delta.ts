import type { LibraryDelta, LibraryEntry } from './types';

/** A delta with nothing in it. */
export function emptyDelta(): LibraryDelta {
  return { added: [], changed: [], removed: [], moved: [] };
}

/** True when the delta holds no change. */
export function isEmptyDelta(d: LibraryDelta): boolean {
  return d.added.length + d.changed.length + d.removed.length + d.moved.length === 0;
}

/** Number of changes in a delta. */
export function deltaSize(d: LibraryDelta): number {
  return d.added.length + d.changed.length + d.removed.length + d.moved.length;
}

/** True when two entries would publish or serve differently (any field differs). */
export function sameEntry(a: LibraryEntry, b: LibraryEntry): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof LibraryEntry>;
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * Pair removals and additions that carry the same id into moves (a rename or a move between
 * folders seen in one batch of watcher events). Pure: returns a new delta.
 */
export function pairMoves(d: LibraryDelta): LibraryDelta {
  const removedById = new Map<string, LibraryEntry[]>();
  for (const r of d.removed) {
    const list = removedById.get(r.id) ?? [];
    list.push(r);
    removedById.set(r.id, list);
  }
  const added: LibraryEntry[] = [];
  const moved = [...d.moved];
  const pairedRemovals = new Set<LibraryEntry>();
  for (const a of d.added) {
    const from = removedById.get(a.id)?.shift();
    if (from) {
      moved.push({ entry: a, from: from.path });
      pairedRemovals.add(from);
    } else {
      added.push(a);
    }
  }
  return {
    added,
    changed: [...d.changed],
    removed: d.removed.filter((r) => !pairedRemovals.has(r)),
    moved,
  };
}

/**
 * Collects changes during a scan and hands them out in batches: every `intervalMs` or every
 * `maxItems` changes, whichever comes first, so callers can publish while a long scan runs. The
 * first batch goes after `firstMs`: on a cold start the first tracks are what a listener waits for.
 */
export class DeltaBatcher {
  private pending = emptyDelta();
  private timer: NodeJS.Timeout | undefined;
  private ticked = false;

  constructor(
    private readonly emit: (delta: LibraryDelta) => void,
    private readonly onTick: () => void = () => {},
    private readonly intervalMs = 300,
    private readonly maxItems = 500,
    private readonly firstMs = 30,
  ) {}

  /** Record one change. */
  push(kind: 'added' | 'changed' | 'removed', entry: LibraryEntry): void {
    this.pending[kind].push(entry);
    if (deltaSize(this.pending) >= this.maxItems) this.flush();
    else this.arm();
  }

  /** Make sure a tick happens soon (progress without changes, e.g. a warm rescan). */
  arm(): void {
    this.timer ??= setTimeout(() => this.flush(), this.ticked ? this.intervalMs : this.firstMs);
  }

  /** Emit what is pending now (if anything) and stop the timer. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const d = this.pending;
    this.pending = emptyDelta();
    this.ticked = true;
    if (!isEmptyDelta(d)) this.emit(d);
    this.onTick();
  }

  /** Drop the timer without emitting (abort). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
