import path from 'node:path';
import { sameEntry } from './delta';
import type { LibraryEntry } from './types';

/** The live state of one shared root: its entries by absolute path and its skipped files. */
export interface RootState {
  entries: Map<string, LibraryEntry>;
  skipped: Map<string, string>;
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

/**
 * Entries of every root, by root and path, plus an index by id. Kept per root so overlapping roots
 * (a folder shared twice, or nested) do not clobber each other, and removing one leaves the others.
 */
export class RootIndex {
  private readonly roots = new Map<string, RootState>();
  private readonly ids = new Map<string, Set<LibraryEntry>>();

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
    let set = this.ids.get(entry.id);
    if (!set) {
      set = new Set();
      this.ids.set(entry.id, set);
    }
    set.add(entry);
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
    return this.ids.get(id)?.values().next().value;
  }

  /** One entry per id, optionally restricted to entries under `root`. */
  unique(root?: string): LibraryEntry[] {
    const out: LibraryEntry[] = [];
    for (const set of this.ids.values()) {
      for (const e of set) {
        if (root === undefined || e.root === root) {
          out.push(e);
          break;
        }
      }
    }
    return out;
  }

  private unlinkId(e: LibraryEntry): void {
    const set = this.ids.get(e.id);
    if (!set) return;
    set.delete(e);
    if (set.size === 0) this.ids.delete(e.id);
  }
}
