import path from 'node:path';

/** Why a folder cannot be added as a new share, or null when it can. */
export function folderConflict(existing: readonly string[], candidate: string): string | null {
  const c = path.resolve(candidate);
  for (const e of existing) {
    const r = path.resolve(e);
    if (r === c) return `${c} is already shared.`;
    if (isInside(c, r)) return `${c} is inside ${r}, which is already shared.`;
    if (isInside(r, c)) {
      return `${c} contains ${r}, which is already shared. Remove ${r} first, then add ${c}.`;
    }
  }
  return null;
}

/** True when `child` is strictly below `parent`. */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The shared root that holds `file`, if any (the longest match wins). */
export function rootOf(roots: Iterable<string>, file: string): string | undefined {
  let best: string | undefined;
  for (const r of roots) {
    if ((file === r || isInside(file, r)) && (!best || r.length > best.length)) best = r;
  }
  return best;
}
