import type { Stats } from 'node:fs';
import path from 'node:path';

/** The library's exclusion rule: `relPath` uses `/` separators and is relative to the root. */
export type ExcludeFn = (relPath: string, isDir: boolean) => boolean;

/**
 * Adapts an ExcludeFn to chokidar's `ignored` (called once without stats, then with them).
 * Excluded directories are never entered, which is what keeps inotify watches within budget.
 * Without stats the kind is unknown, so a path is ignored early only when excluded either way.
 */
export function toIgnored(root: string, exclude: ExcludeFn): (p: string, stats?: Stats) => boolean {
  const base = path.resolve(root);
  return (p, stats) => {
    const rel = path.relative(base, path.resolve(p));
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return false; // never the root itself
    const r = path.sep === '/' ? rel : rel.split(path.sep).join('/');
    if (!stats) return exclude(r, false) && exclude(r, true);
    return exclude(r, stats.isDirectory());
  };
}
