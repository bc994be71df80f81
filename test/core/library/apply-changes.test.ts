import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeLibrary, place, removeDir, SAMPLES, tempDir } from './helpers';
import { relPathOf } from '../../../src/main/core/library/root-index';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

async function setup() {
  await place(SAMPLES.flac, path.join(dir, 'A', 'one.flac'));
  await place(SAMPLES.mp3, path.join(dir, 'A', 'two.mp3'));
  const ctx = makeLibrary();
  await ctx.lib.scanRoot(dir, { exclude: ['Excluded/'] });
  ctx.deltas.length = 0;
  ctx.parsed.length = 0;
  return ctx;
}

const opts = { exclude: ['Excluded/'] };
const rels = (list: { root: string; path: string }[]) => list.map((e) => relPathOf(e)).sort();

describe('applyChanges after watcher events', () => {
  it('detects an added file and a new folder', async () => {
    const { lib, deltas } = await setup();
    const added = await place(SAMPLES.untagged, path.join(dir, 'new.mp3'));
    await place(SAMPLES.bigWav, path.join(dir, 'C', 'D', 'big.wav'));
    await place(SAMPLES.bigWav, path.join(dir, 'Excluded', 'no.wav'));
    const d = await lib.applyChanges(
      dir,
      [added, path.join(dir, 'C'), path.join(dir, 'Excluded', 'no.wav')],
      opts,
    );
    expect(rels(d.added)).toEqual(['C/D/big.wav', 'new.mp3']);
    expect(d.removed).toEqual([]);
    expect(deltas).toEqual([d]);
    expect(lib.stats(dir).tracks).toBe(4);
  });

  it('reports a file rewritten in place as changed with its new id and size', async () => {
    const { lib } = await setup();
    const p = path.join(dir, 'A', 'two.mp3');
    const before = lib.entries().find((e) => e.path === p)!;
    await appendFile(p, 'more bytes');
    const d = await lib.applyChanges(dir, [p], opts);
    expect(d.changed).toHaveLength(1);
    expect(d.changed[0]!.id).not.toBe(before.id);
    expect(d.changed[0]!.size).toBe(before.size + 'more bytes'.length);
    expect(lib.get(before.id)).toBeUndefined();
    expect(lib.get(d.changed[0]!.id)?.path).toBe(p);
  });

  it('detects removed files and removed folders', async () => {
    const { lib } = await setup();
    const p = path.join(dir, 'A', 'one.flac');
    await rm(p);
    let d = await lib.applyChanges(dir, [p], opts);
    expect(rels(d.removed)).toEqual(['A/one.flac']);
    await rm(path.join(dir, 'A'), { recursive: true });
    d = await lib.applyChanges(dir, [path.join(dir, 'A')], opts);
    expect(rels(d.removed)).toEqual(['A/two.mp3']);
    expect(lib.entries()).toEqual([]);
  });

  it('pairs a rename into a move, without re-parsing', async () => {
    const { lib, parsed } = await setup();
    const from = path.join(dir, 'A', 'one.flac');
    const to = path.join(dir, 'Elsewhere', 'renamed.flac');
    const id = lib.entries().find((e) => e.path === from)!.id;
    await mkdir(path.dirname(to));
    await rename(from, to);
    const d = await lib.applyChanges(dir, [from, to], opts);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.moved).toHaveLength(1);
    expect(d.moved[0]).toMatchObject({
      from,
      entry: { id, path: to },
    });
    expect(relPathOf(d.moved[0]!.entry)).toBe('Elsewhere/renamed.flac');
    expect(parsed).toEqual([]);
    expect(lib.get(id)?.path).toBe(to);
  });

  it('lets a title taken from the file name follow a rename; tag titles stay', async () => {
    const { lib, parsed } = await setup();
    const untagged = await place(SAMPLES.untagged, path.join(dir, 'Old Name.mp3'));
    await lib.applyChanges(dir, [untagged], opts);
    expect(lib.entries().find((e) => e.path === untagged)?.title).toBe('Old Name');
    parsed.length = 0;
    const renamed = path.join(dir, 'New Name.mp3');
    await rename(untagged, renamed);
    const tagged = path.join(dir, 'A', 'two.mp3');
    await rename(tagged, path.join(dir, 'A', 'three.mp3'));
    const d = await lib.applyChanges(
      dir,
      [untagged, renamed, tagged, path.join(dir, 'A', 'three.mp3')],
      opts,
    );
    expect(parsed).toEqual([]);
    expect(d.moved.map((m) => m.entry.title).sort()).toEqual(['Home', 'New Name']);
    expect(lib.entries().map((e) => e.title)).not.toContain('Old Name');
  });

  it('treats a file moved into an excluded folder as removed, and skips broken files', async () => {
    const { lib } = await setup();
    const from = path.join(dir, 'A', 'two.mp3');
    const to = path.join(dir, 'Excluded', 'two.mp3');
    await mkdir(path.dirname(to));
    await rename(from, to);
    const bad = path.join(dir, 'bad.ogg');
    await writeFile(bad, 'not ogg');
    const d = await lib.applyChanges(dir, [from, to, bad], opts);
    expect(rels(d.removed)).toEqual(['A/two.mp3']);
    expect(d.added).toEqual([]);
    expect(lib.skipped(dir)).toEqual([
      { path: bad, reason: 'not a valid OGG file (no audio found)' },
    ]);
    await rm(bad);
    await lib.applyChanges(dir, [bad], opts);
    expect(lib.skipped(dir)).toEqual([]);
  });

  it('ignores paths outside the root and emits nothing when nothing changed', async () => {
    const { lib, deltas } = await setup();
    const d = await lib.applyChanges(
      dir,
      ['/somewhere/else.mp3', path.join(dir, 'A', 'one.flac')],
      opts,
    );
    expect(d).toEqual({ added: [], changed: [], removed: [], moved: [] });
    expect(deltas).toEqual([]);
  });
});
