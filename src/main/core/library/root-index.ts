import path from 'node:path';
import { sameEntry } from './delta';
import type { IgnoredCounts } from '../../../shared/contract';
import type { LibraryEntry } from './types';

/** The live state of one shared root: its entries by absolute path and its skipped files. */
export interface RootState {
  entries: Map<string, LibraryEntry>;
  skipped: Map<string, string>;
  /** Files left out as not audio, by kind, as the last full scan counted them. */
  ignored?: IgnoredCounts;
  /** The folder shares files only apps play, for download ("share files browsers cannot play"). */
  appOnly?: boolean;
}

/**
 * `p` relative to `root` with `/` separators: '' for the root itself, undefined when `p` is outside
 * it (pure).
 */
export function toRel(root: string, p: string): string | undefined {
  const rel = path.relative(root, p);
  if (rel === '') return '';
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/** An entry's path relative to its root, `/` separators (derived: entries do not store it). */
export function relPathOf(e: Pick<LibraryEntry, 'root' | 'path'>): string {
  return toRel(e.root, e.path) ?? e.path;
}

/**
 * Entries of every root, by root and path, plus an index by id. Kept per root so overlapping roots
 * (a folder shared twice, or nested) do not clobber each other, and removing one leaves the others.
 */
export class RootIndex {
  private readonly roots = new Map<string, RootState>();
  /**
   * The entries holding each id: the entry itself in the common case, an array only when the same
   * content sits at several paths (a Set per id cost ~150 bytes per track).
   */
  private readonly ids = new Map<string, LibraryEntry | LibraryEntry[]>();

  /** Number of distinct ids (tracks as published). */
  get size(): number {
    return this.ids.size;
  }

  /** The state of `root`, created empty if new. */
  root(root: string): RootState {
    let s = this.roots.get(root);
    if (!s) {
      s = { entries: new Map(), skipped: new Map() };
      this.roots.set(root, s);
    }
    return s;
  }

  /** The state of `root` if known. */
  peek(root: string): RootState | undefined {
    return this.roots.get(root);
  }

  /** Forget a root and its entries. */
  dropRoot(root: string): void {
    const s = this.roots.get(root);
    if (!s) return;
    for (const e of s.entries.values()) this.unlinkId(e);
    this.roots.delete(root);
  }

  /** Insert or replace the entry at its path; says whether that was an addition, a change, or nothing. */
  put(root: string, entry: LibraryEntry): 'added' | 'changed' | undefined {
    const s = this.root(root);
    const old = s.entries.get(entry.path);
    if (old && sameEntry(old, entry)) return undefined;
    if (old) this.unlinkId(old);
    s.entries.set(entry.path, entry);
    const held = this.ids.get(entry.id);
    if (held === undefined) this.ids.set(entry.id, entry);
    else if (Array.isArray(held)) held.push(entry);
    else this.ids.set(entry.id, [held, entry]);
    return old ? 'changed' : 'added';
  }

  /** Remove the entry at `p` under root; returns it if there was one. */
  remove(root: string, p: string): LibraryEntry | undefined {
    const s = this.roots.get(root);
    const old = s?.entries.get(p);
    if (!s || !old) return undefined;
    s.entries.delete(p);
    this.unlinkId(old);
    return old;
  }

  /** Entries under root whose path is `p` or inside folder `p`. */
  under(root: string, p: string): LibraryEntry[] {
    const s = this.roots.get(root);
    if (!s) return [];
    const prefix = p.endsWith(path.sep) ? p : p + path.sep;
    return [...s.entries.values()].filter((e) => e.path === p || e.path.startsWith(prefix));
  }

  /** True when some root holds an entry at this path. */
  anyRootHas(p: string): boolean {
    for (const s of this.roots.values()) if (s.entries.has(p)) return true;
    return false;
  }

  /** Some live entry with this id. */
  byId(id: string): LibraryEntry | undefined {
    const held = this.ids.get(id);
    return Array.isArray(held) ? held[0] : held;
  }

  /** One entry per id, optionally restricted to entries under `root`. */
  unique(root?: string): LibraryEntry[] {
    const out: LibraryEntry[] = [];
    this.eachUnique(root, (e) => out.push(e));
    return out;
  }

  /** Track count and total bytes of `unique(root)`, without building the list. */
  totals(root?: string): { tracks: number; bytes: number } {
    let tracks = 0;
    let bytes = 0;
    this.eachUnique(root, (e) => {
      tracks++;
      bytes += e.size;
    });
    return { tracks, bytes };
  }

  /**
   * Per root, the tracks (ids) that a root earlier in `order` holds too, and which earlier roots
   * hold them: the same file reached twice, or an identical copy. Such a track is counted in each
   * root's `totals` and published once, so these counts say why the sum of the roots' tracks is
   * larger than the published list. Roots without any are left out. Only ids held at several
   * paths are visited.
   */
  duplicates(order: readonly string[]): Map<string, { tracks: number; alsoIn: string[] }> {
    const rank = new Map(order.map((r, i) => [r, i]));
    const found = new Map<string, { tracks: number; alsoIn: Set<string> }>();
    for (const held of this.ids.values()) {
      if (!Array.isArray(held)) continue;
      const roots = [...new Set(held.map((e) => e.root))].filter((r) => rank.has(r));
      if (roots.length < 2) continue;
      roots.sort((a, b) => rank.get(a)! - rank.get(b)!);
      const first = roots[0]!;
      for (const r of roots.slice(1)) {
        let d = found.get(r);
        if (!d) found.set(r, (d = { tracks: 0, alsoIn: new Set() }));
        d.tracks++;
        d.alsoIn.add(first);
      }
    }
    const out = new Map<string, { tracks: number; alsoIn: string[] }>();
    for (const [r, d] of found) {
      out.set(r, { tracks: d.tracks, alsoIn: order.filter((x) => d.alsoIn.has(x)) });
    }
    return out;
  }

  private eachUnique(root: string | undefined, fn: (e: LibraryEntry) => void): void {
    for (const held of this.ids.values()) {
      if (!Array.isArray(held)) {
        if (root === undefined || held.root === root) fn(held);
        continue;
      }
      const e = root === undefined ? held[0] : held.find((x) => x.root === root);
      if (e) fn(e);
    }
  }

  private unlinkId(e: LibraryEntry): void {
    const held = this.ids.get(e.id);
    if (held === e) this.ids.delete(e.id);
    else if (Array.isArray(held)) {
      const rest = held.filter((x) => x !== e);
      this.ids.set(e.id, rest.length === 1 ? (rest[0] as LibraryEntry) : rest);
    }
  }
}
