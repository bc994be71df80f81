import path from 'node:path';
import type * as MusicMetadata from 'music-metadata';
import type { IOptions } from 'music-metadata';
import { describe, expect, it, vi } from 'vitest';
import { readTrack } from '../../../src/main/core/library/read-track';
import { CORPUS, SAMPLES } from './helpers';

const seen = vi.hoisted(() => [] as (IOptions & { apeHeader?: unknown })[]);
vi.mock('music-metadata', async (importOriginal) => {
  const mm = await importOriginal<typeof MusicMetadata>();
  return {
    ...mm,
    parseFromTokenizer: (t: Parameters<typeof mm.parseFromTokenizer>[0], o?: IOptions) => {
      if (o) seen.push(o);
      return mm.parseFromTokenizer(t, o);
    },
  };
});

describe('readTrack and music-metadata options', () => {
  it('gives every parse its own options object (the parser writes into it)', async () => {
    // music-metadata stores the APE footer it found in `options.apeHeader`; with one shared object,
    // files parsed at the same time read each other's tag offsets ("Invalid tag item size").
    const ape = path.join(CORPUS, 'mp3', 'APEv2+Lyrics3v2.mp3');
    const first = await readTrack(ape);
    const second = await readTrack(SAMPLES.mp3);
    expect(first.ok && second.ok).toBe(true);
    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toBe(seen[1]);
    expect(seen[0]).toHaveProperty('apeHeader'); // written by the first parse...
    expect(seen[1]?.apeHeader).toBeUndefined(); // ...and not seen by the next
    expect(seen[1]).toMatchObject({ skipCovers: true, duration: false });
  });
});
