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

  it('says, per root, which tracks an earlier root holds too (published once)', () => {
    const idx = new RootIndex();
    idx.put('/r1', entry('/r1', 'a.mp3', 'aa'));
    idx.put('/r1', entry('/r1', 'a copy.mp3', 'aa')); // a copy inside one root: not a duplicate
    idx.put('/r1', entry('/r1', 'b.mp3', 'bb'));
    idx.put('/r2', entry('/r2', 'a.mp3', 'aa'));
    idx.put('/r3', entry('/r3', 'a.mp3', 'aa'));
    idx.put('/r3', entry('/r3', 'b.mp3', 'bb'));
    idx.put('/r3', entry('/r3', 'c.mp3', 'cc'));
    const d = idx.duplicates(['/r1', '/r2', '/r3']);
    expect(d.get('/r1')).toBeUndefined();
    expect(d.get('/r2')).toEqual({ tracks: 1, alsoIn: ['/r1'] });
    expect(d.get('/r3')).toEqual({ tracks: 2, alsoIn: ['/r1'] });
    // The sum of the roots' tracks less the duplicates is the published count.
    const sum = ['/r1', '/r2', '/r3'].reduce((n, r) => n + idx.totals(r).tracks, 0);
    expect(sum - 3).toBe(idx.size);
    // The order decides which root is "earlier".
    expect(idx.duplicates(['/r3', '/r1', '/r2']).get('/r1')).toEqual({
      tracks: 2,
      alsoIn: ['/r3'],
    });
  });
});
