import { describe, expect, it } from 'vitest';
import { createExcluder, hasJunkSegment, isJunkName } from '../../../src/main/core/library/exclude';

describe('junk names', () => {
  it('treats hidden, NAS and OS clutter as junk', () => {
    const junk = [
      '.hidden',
      '.DS_Store',
      '._Song.mp3',
      '.Trash-1000',
      '@eaDir',
      '#recycle',
      '#snapshot',
      '$RECYCLE.BIN',
      'System Volume Information',
      'lost+found',
      'Thumbs.db',
      'desktop.ini',
      'THUMBS.DB',
    ];
    for (const n of junk) expect(isJunkName(n), n).toBe(true);
    for (const n of ['Song.mp3', 'eaDir', 'recycle', 'Desktop', 'My Music', 'a.b'])
      expect(isJunkName(n), n).toBe(false);
  });

  it('finds junk in any segment of a relative path', () => {
    expect(hasJunkSegment('Artist/@eaDir/x.mp3')).toBe(true);
    expect(hasJunkSegment('Artist/.git/x.mp3')).toBe(true);
    expect(hasJunkSegment('Artist/Album/x.mp3')).toBe(false);
  });
});

describe('createExcluder', () => {
  it('matches gitignore-style patterns relative to the root', () => {
    const ex = createExcluder(['*.wav', 'Podcasts/', '/Live', '# comment', '', '  ', '!keep.wav']);
    expect(ex('a/b/c.wav', false)).toBe(true);
    expect(ex('keep.wav', false)).toBe(false);
    expect(ex('c.flac', false)).toBe(false);
    expect(ex('Podcasts', true)).toBe(true);
    expect(ex('Podcasts/ep1.mp3', false)).toBe(true);
    expect(ex('Podcasts', false)).toBe(false); // a file named like the folder pattern
    expect(ex('Live', true)).toBe(true);
    expect(ex('Other/Live', true)).toBe(false); // anchored to the root
  });

  it('excludes nothing without patterns and never the root itself', () => {
    expect(createExcluder([])('anything.mp3', false)).toBe(false);
    expect(createExcluder(['*'])('', true)).toBe(false);
    expect(createExcluder(['*'])('x.mp3', false)).toBe(true);
  });
});
