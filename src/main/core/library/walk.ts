import { readdir, stat } from 'node:fs/promises';
import type { Dirent, Stats } from 'node:fs';
import path from 'node:path';
import { isJunkName } from './exclude';
import { describeFsError } from '../fs/fs-errors';
import { withTimeout } from '../fs/with-timeout';

/** A regular file the walk found (symlinks already followed). */
export interface WalkFile {
  /** Absolute path as reached from the root (through symlinks, not resolved). */
  path: string;
  /** Relative to the root, `/` separators. */
  relPath: string;
}

/** What to walk and where to report. */
export interface WalkOptions {
  /** gitignore-style matcher from `createExcluder`, applied on top of the junk list. */
  exclude: (relPath: string, isDir: boolean) => boolean;
  /** Only files for which this returns true are reported (e.g. audio extensions); default all. */
  accept?: (name: string) => boolean;
  /** Directories read at once. */
  concurrency?: number;
  /**
   * Report each folder's entries in name order rather than the order the file system lists them
   * (on ext4 that is hash order, unrelated to where files lie on disk). Files copied into a folder
   * one after the other, in name order as copy tools and rippers do, lie near each other in that
   * order: on a spinning disk, reading them so saves seeks.
   */
  ordered?: boolean;
  /** Limit for one directory read or stat (a dead network mount must not stall the walk); default 10 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called for each accepted file; the walk waits for the returned promise (backpressure). */
  onFile: (file: WalkFile) => void | Promise<void>;
  /** Called for a folder or link that could not be read; the walk goes on. */
  onSkip: (path: string, reason: string) => void;
  /**
   * Called for each file left out that is not hidden: not accepted (`rejected`), matched by an
   * exclusion pattern (`excluded`), or NAS/OS junk such as `Thumbs.db` (`system`).
   */
  onIgnored?: (name: string, why: 'rejected' | 'excluded' | 'system') => void;
}

const dirKey = (s: Stats) => `${s.dev}:${s.ino}`;

/**
 * Walk `root` (an existing directory) asynchronously with bounded concurrency. Skips hidden and junk
 * names and excluded paths; follows symbolic links, but enters each real directory at most once
 * (dev:ino), which guards against link loops and duplicate trees. Unreadable folders and broken links
 * are reported via `onSkip` and the walk goes on. Rejects only if aborted or if `onFile` throws.
 */
export async function walk(root: string, opts: WalkOptions): Promise<void> {
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const limit = opts.timeoutMs ?? 10_000;
  const statT = (p: string) => withTimeout(stat(p), limit);
  const visited = new Set<string>();
  const rootStat = await stat(root);
  visited.add(dirKey(rootStat));
  const queue: { dir: string; rel: string }[] = [{ dir: root, rel: '' }];
  let active = 0;

  const readOne = async (dir: string, rel: string): Promise<void> => {
    let dirents: Dirent[];
    try {
      dirents = await withTimeout(readdir(dir, { withFileTypes: true }), limit);
    } catch (err) {
      opts.onSkip(dir, `could not read folder: ${describeFsError(err)}`);
      return;
    }
    if (opts.ordered) dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of dirents) {
      opts.signal?.throwIfAborted();
      if (isJunkName(d.name)) {
        if (!d.name.startsWith('.') && !d.isDirectory()) opts.onIgnored?.(d.name, 'system');
        continue;
      }
      const full = path.join(dir, d.name);
      const relPath = rel === '' ? d.name : `${rel}/${d.name}`;
      let isDir = d.isDirectory();
      let isFile = d.isFile();
      let dirStat: Stats | undefined;
      if (d.isSymbolicLink()) {
        try {
          const target = await statT(full);
          isDir = target.isDirectory();
          isFile = target.isFile();
          if (isDir) dirStat = target;
        } catch (err) {
          opts.onSkip(full, `broken symbolic link: ${describeFsError(err)}`);
          continue;
        }
      }
      if (isDir) {
        if (opts.exclude(relPath, true)) continue;
        if (!dirStat) {
          try {
            dirStat = await statT(full);
          } catch (err) {
            opts.onSkip(full, `could not read folder: ${describeFsError(err)}`);
            continue;
          }
        }
        const key = dirKey(dirStat);
        if (visited.has(key)) continue; // a link loop, or a tree already walked through another link
        visited.add(key);
        queue.push({ dir: full, rel: relPath });
      } else if (isFile) {
        if (opts.accept && !opts.accept(d.name)) {
          opts.onIgnored?.(d.name, 'rejected');
          continue;
        }
        if (opts.exclude(relPath, false)) {
          opts.onIgnored?.(d.name, 'excluded');
          continue;
        }
        await opts.onFile({ path: full, relPath });
      }
      // FIFOs, sockets and devices are not music: ignored.
    }
  };

  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const pump = () => {
      if (failed) return;
      if (opts.signal?.aborted) {
        failed = true;
        reject(opts.signal.reason);
        return;
      }
      while (active < concurrency && queue.length > 0) {
        const next = queue.pop()!; // depth-first keeps the queue short on wide trees
        active++;
        readOne(next.dir, next.rel).then(
          () => {
            active--;
            pump();
          },
          (err: unknown) => {
            failed = true;
            reject(err);
          },
        );
      }
      if (active === 0 && queue.length === 0) resolve();
    };
    pump();
  });
}
