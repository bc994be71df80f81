import { describe, expect, it } from 'vitest';
import { RootIndex } from '../../../src/main/core/library/root-index';
import type { LibraryEntry } from '../../../src/main/core/library/types';

const entry = (root: string, name: string, id: string, size = 10): LibraryEntry => ({
  id,
  path: `${root}/${name}`,
  root,
  size,
  mtimeMs: 1,
  dev: 1,
  ino: 1,
  title: name,
  mimeType: 'audio/mpeg',
  format: 'mp3',
});

describe('RootIndex', () => {
  it('keeps one id per content across paths and roots, and forgets copies one by one', () => {
    const idx = new RootIndex();
    const a = entry('/r1', 'a.mp3', 'aa');
    const copy = entry('/r1', 'copy.mp3', 'aa');
    const other = entry('/r2', 'a.mp3', 'aa');
    const b = entry('/r1', 'b.mp3', 'bb', 5);
    expect(idx.put('/r1', a)).toBe('added');
    expect(idx.put('/r1', copy)).toBe('added');
    expect(idx.put('/r2', other)).toBe('added');
    expect(idx.put('/r1', b)).toBe('added');
    expect(idx.size).toBe(2);
    expect(idx.unique().map((e) => e.path)).toEqual(['/r1/a.mp3', '/r1/b.mp3']);
    expect(idx.unique('/r2').map((e) => e.path)).toEqual(['/r2/a.mp3']);
    expect(idx.totals('/r1')).toEqual({ tracks: 2, bytes: 15 });
    expect(idx.totals('/r2')).toEqual({ tracks: 1, bytes: 10 });

    expect(idx.remove('/r1', '/r1/a.mp3')).toBe(a);
    expect(idx.byId('aa')).toBe(copy);
    idx.dropRoot('/r1');
    expect(idx.byId('aa')).toBe(other);
    expect(idx.byId('bb')).toBeUndefined();
    expect(idx.size).toBe(1);
    expect(idx.remove('/r2', '/r2/a.mp3')).toBe(other);
    expect(idx.byId('aa')).toBeUndefined();
    expect(idx.size).toBe(0);
    expect(idx.totals()).toEqual({ tracks: 0, bytes: 0 });
  });
});
