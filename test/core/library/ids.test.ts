import { appendFile, link, mkdir, rename, utimes, writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { idFromBuffer, idOfFile } from '../../../src/main/core/library/fingerprint';
import { makeLibrary, place, removeDir, SAMPLES, tempDir } from './helpers';
import { relPathOf } from '../../../src/main/core/library/root-index';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

/** The id published for the file at `p` (looked up in its own root: `entries()` dedupes across roots). */
const idAt = (lib: ReturnType<typeof makeLibrary>['lib'], root: string, p: string) =>
  lib.entries(root).find((e) => e.path === p)?.id;

describe('stable content ids', () => {
  it('hashes content, not path: whole small files, samples of large ones', async () => {
    const small = new Uint8Array(1000).fill(7);
    expect(idFromBuffer(small)).toMatch(/^[0-9a-f]{32}$/);
    expect(idFromBuffer(small)).toBe(idFromBuffer(new Uint8Array(1000).fill(7)));
    const changed = small.slice();
    changed[500] = 8;
    expect(idFromBuffer(changed)).not.toBe(idFromBuffer(small));
    expect(idFromBuffer(new Uint8Array(1001).fill(7))).not.toBe(idFromBuffer(small)); // size is part of it

    const a = path.join(dir, 'a.wav');
    await place(SAMPLES.bigWav, a);
    const buf = await readFile(a);
    expect((await idOfFile(a)).id).toBe(idFromBuffer(buf)); // handle sampling == in-memory sampling
  });

  it('keeps the id across touch, rename and a move into another root', async () => {
    const r1 = path.join(dir, 'r1');
    const r2 = path.join(dir, 'r2');
    await mkdir(r2, { recursive: true });
    const p = await place(SAMPLES.flac, path.join(r1, 'Artist', 'song.flac'));
    const big = await place(SAMPLES.bigWav, path.join(r1, 'big.wav'));
    const { lib } = makeLibrary();
    await lib.scanRoot(r1, { exclude: [] });
    const id = idAt(lib, r1, p)!;
    const bigId = idAt(lib, r1, big)!;
    expect(id).toMatch(/^[0-9a-f]{32}$/);

    await utimes(p, new Date(), new Date(Date.now() + 5000));
    await utimes(big, new Date(), new Date(Date.now() + 5000));
    await lib.scanRoot(r1, { exclude: [] });
    expect(idAt(lib, r1, p)).toBe(id);
    expect(idAt(lib, r1, big)).toBe(bigId);

    const renamed = path.join(r1, 'Artist', 'renamed.flac');
    await rename(p, renamed);
    await lib.scanRoot(r1, { exclude: [] });
    expect(idAt(lib, r1, renamed)).toBe(id);
    expect(idAt(lib, r1, p)).toBeUndefined();

    const moved = path.join(r2, 'moved.flac');
    await rename(renamed, moved);
    await lib.scanRoot(r1, { exclude: [] });
    await lib.scanRoot(r2, { exclude: [] });
    expect(idAt(lib, r2, moved)).toBe(id);
    expect(lib.get(id)?.path).toBe(moved);
    expect(lib.get(id)?.root).toBe(r2);
  });

  it('publishes the same content once when reachable through two roots, a copy or a hard link', async () => {
    const r1 = path.join(dir, 'r1');
    const r2 = path.join(dir, 'r2');
    const a = await place(SAMPLES.mp3, path.join(r1, 'a.mp3'));
    const b = await place(SAMPLES.mp3, path.join(r2, 'copy.mp3'));
    await link(a, path.join(r1, 'hardlink.mp3'));
    await place(SAMPLES.untagged, path.join(r2, 'other.mp3'));
    const { lib } = makeLibrary();
    await lib.scanRoot(r1, { exclude: [] });
    await lib.scanRoot(r2, { exclude: [] });
    const { id } = await idOfFile(a);
    expect(idAt(lib, r2, b)).toBe(id);
    // r1 holds a and its hard link: one entry for both.
    expect(lib.entries(r1).filter((e) => e.id === id)).toHaveLength(1);
    const all = lib.entries();
    expect(all.filter((e) => e.id === id)).toHaveLength(1);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    expect(all).toHaveLength(2);
    expect(
      lib
        .entries(r2)
        .map((e) => relPathOf(e))
        .sort(),
    ).toEqual(['copy.mp3', 'other.mp3']);
    expect(lib.stats(r1).tracks).toBe(1);

    // Removing one root keeps the id published through the other.
    lib.removeRoot(r1);
    expect(lib.get(id)?.path).toBe(b);
  });

  it('changes the id when the bytes change', async () => {
    const p = await place(SAMPLES.mp3, path.join(dir, 'x.mp3'));
    const { lib } = makeLibrary();
    await lib.scanRoot(dir, { exclude: [] });
    const before = idAt(lib, dir, p);
    await appendFile(p, Buffer.from('extra bytes at the end'));
    await lib.scanRoot(dir, { exclude: [] });
    const after = lib.entries().find((e) => e.path === p)!;
    expect(after.id).not.toBe(before);
    expect(after.size).toBe((await readFile(p)).length);

    // Same size, one byte different in the middle of a large file: the middle sample sees it.
    const big = await place(SAMPLES.bigWav, path.join(dir, 'big.wav'));
    const id1 = (await idOfFile(big)).id;
    const buf = await readFile(big);
    const mid = Math.floor(buf.length / 2);
    buf[mid] = buf[mid]! ^ 0xff;
    await writeFile(big, buf);
    expect((await idOfFile(big)).id).not.toBe(id1);
  });
});
