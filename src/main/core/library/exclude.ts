import ignore from 'ignore';

/** Names (compared case-insensitively) that NAS boxes and operating systems scatter through music folders. */
const JUNK_NAMES = new Set(
  [
    '@eadir', // Synology thumbnails and indexes
    '#recycle', // Synology/QNAP recycle bin
    '#snapshot',
    '$recycle.bin', // Windows recycle bin
    'system volume information',
    'lost+found',
    'thumbs.db',
    'desktop.ini',
  ].map((n) => n.toLowerCase()),
);

/**
 * True for a file or folder name the scanner never descends into or publishes: hidden names (leading
 * dot, which also covers `.DS_Store`, AppleDouble `._*` and `.Trash-*`) and the NAS/OS junk list.
 */
export function isJunkName(name: string): boolean {
  if (name.startsWith('.')) return true;
  return JUNK_NAMES.has(name.toLowerCase());
}

/** True when any segment of a `/`-separated relative path is a junk or hidden name. */
export function hasJunkSegment(relPath: string): boolean {
  return relPath.split('/').some((segment) => segment !== '' && isJunkName(segment));
}

/**
 * Build a matcher for one shared folder's gitignore-style exclusion patterns. `relPath` is relative
 * to the folder root with `/` separators; `isDir` lets `folder/` patterns match folders only. A path
 * inside an excluded folder is excluded too. Blank lines and `#` comments are ignored, as in git.
 */
export function createExcluder(patterns: string[]): (relPath: string, isDir: boolean) => boolean {
  const cleaned = patterns.map((p) => p.trim()).filter((p) => p !== '' && !p.startsWith('#'));
  if (cleaned.length === 0) return () => false;
  const ig = ignore({ ignorecase: true }).add(cleaned);
  return (relPath, isDir) => {
    const rel = relPath.replace(/^\/+|\/+$/g, '');
    if (rel === '' || rel === '.') return false; // the root itself is never excluded
    try {
      return ig.ignores(isDir ? `${rel}/` : rel);
    } catch {
      // `ignore` throws on paths it considers invalid (e.g. "../x"); those are outside the root anyway.
      return false;
    }
  };
}
