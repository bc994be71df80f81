import { chmod, copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Library } from '../../../src/main/core/library/library';
import type { LibraryDelta } from '../../../src/main/core/library/library';
import { ScanCache } from '../../../src/main/core/library/scan-cache';

/** The real-audio corpus (read-only), in test/fixtures/real (see test/fixtures/README.md). */
export const CORPUS = fileURLToPath(new URL('../../fixtures/real', import.meta.url));

/** A few corpus files the tests copy around. */
export const SAMPLES = {
  flac: path.join(CORPUS, "MusicBrainz - Beth Hart - Sinner's Prayer.flac"), // 413 KB, tagged
  mp3: path.join(CORPUS, 'id3v2.3.mp3'), // 96 KB, tagged "Home"
  untagged: path.join(CORPUS, 'mp3/notags.mp3'), // 12 KB, no tags
  bigWav: path.join(CORPUS, 'issue-161.wav'), // 2.1 MB, above the in-memory limit
};

/** A fresh temp folder; call the returned cleanup in afterEach. */
export async function tempDir(prefix = 'tc-lib-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Remove a temp folder (after restoring permissions a test may have taken away). */
export async function removeDir(dir: string): Promise<void> {
  await chmod(dir, 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}

/** Copy a corpus file to `dest` (creating folders) and make it writable. */
export async function place(src: string, dest: string): Promise<string> {
  await mkdir(path.dirname(dest), { recursive: true });
  await copyFile(src, dest);
  await chmod(dest, 0o644);
  return dest;
}

/** A library over an in-memory cache that counts parses and records deltas. */
export function makeLibrary(cache: ScanCache = ScanCache.inMemory()) {
  const parsed: string[] = [];
  const deltas: LibraryDelta[] = [];
  const lib = new Library({ cache, onParse: (p) => parsed.push(p) });
  lib.on('delta', (d) => deltas.push(d));
  return { lib, parsed, deltas, cache };
}
