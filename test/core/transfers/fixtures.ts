/** Temp folders with random audio-sized files, and a library map to resolve ids against. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ServeTarget } from '../../../src/main/core/transfers/types';

/** A temp folder plus the tracks published from it. */
export interface Library {
  dir: string;
  tracks: Map<string, ServeTarget>;
  sha: Map<string, string>;
  /** Write a random file of `size` bytes and publish it as `id` (with its stat as published). */
  add(
    id: string,
    size: number,
    opts?: { allowDownload?: boolean; downloadOnly?: boolean },
  ): Promise<ServeTarget>;
  resolve: (id: string) => ServeTarget | undefined;
  cleanup(): Promise<void>;
}

/** A fresh library in a new temp folder. */
export async function createLibrary(): Promise<Library> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tc-transfers-'));
  const tracks = new Map<string, ServeTarget>();
  const sha = new Map<string, string>();
  return {
    dir,
    tracks,
    sha,
    async add(id, size, opts = {}) {
      const file = path.join(dir, `${id}.bin`);
      const data = randomBytes(size);
      await writeFile(file, data);
      const st = await stat(file);
      const target: ServeTarget = {
        path: file,
        size: st.size,
        mtimeMs: st.mtimeMs,
        title: `Track ${id}`,
        allowDownload: opts.allowDownload ?? true,
        downloadOnly: opts.downloadOnly,
      };
      tracks.set(id, target);
      sha.set(id, createHash('sha256').update(data).digest('hex'));
      return target;
    },
    resolve: (id) => tracks.get(id),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
